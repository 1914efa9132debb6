"""Confidentiality, as GlobaLeaks holds it: a database dump holds no reporter name, phone, ID number, reported
person or report text in clear (SQLite file and pg_dump), and the public path writes no client address, user agent
or cookie value to the logs or the database."""

import datetime as dt
import json
import logging
import os
import shutil
import subprocess
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer, get_internal_wsgi_application
from django.db import connection

from orgwork.core import idcard
from orgwork.core.actor import Actor
from orgwork.tipoffs import services

from .conftest import PASSWORD

NAME = "甄密名"
PHONE = "13987650431"
ID_NUMBER = idcard.make("659004", dt.date(1983, 4, 5), 417)
TEXT = "独有正文QZV8841：某局长在干部推荐中打招呼"
PERSON = "贾被举人"
UNIT = "绝密测试单位XJ"
ADDED = "补充正文WQP5520"
REPLY = "答复正文RKT3377"
PLANTED = [NAME, PHONE, ID_NUMBER, TEXT, PERSON, UNIT, ADDED, REPLY]


def _forms(text: str) -> list[bytes]:
    """The bytes a string may take in a dump: UTF-8, and JSON's \\u escapes (JSON columns)."""
    return [text.encode("utf-8"), json.dumps(text)[1:-1].encode("ascii"), json.dumps(text)[1:-1].replace("\\", "\\\\").encode("ascii")]


def _plant(office):
    handler = Actor.for_user(office.founder)
    sub = services.submit(
        actor=None, category="selection", person_name=PERSON, person_unit=UNIT, person_post="局长", text=TEXT, anonymous=False,
        reporter_name=NAME, reporter_id_number=ID_NUMBER, reporter_phone=PHONE, files=[("附件.txt", TEXT.encode())],
    )
    services.add_information(receipt=sub.receipt, text=ADDED)
    today = dt.date.today()
    services.decide(actor=handler, report_id=sub.report.pk, decision="accept", on=today)
    services.reply(actor=handler, report_id=sub.report.pk, text=REPLY, on=today)
    sk = services.unlock(user=office.founder, password=PASSWORD)
    opened = services.read_report(actor=handler, report_id=sub.report.pk, handler_key=sk)
    assert opened["text"] == TEXT and opened["person"]["name"] == PERSON
    req = services.request_identity(actor=handler, report_id=sub.report.pk, reason="核实举报人反映情况需当面谈话")
    csk = services.unlock(user=office.custodian, password=PASSWORD)
    services.decide_identity(actor=Actor.for_user(office.custodian), request_id=req.pk, grant=True, note="同意", custodian_key=csk)
    assert services.read_identity(actor=handler, report_id=sub.report.pk, handler_key=sk)["phone"] == PHONE
    # offline channel, entered by staff
    services.submit(actor=handler, office_id=office.pk, channel="letter", category="conduct", person_name=PERSON, text=TEXT + "（来信）",
                    anonymous=False, reporter_name=NAME, reporter_id_number=ID_NUMBER, reporter_phone=PHONE, received_on=today)
    return sub


def _assert_absent(blob: bytes, where: str, extra=()):
    for s in [*PLANTED, *extra]:
        for form in _forms(s):
            assert form not in blob, f"{s!r} found in clear in {where}"


def _media_bytes() -> bytes:
    out = b""
    for p in Path(settings.MEDIA_ROOT).rglob("*"):
        if p.is_file():
            out += p.read_bytes()
    return out


@pytest.mark.django_db(transaction=True)
def test_database_dump_holds_no_reporter_data_in_clear(office, tmp_path):
    sub = _plant(office)
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        target = tmp_path / "dump.sqlite3"
        import sqlite3

        dest = sqlite3.connect(target)
        connection.connection.backup(dest)
        dest.close()
        blob = target.read_bytes()
        assert b"tipoffs_report" in blob and sub.report.reference.encode() in blob  # the dump is real
        _assert_absent(blob, "the SQLite file", extra=[sub.receipt])
    else:
        pg_dump = shutil.which("pg_dump")
        if not pg_dump:
            pytest.skip("pg_dump is not installed")
        s = connection.settings_dict
        env = {**os.environ, "PGPASSWORD": s.get("PASSWORD") or ""}
        cmd = [pg_dump, "-h", s.get("HOST") or "127.0.0.1", "-p", str(s.get("PORT") or 5432), "-U", s.get("USER") or "postgres", "--data-only", s["NAME"]]
        blob = subprocess.run(cmd, env=env, check=True, capture_output=True).stdout
        assert b"tipoffs_report" in blob and sub.report.reference.encode() in blob
        _assert_absent(blob, "pg_dump", extra=[sub.receipt])
    _assert_absent(_media_bytes(), "the uploaded files")


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))

    def emit(self, record):
        self.lines.append(self.format(record) + " " + repr(record.args))


UA = "TipoffProbe/9.9 (unique-agent-7731)"
COOKIE_VALUE = "cookie-id-5521-probe"


@pytest.mark.django_db(transaction=True)
def test_public_submission_writes_no_address_agent_or_cookie_to_logs_or_database(office, tmp_path):
    """Through Django's own development server handler (the one `runserver` logs with), at DEBUG level everywhere."""
    app = get_internal_wsgi_application()  # django.setup() inside re-applies settings.LOGGING: capture after it
    cap = _Capture()
    names = ["", "django", "django.request", "django.server", "django.db.backends", "orgwork", "huey"]
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    root = logging.getLogger()
    root.addHandler(cap)
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
    httpd = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    httpd.set_app(app)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    headers = {"User-Agent": UA, "Cookie": f"tracker={COOKIE_VALUE}; sessionid={COOKIE_VALUE}", "Content-Type": "application/json"}

    def call(path, body, expect):
        req = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, data = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, data = e.code, e.read()
        assert status == expect, data[:300]
        return json.loads(data) if data else {}

    try:
        body = {"category": "selection", "person_name": "日志测试", "text": "日志测试正文", "anonymous": True}
        call("/api/v1/public/tipoffs/", {"category": "selection"}, 400)
        receipt = call("/api/v1/public/tipoffs/", body, 201)["receipt"]
        for _ in range(4):
            call("/api/v1/public/tipoffs/", body, 201)
        call("/api/v1/public/tipoffs/", body, 429)  # the 6th from this device
        call("/api/v1/public/tipoffs/follow-up/", {"receipt": receipt}, 200)
        call("/api/v1/public/tipoffs/follow-up/", {"receipt": "9999999999999999"}, 404)
    finally:
        httpd.shutdown()
        httpd.server_close()
        root.removeHandler(cap)
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)
    text = "\n".join(cap.lines)
    assert "/api/v1/public/tipoffs/" in text  # the server did log its request lines (and the 4xx warnings)
    for needle in ("127.0.0.1", UA, "unique-agent-7731", COOKIE_VALUE):
        assert needle not in text, f"{needle!r} written to the log"
    # nor to the database
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        import sqlite3

        target = tmp_path / "db.sqlite3"
        dest = sqlite3.connect(target)
        connection.connection.backup(dest)
        dest.close()
        blob = target.read_bytes()
        for needle in ("127.0.0.1", UA, COOKIE_VALUE):
            assert needle.encode() not in blob, f"{needle!r} written to the database"
