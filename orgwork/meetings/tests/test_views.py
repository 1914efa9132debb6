import datetime as dt
import io

import pytest
from django.test import Client

from orgwork.meetings import services
from orgwork.meetings.models import Meeting

pytestmark = pytest.mark.django_db
D = dt.date


def login(user):
    c = Client()
    c.force_login(user)
    return c


def test_secretary_plans_opens_sign_in_and_records(tree, users, make_member):
    a = make_member(tree.village_a, name="甲")
    c = login(users["sec_a"])
    r = c.post("/meetings/new/", {"org": tree.village_a.pk, "kind": "general_meeting", "topic": "学习党章", "planned_on": "2026-05-06"})
    m = Meeting.objects.get(topic="学习党章")
    assert r.status_code == 302 and r["Location"].endswith(f"/meetings/{m.pk}/")
    c.post(f"/meetings/{m.pk}/signin_open/")
    body = c.get(f"/meetings/{m.pk}/").content.decode()
    assert "<svg" in body and m.signin_code in body and "http://cdn" not in body
    r = c.post(f"/meetings/{m.pk}/record/", {"held_on": "2026-05-06", "present": [a.pk], "minutes": "记录", "host": "书记"})
    m.refresh_from_db()
    assert m.status == "held" and m.host == "书记"


def test_member_signs_in_on_the_phone_page(tree, users, system):
    m = services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="general_meeting", topic="学习", planned_on=D(2026, 5, 1))
    services.set_signin(actor=system, meeting_id=m.pk, open=True)
    c = login(users["member_a"])
    assert c.get("/meetings/signin/").status_code == 200
    body = c.post("/meetings/signin/", {"code": m.signin_code}).content.decode()
    assert "签到成功" in body
    body = c.post(f"/meetings/signin/{m.signin_token}/").content.decode()
    assert "签到成功" in body


def test_out_of_scope_meeting_is_404(tree, users, system):
    m = services.plan_meeting(actor=system, org_id=tree.village_b.pk, kind="general_meeting", topic="学习", planned_on=D(2026, 5, 1))
    c = login(users["sec_a"])
    assert c.get(f"/meetings/{m.pk}/").status_code == 404
    assert c.post(f"/meetings/{m.pk}/cancel/", {"reason": "x"}).status_code in (302, 404)
    m.refresh_from_db()
    assert m.status == "planned"


def test_monthly_and_quarterly_pages_and_exports(tree, users, hold):
    hold(tree.village_b, "theme_day", D(2026, 5, 3))
    c = login(users["county"])
    body = c.get("/meetings/compliance/monthly/?year=2026&month=5").content.decode()
    assert "月调度" in body and "红旗村党支部" in body and "grid" in body
    body = c.get("/meetings/compliance/quarterly/?year=2026&quarter=2").content.decode()
    assert "季度" in body
    r = c.get("/meetings/compliance/monthly/?year=2026&month=5&format=xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
    assert rows[2][0] == "党组织" and any("红旗村党支部" in str(x[0]) for x in rows[3:])
    r = c.get("/meetings/compliance/quarterly/?year=2026&quarter=2&format=docx")
    assert r.status_code == 200
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "逾期未完成的党组织" in text


def test_secretary_sees_only_their_branch_in_the_report(tree, users):
    c = login(users["sec_a"])
    body = c.get("/meetings/compliance/monthly/?year=2026&month=5").content.decode()
    assert "第一党小组" in body and "中共乙镇委员会" not in body


def test_org_compliance_and_appraisal_pages(tree, users, make_member):
    make_member(tree.village_a, name="甲")
    c = login(users["sec_a"])
    assert c.get(f"/meetings/compliance/org/{tree.village_a.pk}/").status_code == 200
    assert c.get(f"/meetings/compliance/org/{tree.village_b.pk}/").status_code == 404
    r = c.post("/meetings/appraisals/", {"org": tree.village_a.pk, "year": 2026})
    assert r.status_code == 302
    assert "民主评议" in c.get(r["Location"]).content.decode()
    assert c.get("/meetings/").status_code == 200


def test_late_branches_reach_the_attention_list(tree, users):
    from orgwork.core.actor import Actor
    from orgwork.core.registry import collect_attention as collect

    items = collect(Actor.for_user(users["sec_a"]))
    assert any(i.kind == "meetings" and "红旗村党支部" in i.title for i in items)


def test_api_plan_record_and_compliance(tree, users, api, make_member):
    a = make_member(tree.village_a, name="甲")
    c = api(users["sec_a"])
    r = c.post("/api/v1/meetings/", {"org": tree.village_a.pk, "kind": "theme_day", "topic": "主题党日", "planned_on": "2026-05-06"}, format="json")
    assert r.status_code == 201, r.content
    mid = r.json()["id"]
    r = c.post(f"/api/v1/meetings/{mid}/record/", {"held_on": "2026-05-06", "present": [a.pk], "checklist": {"study": True, "dues": True}}, format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "incomplete"
    r = c.post(f"/api/v1/meetings/{mid}/record/", {"held_on": "2026-05-06", "present": [a.pk], "checklist": {"spirit": True}}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "held"
    r = c.get("/api/v1/meetings/compliance/?year=2026&month=5")
    rows = {x["org"]: x for x in r.json()["results"]}
    theme = next(i for i in rows[tree.village_a.pk]["items"] if i["code"] == "theme_day")
    assert theme["state"] == "done" and theme["citation"].startswith("支部工作条例")
    assert tree.village_b.pk not in rows
    assert c.get("/api/v1/meetings/").json()["count"] == 1
    assert api(users["sec_b"]).get(f"/api/v1/meetings/{mid}/").status_code == 404


def test_member_file_shows_attendance_and_is_scoped(tree, users, hold, make_member):
    me = users["member_a_record"]
    hold(tree.village_a, "general_meeting", D(2026, 5, 6), present=[me.pk])
    c = login(users["member_a"])
    body = c.get(f"/meetings/member/{me.pk}/").content.decode()
    assert "支部党员大会" in body and "出席" in body
    other = make_member(tree.village_a, name="别人")
    assert c.get(f"/meetings/member/{other.pk}/").status_code == 404  # a member sees only their own file
    assert login(users["sec_b"]).get(f"/meetings/member/{me.pk}/").status_code == 404
    assert login(users["sec_a"]).get(f"/meetings/member/{other.pk}/").status_code == 200


def test_talk_planned_with_participants_typed_as_numbers(tree, users, make_member):
    a, b = make_member(tree.village_a, name="甲"), make_member(tree.village_a, name="乙")
    c = login(users["sec_a"])
    c.post("/meetings/new/", {"org": tree.village_a.pk, "kind": "talk", "topic": "谈心", "planned_on": "2026-05-06", "attendees": f"{a.pk}，{b.pk}"})
    m = Meeting.objects.get(topic="谈心")
    assert set(m.attendance.values_list("member_id", flat=True)) == {a.pk, b.pk}


def test_failed_record_keeps_nothing(tree, users, system):
    m = services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="theme_day", topic="主题党日", planned_on=D(2026, 5, 1))
    c = login(users["sec_a"])
    c.post(f"/meetings/{m.pk}/record/", {"held_on": "2026-05-01", "host": "新主持人"})  # checklist incomplete: refused
    m.refresh_from_db()
    assert m.status == "planned" and m.host == ""


def test_list_and_report_pages_do_not_query_per_row(tree, users, hold, django_assert_max_num_queries):
    for day in (D(2026, 5, 1), D(2026, 5, 2), D(2026, 5, 3)):
        hold(tree.village_b, "theme_day", day)
        hold(tree.office_b, "theme_day", day)
    c = login(users["county"])
    c.get("/meetings/?year=2026")  # warm the session and the actor
    with django_assert_max_num_queries(14):
        assert c.get("/meetings/?year=2026").status_code == 200
    with django_assert_max_num_queries(30):
        assert c.get("/meetings/compliance/monthly/?year=2026&month=5").status_code == 200
