"""Console pages of the register: each renders for the department; offline entry shows the receipt once; the keys
page passes the office key on; the custodian decides on the keys page."""

import re

import pytest

from orgwork.tipoffs import services
from orgwork.tipoffs.models import IdentityRequest, KeyGrant, Report

from .conftest import PASSWORD, submit

pytestmark = pytest.mark.django_db


def test_console_pages_and_offline_entry(office, client):
    submit()
    client.force_login(office.founder)
    for url in ("/tipoffs/", "/tipoffs/keys/", "/tipoffs/statistics/", "/tipoffs/new/", "/tipoffs/unlock/"):
        assert client.get(url).status_code == 200, url
    r = client.post("/tipoffs/new/", {
        "office": office.pk, "channel": "letter", "received_on": "2026-03-02", "category": "conduct", "person_name": "来信被举报人",
        "text": "来信内容", "anonymous": "1",
    })
    assert r.status_code == 200
    receipt = re.search(r'data-testid="receipt">(\d+)<', r.content.decode()).group(1)
    report, _sk = services.find_by_receipt(receipt)
    assert report.channel == "letter" and Report.objects.count() == 2
    assert "来信被举报人" not in client.get(f"/tipoffs/{report.pk}/").content.decode()  # locked until unlocked


def test_keys_page_grants_and_custodian_decides(office, client, users):
    sub = submit(anonymous=False, reporter_name="页面实名", reporter_id_number="11010519491231002X", reporter_phone="13800138000")
    client.force_login(office.founder)
    client.post("/tipoffs/unlock/", {"password": PASSWORD})
    services.unlock(user=users["town_a"], password=PASSWORD)
    r = client.post("/tipoffs/keys/", {"action": "grant", "office": office.pk, "grant-username": "town_a", "grant-role": "handler"})
    assert (r.status_code == 200 and "不在本受理机构的工作范围内" in r.content.decode()) or KeyGrant.objects.filter(user=users["town_a"]).exists()
    client.post(f"/tipoffs/{sub.report.pk}/", {"action": "identity", "idr-reason": "需要当面核实情况"})
    req = IdentityRequest.objects.get()
    client.force_login(office.custodian)
    client.post("/tipoffs/unlock/", {"password": PASSWORD})
    client.post("/tipoffs/keys/", {"action": "decide_identity", "request": req.pk, "idd-grant": "1", "idd-note": "同意"})
    req.refresh_from_db()
    assert req.status == "granted"
    client.force_login(office.founder)
    client.post("/tipoffs/unlock/", {"password": PASSWORD})
    page = client.get(f"/tipoffs/{sub.report.pk}/identity/")
    assert page.status_code == 200 and "页面实名" in page.content.decode()
