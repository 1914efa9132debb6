"""Party-affairs disclosure: catalogue as data, the four-step workflow with its secrecy review, routine items in
the deadline job, on-request disclosure within the time limit (rules.md §8)."""

import datetime as dt

import pytest
from django.test import Client

from orgwork.core import deadlines
from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, ServiceError
from orgwork.disclosure import rules, selectors, services
from orgwork.disclosure.models import CatalogueEntry, Item, ItemState, RequestState

pytestmark = pytest.mark.django_db


def test_seven_content_areas_of_seed_001_are_data():
    r = rules.disclosure_rules(on=dt.date(2026, 1, 1))
    labels = [label for _code, label in r["areas"]]
    assert len(labels) == 7 and labels[0] == "党组织决议决定及执行情况" and labels[-1] == "党风廉政建设情况"
    assert "第十四" in r.source and r["request_answer_working_days"] == 20


def test_periods():
    assert rules.period_of("quarterly", dt.date(2026, 11, 5))[0] == "2026-Q4"
    assert rules.last_closed_period("quarterly", dt.date(2026, 1, 10))[0] == "2025-Q4"
    assert rules.last_closed_period("yearly", dt.date(2026, 3, 1))[2] == dt.date(2025, 12, 31)
    assert rules.last_closed_period("monthly", dt.date(2026, 3, 1))[0] == "2026-02"


def _propose(actor, org, audience="members"):
    return services.propose(actor=actor, org_id=org.pk, area="organization", audience=audience, title="第三季度党费收缴情况", content="应交 20 人，已交 20 人。")


def test_item_goes_propose_review_approve_publish(users, tree):
    sec, town = Actor.for_user(users["sec_a"]), Actor.for_user(users["town_a"])
    item = _propose(sec, tree.village_a)
    with pytest.raises(ServiceError):  # the proposer does not review their own item
        services.review(actor=sec, item_id=item.pk, approve=True, secrecy_checked=True)
    with pytest.raises(ServiceError) as e:  # 党务公开条例 第十四条: no approval without the secrecy review
        services.review(actor=town, item_id=item.pk, approve=True, secrecy_checked=False)
    assert e.value.errors[0].field == "secrecy_checked"
    with pytest.raises(ServiceError):  # not approved yet: cannot publish
        services.publish(actor=town, item_id=item.pk)
    services.review(actor=town, item_id=item.pk, approve=True, secrecy_checked=True)
    with pytest.raises(ServiceError):
        services.approve(actor=sec, item_id=item.pk)
    services.approve(actor=town, item_id=item.pk)
    item = services.publish(actor=sec, item_id=item.pk)
    assert item.state == ItemState.PUBLISHED
    with pytest.raises(NotFound):
        services.review(actor=Actor.for_user(users["sec_b"]), item_id=item.pk, approve=True, secrecy_checked=True)


def test_members_see_member_items_public_sees_public_only(users, tree):
    sec, town = Actor.for_user(users["sec_a"]), Actor.for_user(users["town_a"])
    for audience, title in (("members", "仅党员"), ("public", "向社会")):
        it = services.propose(actor=sec, org_id=tree.village_a.pk, area="organization", audience=audience, title=title, content="内容")
        services.review(actor=town, item_id=it.pk, approve=True, secrecy_checked=True)
        services.approve(actor=town, item_id=it.pk)
        services.publish(actor=town, item_id=it.pk)
    assert {i.title for i in selectors.member_items(Actor.for_user(users["member_a"]))} == {"仅党员", "向社会"}
    html = Client().get(f"/disclosure/public/org/{tree.village_a.pk}/").content.decode()
    assert "向社会" in html and "仅党员" not in html
    c = Client()
    c.force_login(users["member_a"])
    assert "仅党员" in c.get("/disclosure/mine/").content.decode()


def test_routine_items_overdue_go_to_the_deadline_job(users, tree, system):
    services.ensure_catalogue(actor=system, org_id=tree.village_a.pk)
    assert CatalogueEntry.objects.filter(org=tree.village_a).count() == len(rules.disclosure_rules()["routine_defaults"])
    today = dt.date(2026, 2, 20)  # Q4 2025 and the year 2025 ended; 10 working days have passed
    items, failures = deadlines.collect(today, only=["disclosure"])
    items = [i for _n, i in items]
    mine = [i for i in items if i.kind == "disclosure.routine" and i.org_id == tree.village_a.pk]
    assert not failures and mine and all(i.due_on < today for i in mine)
    fee = CatalogueEntry.objects.get(org=tree.village_a, title="党费收缴、使用和管理情况")
    it = services.propose(actor=Actor.for_user(users["sec_a"]), org_id=tree.village_a.pk, entry_id=fee.pk, period="2025-Q4", title="2025年第四季度党费", content="已全部收缴")
    town = Actor.for_user(users["town_a"])
    services.review(actor=town, item_id=it.pk, approve=True, secrecy_checked=True)
    services.approve(actor=town, item_id=it.pk)
    services.publish(actor=town, item_id=it.pk)
    items, _f = deadlines.collect(today, only=["disclosure"])
    items = [i for _n, i in items]
    assert not any(i.key == f"disclosure.routine:{fee.pk}:2025-Q4" for i in items)


def test_request_answered_within_the_time_limit(users, tree):
    received = dt.date(2026, 11, 2)
    req, code = services.submit_request(org_id=tree.village_a.pk, question="请公开本村党员发展名额", requester_name="张先生", today=received)
    assert req.due_on > received + dt.timedelta(days=20)  # 20 working days, not calendar days
    assert services.lookup(code).pk == req.pk and services.lookup("WRONGCODE") is None
    assert code not in req.receipt_hash
    with pytest.raises(NotFound):
        services.answer_request(actor=Actor.for_user(users["sec_b"]), request_id=req.pk, answer="x")
    with pytest.raises(ServiceError):  # a refusal must state its reason
        services.answer_request(actor=Actor.for_user(users["sec_a"]), request_id=req.pk, refuse=True)
    req = services.answer_request(actor=Actor.for_user(users["sec_a"]), request_id=req.pk, answer="今年名额2名", today=received + dt.timedelta(days=5))
    assert req.state == RequestState.ANSWERED and req.in_time is True
    late, _ = services.submit_request(org_id=tree.village_a.pk, question="再问", today=received)
    late = services.answer_request(actor=Actor.for_user(users["sec_a"]), request_id=late.pk, refuse=True, reason="涉及个人隐私", today=req.due_on + dt.timedelta(days=1))
    assert late.state == RequestState.REFUSED and late.in_time is False


def test_open_requests_are_in_the_deadline_job(tree):
    req, _code = services.submit_request(org_id=tree.village_a.pk, question="问", today=dt.date(2026, 11, 2))
    items, _f = deadlines.collect(dt.date(2026, 11, 30), only=["disclosure"])
    items = [i for _n, i in items]
    assert any(i.key == f"disclosure.request:{req.pk}" and i.due_on == req.due_on for i in items)


def test_api(users, tree, api):
    r = api().post("/api/v1/disclosure/public/requests/", {"org": tree.village_a.pk, "question": "公开什么"}, format="json")
    assert r.status_code == 201
    code = r.json()["receipt_code"]
    reqs = api(users["sec_a"]).get("/api/v1/disclosure/requests/").json()
    assert reqs["count"] == 1
    pk = reqs["results"][0]["id"]
    assert api(users["sec_b"]).post(f"/api/v1/disclosure/requests/{pk}/answer/", {"answer": "x"}, format="json").status_code == 404
    assert api(users["sec_a"]).post(f"/api/v1/disclosure/requests/{pk}/answer/", {"answer": "已公开"}, format="json").status_code == 200
    assert api().post("/api/v1/disclosure/public/receipt/", {"code": code}, format="json").json()["state"] == "answered"
    r = api(users["sec_a"]).post("/api/v1/disclosure/items/", {"org": tree.village_a.pk, "area": "organization", "audience": "members", "title": "t", "content": "c"}, format="json")
    assert r.status_code == 201
    r = api(users["town_a"]).post(f"/api/v1/disclosure/items/{r.json()['id']}/action/", {"action": "review", "approve": True}, format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "secrecy_checked"
    assert Item.objects.count() == 1


def test_console_pages(users, tree):
    c = Client()
    c.force_login(users["sec_a"])
    assert c.get("/disclosure/").status_code == 200
    assert c.get(f"/disclosure/catalogue/?org={tree.village_a.pk}").status_code == 200
    r = c.post(f"/disclosure/catalogue/?org={tree.village_a.pk}", {"action": "defaults"})
    assert r.status_code == 302 and CatalogueEntry.objects.filter(org=tree.village_a).exists()
    assert "例行公开" in c.get(f"/disclosure/catalogue/?org={tree.village_a.pk}").content.decode()
    assert c.get("/disclosure/propose/").status_code == 200
    assert Client().get("/disclosure/public/?q=红旗").status_code == 200


def test_demo(tree, system):
    from types import SimpleNamespace

    from orgwork.disclosure import demo

    out = demo.build(tree.county, SimpleNamespace(actor=system, branches=[tree.village_a], today=dt.date(2026, 11, 2)))
    assert out["published"] == 1
