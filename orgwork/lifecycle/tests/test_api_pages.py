import datetime as dt

import pytest

from orgwork.lifecycle.services import exits, mobile, transfers
from orgwork.members.models import Member

D = dt.date


@pytest.mark.django_db
def test_transfer_through_the_api_start_return_resubmit_receive(api, users, tree, make_member):
    m = make_member(tree.village_a, name="接口转接")
    sender, receiver = api(users["sec_a"]), api(users["sec_b"])
    r = sender.post("/api/v1/transfers/", {"member": m.pk, "to_org": tree.village_b.pk, "reason": "工作调动"}, format="json")
    assert r.status_code == 201, r.content
    tid = r.json()["id"]
    assert receiver.get("/api/v1/transfers/?status=pending").json()["results"][0]["id"] == tid
    r = receiver.post(f"/api/v1/transfers/{tid}/return/", {"reason": ""}, format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "required"
    r = receiver.post(f"/api/v1/transfers/{tid}/return/", {"reason": "材料不全"}, format="json")
    assert r.json()["status"] == "returned"
    r = sender.post(f"/api/v1/transfers/{tid}/resubmit/", {"comment": "已补齐"}, format="json")
    assert r.json()["status"] == "pending"
    assert sender.post(f"/api/v1/transfers/{tid}/receive/", {}, format="json").json()["errors"][0]["code"] == "wrong_side"
    r = receiver.post(f"/api/v1/transfers/{tid}/receive/", {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "received"
    assert [e["action"] for e in r.json()["events"]] == ["start", "return", "resubmit", "receive"]
    assert Member.objects.get(pk=m.pk).org_id == tree.village_b.pk
    assert api(users["town_a"]).get(f"/api/v1/transfers/{tid}/").status_code == 200  # sending side's committee sees it


@pytest.mark.django_db
def test_letter_via_api_and_docx_download(api, users, tree, make_member):
    m = make_member(tree.village_a)
    c = api(users["sec_a"])
    r = c.post("/api/v1/transfers/letters/", {"member": m.pk, "to_org_name": "外地党委", "reason": "迁出", "valid_days": 5}, format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "too_short"
    r = c.post("/api/v1/transfers/letters/", {"member": m.pk, "to_org_name": "外地党委", "reason": "迁出", "valid_days": 20}, format="json")
    assert r.status_code == 201 and r.json()["letter_number"]
    doc = c.get(f"/api/v1/transfers/{r.json()['id']}/letter/")
    assert doc.status_code == 200 and doc.content[:2] == b"PK"
    assert api(users["sec_b"]).get(f"/api/v1/transfers/{r.json()['id']}/").status_code == 404


@pytest.mark.django_db
def test_console_pages_render_and_act(client, users, tree, make_member, system):
    m = make_member(tree.village_a, name="页面甲")
    client.force_login(users["sec_a"])
    r = client.post("/lifecycle/transfers/", {"kind": "within", "member": m.pk, "to_org": tree.village_b.pk, "reason": "调动"})
    assert r.status_code == 302
    t = m.transfers.get()
    for url in ("/lifecycle/transfers/", "/lifecycle/transfers/?overdue=1", f"/lifecycle/transfers/{t.pk}/", "/lifecycle/mobile/", "/lifecycle/exits/"):
        assert client.get(url).status_code == 200, url
    n = make_member(tree.village_a, name="页面乙")
    reg = mobile.register(actor=system, member_id=n.pk, left_on=D(2026, 1, 1), destination="浙江", home_contact="王", today=D(2026, 11, 20))
    page = client.get("/lifecycle/mobile/").content.decode()
    assert "外出满6个月" in page and "6个月未联系" in page
    r = client.post("/lifecycle/mobile/", {"act": "contact", "registration": reg.pk, "on": "2026-11-01", "channel": "电话"})
    assert r.status_code == 302
    r = client.post("/lifecycle/exits/", {"member": m.pk, "kind": "rectification", "on": "2026-11-01"})
    assert r.status_code == 302
    inst = exits.open_instances(m.pk)[0]
    r = client.post(f"/lifecycle/exits/{inst.pk}/", {"done_on": "2026-11-01", "reason": "不参加组织生活", "deadline": "2027-05-01"})
    assert r.status_code == 302
    assert client.get(f"/lifecycle/exits/{inst.pk}/").status_code == 200
    client.force_login(users["sec_b"])
    assert client.get(f"/lifecycle/transfers/{t.pk}/").status_code == 200  # receiving side
    r = client.post(f"/lifecycle/transfers/{t.pk}/", {"act": "receive", "on": dt.date.today().isoformat()})
    assert r.status_code == 302
    assert transfers.Transfer.objects.get(pk=t.pk).status == "received"


@pytest.mark.django_db
def test_home_attention_lists_lifecycle_and_dues_items(users, tree, make_member, system):
    from orgwork.core.actor import Actor
    from orgwork.core.registry import collect_attention as collect

    m = make_member(tree.village_a)
    mobile.register(actor=system, member_id=m.pk, left_on=D(2025, 1, 1), destination="外地", home_contact="王", today=D(2026, 11, 20))
    transfers.start_within(actor=system, member_id=make_member(tree.village_a, name="待接").pk, to_org_id=tree.village_b.pk, reason="调动", on=D(2026, 11, 1))
    kinds = {i.kind for i in collect(Actor.for_user(users["county"]))}
    assert {"mobile.no_contact", "mobile.away", "transfer.incoming"} <= kinds
