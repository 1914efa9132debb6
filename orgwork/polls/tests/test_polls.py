"""Polls on the sealed ballot engine: one response per eligible person, no stored link from a response to a person,
results sealed until close, public respondents one per SMS-verified phone (stored as a salted hash), charts, Excel."""

import datetime as dt
import io

import pytest
from django.test import Client, override_settings
from python_calamine import CalamineWorkbook

from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError
from orgwork.core.models import AuditEvent, CastBallot, Credential
from orgwork.core.sms import MemorySms
from orgwork.polls import rules, selectors, services
from orgwork.polls.models import PhoneCode, PollState

pytestmark = pytest.mark.django_db


def build(actor, org, audience="members"):
    p = services.create_poll(actor=actor, org_id=org.pk, title="党员对支部工作满意度调查", audience=audience)
    services.add_question(actor=actor, poll_id=p.pk, kind="single", text="您对支部工作是否满意？", options=["满意", "基本满意", "不满意"], required=True)
    services.add_question(actor=actor, poll_id=p.pk, kind="multiple", text="希望加强哪些方面？", options=["学习教育", "服务群众", "组织生活"], max_choices=2)
    services.add_question(actor=actor, poll_id=p.pk, kind="rating", text="给支部书记打分", required=True)
    services.add_question(actor=actor, poll_id=p.pk, kind="text", text="意见建议")
    return p


ANSWERS = {"1": [1], "2": [1, 3], "3": {"1": "5"}, "4": "多组织主题党日"}


def test_rule_data():
    r = rules.poll_rules()
    assert r["rating_scale"] == 5 and r["sms_max_sends"] == 5 and "默认" in r.source


def test_builder_refuses_bad_questions(users, tree):
    sec = Actor.for_user(users["sec_a"])
    p = services.create_poll(actor=sec, org_id=tree.village_a.pk, title="t", audience="members")
    with pytest.raises(ServiceError):
        services.add_question(actor=sec, poll_id=p.pk, kind="single", text="只有一个选项", options=["是"])
    with pytest.raises(ServiceError):
        services.add_question(actor=sec, poll_id=p.pk, kind="multiple", text="多选", options=["a", "b"], max_choices=3)
    with pytest.raises(ServiceError):  # no questions yet
        services.open_poll(actor=sec, poll_id=p.pk)


def test_member_answers_once_and_nothing_links_the_answer_to_them(users, tree, make_member):
    sec = Actor.for_user(users["sec_a"])
    make_member(tree.village_a, name="王五")
    p = build(sec, tree.village_a)
    p, _codes = services.open_poll(actor=sec, poll_id=p.pk)
    assert p.state == PollState.OPEN and Credential.objects.filter(ballot=p.ballot).count() == 2
    member = Actor.for_user(users["member_a"])
    services.answer_as_member(actor=member, poll_id=p.pk, answers=ANSWERS)
    with pytest.raises(ServiceError) as e:
        services.answer_as_member(actor=member, poll_id=p.pk, answers=ANSWERS)
    assert e.value.errors[0].code == "already_voted"
    # the box holds the answer with no member, user, credential or time
    cast = CastBallot.objects.get(ballot=p.ballot, filled=True)
    assert {f.name for f in CastBallot._meta.fields} == {"id", "ballot", "group", "filled", "channel", "valid", "answers"}
    assert cast.answers["4"] == "多组织主题党日"
    ev = AuditEvent.objects.filter(action="ballot.cast").get()
    assert "多组织" not in str(ev.data) and str(cast.pk) not in str(ev.data) and ev.object_id == str(p.ballot_id)
    # sealed until close, for everyone
    with pytest.raises(ServiceError) as e:
        selectors.results(p)
    assert e.value.errors[0].code == "ballot_sealed"
    services.close_poll(actor=sec, poll_id=p.pk)
    p.refresh_from_db()
    res = selectors.results(p)
    assert res["cast"] == 1
    charts = selectors.chart_data(p, res)
    assert charts[0]["values"] == [1, 0, 0] and charts[2]["mean"] == 5 and charts[3]["texts"] == ["多组织主题党日"]
    with pytest.raises(ServiceError):  # closed: refused
        services.answer_as_member(actor=member, poll_id=p.pk, answers=ANSWERS)


def test_member_outside_the_subtree_is_not_on_the_list(users, tree, make_member, system):
    from django.contrib.auth import get_user_model

    from orgwork.core.models import Role
    from orgwork.core.services import grant_role
    from orgwork.members import services as member_services

    sec = Actor.for_user(users["sec_a"])
    p = build(sec, tree.village_a)
    services.open_poll(actor=sec, poll_id=p.pk)
    other = make_member(tree.village_b, name="赵六")
    u = get_user_model().objects.create_user(username="m_b", password="x")
    grant_role(actor=system, user=u, org=tree.village_b, role=Role.MEMBER)
    member_services.link_user(actor=system, member_id=other.pk, user=u)
    with pytest.raises(ServiceError) as e:
        services.answer_as_member(actor=Actor.for_user(u), poll_id=p.pk, answers=ANSWERS)
    assert e.value.errors[0].code == "not_a_voter"


def test_voter_list_with_one_time_codes(users, tree):
    sec = Actor.for_user(users["sec_a"])
    p = build(sec, tree.village_a, audience="codes")
    p, codes = services.open_poll(actor=sec, poll_id=p.pk, codes=3)
    assert len(codes) == 3
    services.answer_with_code(code=codes[0], poll_id=p.pk, answers=ANSWERS)
    with pytest.raises(ServiceError) as e:
        services.answer_with_code(code=codes[0], poll_id=p.pk, answers=ANSWERS)
    assert e.value.errors[0].code == "code_used"
    with pytest.raises(ServiceError):
        services.answer_with_code(code="AAAAA-AAAAA", poll_id=p.pk, answers=ANSWERS)


@override_settings(ORGWORK_SMS_GATEWAY="orgwork.core.sms.MemorySms")
def test_public_one_per_phone_verified_by_sms(users, tree):
    MemorySms.outbox.clear()
    sec = Actor.for_user(users["sec_a"])
    p = build(sec, tree.village_a, audience="public")
    p, _ = services.open_poll(actor=sec, poll_id=p.pk)
    services.send_phone_code(poll_id=p.pk, phone="138 0013 8000")
    code = MemorySms.outbox[-1]["text"].split("验证码是")[1][:6]
    with pytest.raises(ServiceError) as e:  # resent too soon
        services.send_phone_code(poll_id=p.pk, phone="13800138000")
    assert e.value.errors[0].code == "too_soon"
    with pytest.raises(ServiceError):
        services.answer_with_phone(poll_id=p.pk, phone="13800138000", code="000000" if code != "000000" else "111111", answers=ANSWERS)
    services.answer_with_phone(poll_id=p.pk, phone="13800138000", code=code, answers=ANSWERS)
    # the phone is kept only as a salted hash
    for row in [*PhoneCode.objects.values(), *Credential.objects.filter(ballot=p.ballot).values(), *AuditEvent.objects.values("data", "changes", "object_repr")]:
        assert "13800138000" not in str(row)
    assert Credential.objects.get(ballot=p.ballot).voter_id == services.phone_hash(p, "13800138000") != services.phone_hash(build(sec, tree.village_a, "public"), "13800138000")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    with pytest.raises(ServiceError) as e:
        services.send_phone_code(poll_id=p.pk, phone="13800138000", now=later)
    assert e.value.errors[0].code == "already_voted"


def test_pages_and_excel(users, tree):
    sec = Actor.for_user(users["sec_a"])
    p = build(sec, tree.village_a)
    c = Client()
    c.force_login(users["sec_a"])
    assert c.get("/polls/").status_code == 200 and c.get("/polls/new/").status_code == 200
    r = c.post(f"/polls/{p.pk}/", {"action": "open"})
    assert r.status_code == 200
    p.refresh_from_db()
    assert p.state == PollState.OPEN
    m = Client()
    m.force_login(users["member_a"])
    assert "党员对支部工作满意度调查" in m.get("/polls/mine/").content.decode()
    r = m.post(f"/polls/m/{p.pk}/", {"q1": "1", "q2": ["1", "2"], "q3": "4", "q4": "好"})
    assert 'data-testid="poll-done"' in r.content.decode()
    r = m.post(f"/polls/m/{p.pk}/", {"q1": "2", "q3": "3"})
    assert 'data-testid="poll-refused"' in r.content.decode()
    c.post(f"/polls/{p.pk}/", {"action": "close"})
    html = c.get(f"/polls/{p.pk}/").content.decode()
    assert "echarts-5.6.0.min.js" in html and "chart-data-1" in html
    r = c.get(f"/polls/{p.pk}/export.xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_name("结果").to_python()
    flat = [cell for row in rows for cell in row]
    assert "满意" in flat and "党员对支部工作满意度调查" in flat
    texts = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_name("意见建议").to_python()
    assert texts[1][1] == "好"


def test_api_results_sealed_then_open(users, tree, api):
    sec = Actor.for_user(users["sec_a"])
    p = build(sec, tree.village_a)
    services.open_poll(actor=sec, poll_id=p.pk)
    r = api(users["sec_a"]).get(f"/api/v1/polls/{p.pk}/results/")
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "ballot_sealed"
    assert api(users["sec_b"]).get(f"/api/v1/polls/{p.pk}/results/").status_code == 404
    services.close_poll(actor=sec, poll_id=p.pk)
    assert api(users["sec_a"]).get(f"/api/v1/polls/{p.pk}/results/").json()["results"]["cast"] == 0
    assert api(users["sec_a"]).get("/api/v1/polls/").json()["count"] == 1


def test_demo(tree, system, make_member):
    import random
    from types import SimpleNamespace

    from orgwork.polls import demo

    make_member(tree.village_a, name="示例")
    out = demo.build(tree.county, SimpleNamespace(actor=system, rng=random.Random(1), branches=[tree.village_a]))
    assert out["answers"] == 9 and out["open"] == 1
