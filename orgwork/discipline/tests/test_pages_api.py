import datetime as dt

import pytest
from django.urls import reverse

from orgwork.discipline import services
from orgwork.discipline.models import Sanction

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def sanction(tree, system, make_member):
    m = make_member(tree.village_a, name="周察看")
    return services.record_sanction(
        actor=system, member_id=m.pk, kind="probation", probation_years=1, decided_on=D(2026, 6, 1),
        decided_by="中共甲镇纪律检查委员会", document="甲纪发〔2026〕5号", reason="违反工作纪律",
    )


def test_secretaries_and_members_get_404_everywhere(client, api, users, sanction):
    client.force_login(users["member_a"])  # a member alone is sent to the phone pages, and the staff API refuses
    assert client.get(reverse("discipline:detail", args=[sanction.pk])).status_code == 302
    assert api(users["member_a"]).get(f"/api/v1/discipline/sanctions/{sanction.pk}/").status_code == 403
    client.force_login(users["sec_a"])  # a secretary of the very branch: the record is simply absent
    assert client.get(reverse("discipline:detail", args=[sanction.pk])).status_code == 404
    assert client.get(reverse("discipline:new", args=[sanction.member_id])).status_code == 404
    r = api(users["sec_a"]).get(f"/api/v1/discipline/sanctions/{sanction.pk}/")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert api(users["sec_a"]).get("/api/v1/discipline/sanctions/").json()["count"] == 0
    client.force_login(users["sec_a"])
    assert client.get(reverse("discipline:list")).status_code == 404


def test_town_admin_reads_records_and_history_in_the_console(client, users, sanction):
    client.force_login(users["town_a"])
    r = client.get(reverse("discipline:list"))
    assert r.status_code == 200 and "周察看" in r.content.decode() and "生效中" in r.content.decode()
    r = client.get(reverse("discipline:detail", args=[sanction.pk]))
    body = r.content.decode()
    assert r.status_code == 200 and "甲纪发〔2026〕5号" in body and "登记处分" in body
    r = client.post(reverse("discipline:detail", args=[sanction.pk]), {"action": "revoke", "revoke-on": "", "revoke-document": "", "revoke-reason": ""})
    assert r.status_code == 400 and "请填写撤销日期" in r.content.decode()
    r = client.post(reverse("discipline:detail", args=[sanction.pk]), {"action": "revoke", "revoke-on": "2026-09-01", "revoke-document": "县纪复〔2026〕1号", "revoke-reason": "申诉复查"})
    assert r.status_code == 302
    sanction.refresh_from_db()
    assert sanction.lifted_on == D(2026, 9, 1)


def test_console_records_a_sanction_with_field_errors_first(client, users, tree, make_member):
    m = make_member(tree.village_a, name="吴警告")
    client.force_login(users["town_a"])
    url = reverse("discipline:new", args=[m.pk])
    r = client.post(url, {"kind": "probation", "decided_on": "2026-06-01", "decided_by": "甲镇纪委", "document": "x", "reason": "y"})
    assert r.status_code == 200 and "留党察看期限应为1或2年" in r.content.decode()
    assert not Sanction.objects.exists()
    r = client.post(url, {"kind": "warning", "decided_on": "2026-06-01", "decided_by": "甲镇纪委", "document": "甲纪发〔2026〕8号", "reason": "违反群众纪律"})
    assert r.status_code == 302 and Sanction.objects.get().kind == "warning"


def test_api_create_validate_and_voting_basis(api, users, tree, make_member):
    m = make_member(tree.village_a, name="郑")
    other = make_member(tree.village_a, name="王")
    c = api(users["town_a"])
    r = c.post("/api/v1/discipline/sanctions/", {"member": m.pk, "kind": "probation", "decided_on": "2026-06-01", "decided_by": "甲镇纪委", "document": "d", "reason": "r"}, format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "probation_years"
    r = c.post("/api/v1/discipline/sanctions/", {"member": m.pk, "kind": "probation", "probation_years": 2, "decided_on": "2026-06-01", "decided_by": "甲镇纪委", "document": "d", "reason": "r"}, format="json")
    assert r.status_code == 201 and r.json()["ends_on"] == "2028-06-01" and r.json()["state"] == "in_force"
    r = c.post("/api/v1/discipline/sanctions/", {"member": m.pk, "kind": "warning", "decided_on": "2010-01-01", "decided_by": "a", "document": "d", "reason": "r"}, format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "no_rule_in_force"
    assert c.post("/api/v1/discipline/sanctions/", {"member": 99999, "kind": "warning", "decided_on": "2026-06-01", "decided_by": "a", "document": "d", "reason": "r"}, format="json").status_code == 404
    # the voting basis is readable by the branch, which needs the count; it names who is excluded, not the record
    r = api(users["sec_a"]).get("/api/v1/discipline/voting-basis/", {"org": tree.village_a.pk, "on": "2026-07-01"})
    body = r.json()
    assert r.status_code == 200 and body["entitled"] == body["full_members"] - 1 and body["excluded"][0]["name"] == "郑"
    assert other.pk not in [e["member"] for e in body["excluded"]]
    assert api(users["sec_b"]).get("/api/v1/discipline/voting-basis/", {"org": tree.village_a.pk}).status_code == 404
    assert api(users["sec_a"]).get("/api/v1/discipline/voting-basis/", {"org": "x"}).status_code == 400


def test_list_page_queries_do_not_grow_with_rows(client, users, tree, system, make_member, django_assert_max_num_queries):
    for i in range(12):
        m = make_member(tree.village_a, name="王" + "甲乙丙丁戊己庚辛壬癸子丑"[i])
        services.record_sanction(actor=system, member_id=m.pk, kind="warning", decided_on=D(2026, 5, 1), decided_by="甲镇纪委", document=f"甲纪发〔2026〕{i}号", reason="违纪")
    client.force_login(users["town_a"])
    client.get(reverse("discipline:list"))  # warm the session and caches
    with django_assert_max_num_queries(25):
        r = client.get(reverse("discipline:list"), {"kind": "warning"})
    assert r.status_code == 200 and r.content.decode().count("甲纪发〔2026〕") == 12
