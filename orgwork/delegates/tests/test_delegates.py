"""Delegates: reception days on Friday mornings (seed 001), each delegate at least once a year (flags and the deadline
job), opinions followed to closure, proposals with satisfaction, composition against targets, 网络问政 in time."""

import datetime as dt

import pytest
from django.test import Client

from orgwork.core import deadlines
from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, ServiceError
from orgwork.delegates import rules, selectors, services
from orgwork.delegates.models import Delegate, OpinionState

pytestmark = pytest.mark.django_db


def test_reception_day_rule_is_friday_morning_seed_001():
    r = rules.delegate_rules(on=dt.date(2026, 1, 1))
    assert r["reception_weekday"] == 4 and r["reception_start"] == "09:00" and r["min_receptions_per_year"] == 1
    assert "seed 001" in r.source
    assert rules.next_reception_day(dt.date(2026, 12, 1)) == dt.date(2026, 12, 4)  # Tuesday → Friday
    assert rules.next_reception_day(dt.date(2026, 12, 4)) == dt.date(2026, 12, 4)


@pytest.fixture
def congress(users, tree):
    county = Actor.for_user(users["county"])
    c = services.create_congress(actor=county, org_id=tree.county.pk, name="第十五次党代会", term_start=dt.date(2024, 6, 1), term_end=dt.date(2029, 5, 31))
    d1 = services.add_delegate(actor=county, congress_id=c.pk, org_id=tree.village_a.pk, name="李明", birth_date=dt.date(1995, 1, 1), occupation="farmer", female=True)
    d2 = services.add_delegate(actor=county, congress_id=c.pk, org_id=tree.office_b.pk, name="张伟", birth_date=dt.date(1970, 1, 1), occupation="cadre")
    return c, d1, d2


def test_composition_against_targets(congress):
    c, _d1, _d2 = congress
    comp = selectors.composition(c, dt.date(2026, 12, 1))
    rows = {r["key"]: r for r in comp["rows"]}
    assert comp["total"] == 2 and rows["farmers"]["share"] == 0.5 and rows["women"]["met"] and not rows["workers"]["met"]
    assert rows["under_35"]["count"] == 1


def test_reception_defaults_to_friday_and_flags_who_has_none(users, tree, congress):
    c, d1, d2 = congress
    county = Actor.for_user(users["county"])
    office = services.create_office(actor=county, org_id=tree.county.pk, name="党代表工作室")
    r = services.schedule_reception(actor=county, office_id=office.pk, delegate_ids=[d1.pk], today=dt.date(2026, 12, 1))
    assert r.day == dt.date(2026, 12, 4) and r.starts == dt.time(9) and r.ends == dt.time(12)
    missing = set(selectors.without_reception(Delegate.objects.all(), 2026))
    assert missing == {d2}
    items, _f = deadlines.collect(dt.date(2026, 12, 1), only=["delegates"])
    assert any(i.kind == "delegates.reception" and i.org_id == tree.office_b.pk for _n, i in items)
    items, _f = deadlines.collect(dt.date(2026, 5, 1), only=["delegates"])
    assert not any(i.kind == "delegates.reception" for _n, i in items)  # flagged only from the rule's month
    with pytest.raises(ServiceError):  # another township's secretary cannot pick delegates out of scope
        services.schedule_reception(actor=Actor.for_user(users["county"]), office_id=office.pk, delegate_ids=[999999])
    report = selectors.yearly_report(d1, 2026)
    assert len(report["receptions"]) == 1


def test_opinion_goes_through_to_closure(users, tree, congress):
    _c, d1, _d2 = congress
    sec = Actor.for_user(users["sec_a"])
    op = services.record_opinion(actor=sec, org_id=tree.village_a.pk, content="村道路灯不亮", delegate_id=d1.pk, from_name="村民")
    with pytest.raises(ServiceError):  # passing on needs the unit
        services.advance_opinion(actor=sec, opinion_id=op.pk)
    op = services.advance_opinion(actor=sec, opinion_id=op.pk, unit="镇村建办")
    with pytest.raises(ServiceError):  # follow-up needs a note
        services.advance_opinion(actor=sec, opinion_id=op.pk)
    op = services.advance_opinion(actor=sec, opinion_id=op.pk, note="已电话督办")
    op = services.advance_opinion(actor=sec, opinion_id=op.pk, answer="已维修")
    op = services.advance_opinion(actor=sec, opinion_id=op.pk)
    assert op.state == OpinionState.CLOSED and [s["state"] for s in op.log] == ["received", "passed", "followed", "answered", "closed"]
    with pytest.raises(NotFound):
        services.advance_opinion(actor=Actor.for_user(users["sec_b"]), opinion_id=op.pk)


def test_proposal_with_unit_reply_and_satisfaction(users, congress):
    _c, d1, _d2 = congress
    county = Actor.for_user(users["county"])
    p = services.submit_proposal(actor=county, delegate_id=d1.pk, title="加强冬训", content="建议")
    with pytest.raises(ServiceError):
        services.reply_proposal(actor=county, proposal_id=p.pk, reply="x")
    services.assign_proposal(actor=county, proposal_id=p.pk, unit="县委组织部")
    with pytest.raises(ServiceError):
        services.rate_proposal(actor=county, proposal_id=p.pk, satisfaction="satisfied")
    services.reply_proposal(actor=county, proposal_id=p.pk, reply="已采纳")
    p = services.rate_proposal(actor=county, proposal_id=p.pk, satisfaction="satisfied")
    assert p.get_satisfaction_display() == "满意"


def test_online_question_answered_in_public_within_the_limit(users, tree, api):
    q = services.ask_question(org_id=tree.village_a.pk, title="低保怎么申请", content="请问流程", today=dt.date(2026, 11, 2))
    assert q.due_on == dt.date(2026, 11, 16)  # 10 working days
    assert Client().get("/delegates/public/questions/").content.decode().count("低保怎么申请") == 0  # not public until answered
    items, _f = deadlines.collect(dt.date(2026, 11, 10), only=["delegates"])
    assert any(i.key == f"delegates.question:{q.pk}" for _n, i in items)
    q = services.answer_question(actor=Actor.for_user(users["sec_a"]), question_id=q.pk, answer="到村委会申请", on=dt.date(2026, 11, 10))
    assert q.in_time
    assert "到村委会申请" in Client().get("/delegates/public/questions/").content.decode()
    r = api().post("/api/v1/delegates/public/questions/", {"org": tree.village_a.pk, "title": "t", "content": "c"}, format="json")
    assert r.status_code == 201
    assert api(users["sec_b"]).post(f"/api/v1/delegates/questions/{r.json()['id']}/answer/", {"answer": "x"}, format="json").status_code == 404


def test_pages(users, tree, congress):
    c = Client()
    c.force_login(users["county"])
    for url in ["/delegates/", "/delegates/receptions/", "/delegates/opinions/", "/delegates/proposals/", "/delegates/questions/", f"/delegates/d/{congress[1].pk}/"]:
        assert c.get(url).status_code == 200, url
    assert Client().get(f"/delegates/public/questions/ask/{tree.village_a.pk}/").status_code == 200
    r = Client().post(f"/delegates/public/questions/ask/{tree.village_a.pk}/", {"title": "问题", "content": "内容"})
    assert 'data-testid="asked"' in r.content.decode()


def test_demo(tree, system):
    import random
    from types import SimpleNamespace

    from orgwork.delegates import demo

    out = demo.build(tree.county, SimpleNamespace(actor=system, rng=random.Random(1), today=dt.date(2026, 12, 3), branches=[tree.village_a, tree.office_a]))
    assert out["delegates"] == 12
