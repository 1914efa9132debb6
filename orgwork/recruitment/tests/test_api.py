"""/api/v1/recruitment/: scoped lists, applications, steps with gate errors, actions, objections, due steps."""

import datetime as dt

import pytest

from orgwork.conftest import make_id

D = dt.date
pytestmark = pytest.mark.django_db
BASE = "/api/v1/recruitment/"


def test_application_steps_and_gate_errors_through_the_api(api, users, tree, pipeline):
    town = api(users["town_a"])
    r = town.post(
        BASE + "applicants/",
        {"org": tree.village_a.pk, "name": "韩梅", "id_number": make_id(D(1998, 8, 8), male=False), "applied_on": "2026-03-02", "application_reference": "申请书-01"},
        format="json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["stage"], body["step"], body["step_title"], body["due_on"], body["rule_version"]) == ("applicant", "talk", "党组织派人谈话", "2026-04-02", "2014")
    pk = body["id"]
    r = town.post(BASE + f"applicants/{pk}/complete/", {"step": "talk", "done_on": "2026-04-10", "data": {"talker": "张书记"}}, format="json")
    assert r.status_code == 400
    err = r.json()
    assert err["code"] == "validation_error" and err["errors"][0]["code"] == "too_late" and "1个月内" in err["errors"][0]["message"]
    r = town.post(BASE + f"applicants/{pk}/complete/", {"step": "talk", "done_on": "2026-03-20", "data": {"talker": "张书记"}, "responsible": "张书记"}, format="json")
    assert r.status_code == 201 and r.json()["responsible"] == "张书记"
    r = town.get(BASE + "applicants/?stage=activist")
    assert [a["name"] for a in r.json()["results"]] == ["韩梅"]
    records = town.get(BASE + f"applicants/{pk}/records/").json()
    assert [x["action"] for x in records] == ["start", "complete", "complete"]
    assert records[1]["attachments"][0]["reference"] == "申请书-01"
    r = town.post(BASE + f"applicants/{pk}/actions/", {"action": "pause", "reason": "外出"}, format="json")
    assert r.status_code == 201 and r.json()["action"] == "pause"
    r = town.post(BASE + f"applicants/{pk}/actions/", {"action": "pause", "reason": "外出"}, format="json")
    assert r.status_code == 400


def test_other_branch_sees_nothing_and_gets_404(api, users, pipeline):
    a = pipeline.apply()
    assert api(users["sec_b"]).get(BASE + "applicants/").json()["results"] == []
    assert api(users["sec_b"]).get(BASE + f"applicants/{a.pk}/").status_code == 404
    r = api(users["sec_b"]).post(BASE + f"applicants/{a.pk}/complete/", {"step": "talk", "done_on": "2023-03-10"}, format="json")
    assert r.status_code == 404
    assert api(users["sec_a"]).get(BASE + f"applicants/{a.pk}/").json()["name"] == "王小明"


def test_secretary_cannot_complete_a_higher_committee_step(api, users, pipeline):
    a = pipeline.apply()
    pipeline.run(a, until="activist_filed")
    r = api(users["sec_a"]).post(BASE + f"applicants/{a.pk}/complete/", {"step": "activist_filed", "done_on": "2023-04-20"}, format="json")
    assert r.status_code == 403


def test_objections_and_due_steps(api, users, pipeline):
    a = pipeline.apply()
    pipeline.run(a, through="pre_review")
    town = api(users["town_a"])
    notice = town.get(BASE + f"applicants/{a.pk}/notices/").json()[0]
    r = town.post(BASE + f"notices/{notice['id']}/objections/", {"received_on": "2024-06-07", "content": "反映问题"}, format="json")
    assert r.status_code == 201
    oid = r.json()["id"]
    r = town.post(BASE + f"applicants/{a.pk}/complete/", {"step": "form", "done_on": "2024-06-14", "documents": {"入党志愿书": "1"}}, format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "objection_open"
    r = town.post(BASE + f"objections/{oid}/resolve/", {"upheld": False, "resolution": "反映不实", "on": "2024-06-13"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "dismissed"
    assert api(users["sec_b"]).post(BASE + f"notices/{notice['id']}/objections/", {"received_on": "2024-06-07", "content": "x"}, format="json").status_code == 404
    fresh = pipeline.apply(name="近期", birth=D(1999, 1, 1), applied_on=dt.date.today() - dt.timedelta(days=20))
    due = town.get(BASE + "due/").json()
    assert [(d["applicant"], d["step"], d["overdue"]) for d in due] == [(fresh.pk, "talk", False)]
    assert api(users["sec_b"]).get(BASE + "due/").json() == []


def test_schema_lists_the_recruitment_endpoints(api, users):
    r = api(users["county"]).get("/api/schema/")
    assert r.status_code == 200
    text = r.content.decode()
    assert "/api/v1/recruitment/applicants/{id}/complete/" in text and "/api/v1/recruitment/due/" in text


def test_stage_counts_plan_and_member_record(api, users, tree, pipeline):
    a = pipeline.apply()
    pipeline.run(a, through="approval")
    pipeline.apply(name="新人", birth=D(1999, 9, 9))
    county = api(users["county"])
    stages = {s["stage"]: s["count"] for s in county.get(BASE + "stages/").json()}
    assert stages == {"applicant": 1, "activist": 0, "candidate": 0, "admission": 1, "probation": 0}
    assert api(users["sec_b"]).get(BASE + "stages/").json()[0]["count"] == 0
    r = county.post(BASE + "plan/", {"org": tree.village_a.pk, "year": 2024, "planned": 1}, format="json")
    assert r.status_code == 201
    rows = {row["org"]: row for row in county.get(BASE + "plan/?year=2024").json()}
    assert rows[tree.village_a.pk]["admitted"] == 1 and not rows[tree.village_a.pk]["below_plan"]
    assert rows[tree.village_b.pk]["village_without_recruit"]
    assert api(users["sec_b"]).post(BASE + "plan/", {"org": tree.village_a.pk, "year": 2024, "planned": 3}, format="json").status_code == 404
    a.refresh_from_db()
    found = county.get(BASE + f"applicants/?member={a.member_id}&status=all").json()["results"]
    assert [x["id"] for x in found] == [a.pk] and found[0]["member"] == a.member_id
