"""Personal matters reports: designated readers only, every read audited, sensitive fields encrypted at rest —
the database file (SQLite) or a pg_dump (PostgreSQL) shows none of them in clear."""

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import tempfile
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from orgwork.cadres import services
from orgwork.cadres.deadlines import report_items
from orgwork.cadres.models import PersonalReport, Rank, ReportCheck, ReportKind
from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, ServiceError
from orgwork.core.models import AuditEvent

D = dt.date


def _reader(w, system):
    u = get_user_model().objects.create_user(username=f"pm_reader_{uuid.uuid4().hex[:6]}", password="Zugong#2026")
    services.designate_reader(actor=w.actor, user=u, org_id=w.tree.county.pk)
    return Actor.for_user(u)


@pytest.mark.django_db
def test_only_designated_staff_read_and_every_read_is_audited(world, system, users):
    w = world
    c = w.cadres[0]
    r = services.submit_report(actor=w.actor, cadre_id=c.pk, kind=ReportKind.ANNUAL, year=2025, submitted_on=D(2026, 1, 20), items={"housing": "某小区住房一套"})
    with pytest.raises(NotFound):  # the department admin who recorded it is not a designated reader
        services.read_report(actor=w.actor, report_id=r.pk)
    with pytest.raises(NotFound):
        services.read_report(actor=Actor.for_user(users["sysadmin"]), report_id=r.pk)
    reader = _reader(w, system)
    before = AuditEvent.objects.filter(action="cadres.personal_report.read").count()
    out = services.read_report(actor=reader, report_id=r.pk)
    services.read_report(actor=reader, report_id=r.pk)
    assert out["items"] == {"housing": "某小区住房一套"}
    assert AuditEvent.objects.filter(action="cadres.personal_report.read", actor_id=reader.user_id).count() == before + 2
    assert not AuditEvent.objects.filter(data__icontains="某小区").exists()


@pytest.mark.django_db
def test_spot_checks_share_as_data_and_results(world, system):
    w = world
    for c in w.cadres:
        services.submit_report(actor=w.actor, cadre_id=c.pk, kind=ReportKind.ANNUAL, year=2025, submitted_on=D(2026, 1, 20), items={"marriage": "已婚"})
    reader = _reader(w, system)
    checks = services.draw_spot_checks(actor=reader, year=2025, on=D(2026, 3, 1), seed=7)
    assert len(checks) == 1  # ceil(4 × 1/10)
    with pytest.raises(ServiceError) as exc:
        services.record_check(actor=reader, check_id=checks[0].pk, result="bad", handling="", on=D(2026, 3, 20))
    assert exc.value.errors[0].code == "bad_value"
    services.record_check(actor=reader, check_id=checks[0].pk, result="omission", handling="漏报配偶持股，批评教育", on=D(2026, 3, 20))
    assert ReportCheck.objects.get(pk=checks[0].pk).get_result_display() == "漏报"
    with pytest.raises(NotFound):
        services.draw_spot_checks(actor=w.actor, year=2025, on=D(2026, 3, 1))


@pytest.mark.django_db
def test_deadline_provider_annual_and_new_appointee(world):
    w = world
    c = w.cadres[0]
    services.update_cadre(actor=w.actor, cadre_id=c.pk, rank=Rank.COUNTY_DEPUTY)
    items = list(report_items(D(2026, 1, 5)))
    assert [i.key for i in items] == [f"cadres.pm.annual:{c.pk}:2025"] and items[0].due_on == D(2026, 1, 31)
    services.submit_report(actor=w.actor, cadre_id=c.pk, kind=ReportKind.ANNUAL, year=2025, submitted_on=D(2026, 1, 20), items={})
    assert list(report_items(D(2026, 1, 25))) == []


def _plant(w, marker):
    c = w.cadres[1]
    r = services.submit_report(
        actor=w.actor, cadre_id=c.pk, kind=ReportKind.CHANGE, year=2026, submitted_on=D(2026, 2, 10), change_on=D(2026, 2, 1),
        items={"businesses": f"配偶经营{marker}A", "investments": [f"股票{marker}B"], "family_jobs": f"子女任职于{marker}C"},
    )
    ck = ReportCheck.objects.create(report=r, reason="tip", drawn_on=D(2026, 2, 11))
    reader = _reader(w, None)
    services.record_check(actor=reader, check_id=ck.pk, result="concealment", handling=f"隐瞒{marker}D，诫勉", on=D(2026, 2, 20))
    assert services.read_report(actor=reader, report_id=r.pk)["items"]["businesses"] == f"配偶经营{marker}A"
    return r


@pytest.mark.django_db(transaction=True)
def test_database_dump_shows_no_sensitive_field_in_clear(world):
    marker = "泄露检测" + uuid.uuid4().hex
    _plant(world, marker)
    control = ("对照" + uuid.uuid4().hex).encode("utf-8")  # a plain field, to show the search would find one
    services.update_cadre(actor=world.actor, cadre_id=world.cadres[2].pk, notes=control.decode())
    assert PersonalReport.objects.count() == 1
    needles = [marker.encode("utf-8"), uuid.UUID(marker[-32:]).hex.encode()]
    if connection.vendor == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "dump.sqlite3")
            dest = sqlite3.connect(path)
            connection.ensure_connection()
            connection.connection.backup(dest)
            dest.close()
            blob = open(path, "rb").read()
            dump = "\n".join(sqlite3.connect(path).iterdump()).encode("utf-8")
        assert b'INSERT INTO "cadres_personalreport"' in dump  # the table is there, with rows
        assert control in blob and control in dump
        for data in (blob, dump):
            for n in needles:
                assert n not in data
    else:
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            pytest.skip("pg_dump not installed")
        s = connection.settings_dict
        env = {**os.environ, "PGPASSWORD": s.get("PASSWORD") or ""}
        out = subprocess.run(
            [pg_dump, "-h", s.get("HOST") or "127.0.0.1", "-p", str(s.get("PORT") or 5432), "-U", s.get("USER") or "postgres", "-d", s["NAME"], "--data-only"],
            capture_output=True, env=env, check=True, timeout=120,
        ).stdout
        assert b"cadres_personalreport" in out and control in out
        for n in needles:
            assert n not in out
