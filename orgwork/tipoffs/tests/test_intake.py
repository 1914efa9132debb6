"""Public intake and receipts: the answer is a receipt shown once; with it alone the reporter reads the status and
the replies and adds information; wrong receipts are refused and guessing is rate-limited."""

import datetime as dt

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from orgwork.core.actor import Actor
from orgwork.tipoffs import services
from orgwork.tipoffs.models import Report, Status

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db
URL = "/api/v1/public/tipoffs/"


def _post(client, **over):
    body = {"category": "selection", "person_name": "赵某", "person_unit": "某乡政府", "person_post": "副乡长", "text": "干部选拔中存在违规", "anonymous": True}
    body.update(over)
    return client.post(URL, body, format="json")


def test_public_api_answers_a_receipt_kept_only_as_a_slow_hash(office):
    r = _post(APIClient())
    assert r.status_code == 201, r.content
    receipt = r.json()["receipt"]
    assert receipt.isdigit() and len(receipt) >= 16
    report = Report.objects.get(reference=r.json()["reference"])
    assert receipt not in str(report.__dict__)
    assert len(report.receipt_lookup) == 4 and len(report.receipt_verifier) == 64
    assert report.channel == "online" and report.status == Status.RECEIVED and report.procedure.step == "accept"


def test_receipt_follow_up_reads_status_and_replies_and_adds_information(office):
    client = APIClient()
    receipt = _post(client).json()["receipt"]
    report = Report.objects.get()
    handler = Actor.for_user(office.founder)
    services.decide(actor=handler, report_id=report.pk, decision="accept", on=dt.date.today())
    services.reply(actor=handler, report_id=report.pk, text="已受理，请补充具体时间地点", on=dt.date.today())

    r = client.post(URL + "follow-up/", {"receipt": receipt}, format="json")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "accepted" and body["status_label"] == "已受理，正在办理"
    assert [m["text"] for m in body["messages"]] == ["已受理，请补充具体时间地点"]

    r = client.post(URL + "follow-up/add/", {"receipt": receipt, "text": "时间是2026年3月，地点在会议室"}, format="json")
    assert r.status_code == 201, r.content
    assert [m["author"] for m in r.json()["messages"]] == ["office", "reporter"]
    opened = services.read_report(actor=handler, report_id=report.pk, handler_key=services.unlock(user=office.founder, password=PASSWORD))
    assert opened["messages"][-1]["text"] == "时间是2026年3月，地点在会议室"


def test_receipt_follow_up_on_the_public_page(office, client):
    sub = services.submit(actor=None, category="conduct", person_name="钱某", text="公车私用", anonymous=True)
    r = client.post("/12380/follow/", {"receipt": sub.receipt})
    assert r.status_code == 200 and "已登记，待受理" in r.content.decode()
    r = client.post("/12380/follow/add/", {"receipt": sub.receipt, "text": "补充：每周末"})
    assert r.status_code == 200 and "补充：每周末" in r.content.decode()


def test_a_wrong_receipt_is_refused_and_guessing_is_rate_limited(office):
    client = APIClient()
    _post(client)
    for _ in range(10):
        assert client.post(URL + "follow-up/", {"receipt": "1234567890123456"}, format="json").status_code == 404
    r = client.post(URL + "follow-up/", {"receipt": "1234567890123456"}, format="json")
    assert r.status_code == 429 and r.json()["code"] == "rate_limited"


def test_at_most_five_reports_per_device_per_day(office):
    client = APIClient()
    for _ in range(5):
        assert _post(client).status_code == 201
    r = _post(client)
    assert r.status_code == 429
    assert Report.objects.count() == 5
    # another device (address) is not affected
    assert _post(APIClient(REMOTE_ADDR="10.9.8.7")).status_code == 201
    # nothing in the cache names the address: keys are day-keyed hashes
    keys = list(getattr(cache, "_cache", {}).keys())
    assert keys and not any("127.0.0.1" in str(k) or "10.9.8.7" in str(k) for k in keys)


def test_text_over_the_limit_and_real_name_without_identity_are_refused(office):
    client = APIClient()
    r = _post(client, text="字" * 1001)
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "too_long"
    r = _post(client, anonymous=False, reporter_name="孙某", reporter_id_number="123", reporter_phone="138")
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"reporter_id_number", "reporter_phone"} <= fields
    assert Report.objects.count() == 0


def test_guidance_names_the_scope_and_where_other_matters_go(office):
    body = APIClient().get(URL).json()
    assert body["in_scope"] == ["selection", "promotion_candidate", "conduct"]
    assert any("12388" in where for _what, where in body["out_of_scope"])
    assert body["max_text_chars"] == 1000 and body["max_reports_per_device_per_day"] == 5


def test_public_api_is_in_the_openapi_schema(users, client):
    client.force_login(users["county"])
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/public/tipoffs/" in schema and "/api/v1/public/tipoffs/follow-up/" in schema


def test_attachments_are_sealed_and_open_for_the_handler(office):
    sub = services.submit(actor=None, category="selection", person_name="李某", text="见附件", anonymous=True, files=[("证据.txt", "附件里的秘密证据ZXQ".encode())])
    f = sub.report.files.get()
    with f.blob.open("rb") as fh:
        assert "附件里的秘密证据ZXQ".encode() not in fh.read()
    sk = services.unlock(user=office.founder, password=PASSWORD)
    name, data = services.read_file(actor=Actor.for_user(office.founder), file_id=f.pk, handler_key=sk)
    assert name == "证据.txt" and data.decode() == "附件里的秘密证据ZXQ"
