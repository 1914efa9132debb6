"""Competitive selection (竞争上岗 / 公开选拔): eligibility as rule data with its refusal codes, applications online
and by staff, exam and interview scores with weights, ranking, publicity with objections, the appointment linked
to the competition and counted in the share report (seed 001 targets)."""

import datetime as dt
from decimal import Decimal

import pytest

from orgwork.cadres import selectors, services
from orgwork.cadres.models import Application, Appointment, Rank
from orgwork.cadres.rules import eligibility_rules, overall_score
from orgwork.conftest import make_id
from orgwork.core import procedures as proc
from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError

pytestmark = pytest.mark.django_db
D = dt.date


def test_eligibility_rules_cite_the_regulation():
    """《党政领导干部选拔任用工作条例》(2019) 第八条: 第三项 副职提任正职 two years in the deputy post, lower principal to
    upper deputy three years; 第四项 大学专科以上; 第一项 five years' work to be promoted to county level."""
    rs = eligibility_rules(D(2026, 5, 1))
    years = {(f, t): (n, basis) for f, t, n, basis in rs["years_in_rank"]}
    assert years[("section_deputy", "section_principal")][0] == 2 and "第八条第三项" in years[("section_deputy", "section_principal")][1]
    assert years[("section_principal", "county_deputy")][0] == 3
    assert rs["min_education"] == "college" and rs["county_min_work_years"] == 5
    assert "第八条" in rs.source and rs.version == "2019"
    assert overall_score(Decimal("80"), Decimal("90"), exam_weight="2/5", interview_weight="3/5") == Decimal("86.00")


def _competition(w, **kw):
    values = dict(post_id=w.deputy.pk, title="县交通运输局副局长竞争上岗", on=D(2026, 3, 2), apply_from=D(2026, 3, 2), apply_until=D(2026, 3, 13), max_age=45)
    values.update(kw)
    comp = services.start_competition(actor=w.actor, **values)
    services.complete_competition_step(actor=w.actor, competition_id=comp.pk, step="announce", done_on=values["on"], data={"scope": "全县科员"}, documents={"竞争上岗（公开选拔）公告": "县委组〔2026〕8号"})
    return comp


SEASONED = D(2020, 1, 1)


def _seasoned(w, cadres, since=SEASONED):
    for c in cadres:
        services.update_cadre(actor=w.actor, cadre_id=c.pk, rank_since=since)


def _codes(exc):
    return {e.code for e in exc.value.errors}


def test_each_refusal_code(world):
    w = world
    comp = _competition(w)
    new = w.cadres[0]  # rank_since unknown: 0 years as 科员
    with pytest.raises(ServiceError) as exc:
        services.apply_for_competition(actor=w.actor, competition_id=comp.pk, cadre_id=new.pk, on=D(2026, 3, 3))
    assert _codes(exc) == {"not_eligible_years"}
    old = services.create_cadre(actor=w.actor, org_id=w.tree.county.pk, id_number=make_id(D(1970, 1, 1)), name="老周", education="高中", rank=Rank.STAFF, rank_since=D(2000, 1, 1))
    with pytest.raises(ServiceError) as exc:
        services.apply_for_competition(actor=w.actor, competition_id=comp.pk, cadre_id=old.pk, on=D(2026, 3, 3))
    assert _codes(exc) == {"not_eligible_education", "not_eligible_age"}
    senior = services.create_cadre(actor=w.actor, org_id=w.tree.county.pk, id_number=make_id(D(1985, 1, 1)), name="钟正", education="大学本科", rank=Rank.COUNTY_DEPUTY, rank_since=D(2018, 1, 1))
    with pytest.raises(ServiceError) as exc:
        services.apply_for_competition(actor=w.actor, competition_id=comp.pk, cadre_id=senior.pk, on=D(2026, 3, 3))
    assert _codes(exc) == {"not_eligible_rank"}
    _seasoned(w, [new])
    with pytest.raises(ServiceError) as exc:
        services.apply_for_competition(actor=w.actor, competition_id=comp.pk, cadre_id=new.pk, on=D(2026, 3, 20))
    assert _codes(exc) == {"applications_closed"}
    services.apply_for_competition(actor=w.actor, competition_id=comp.pk, cadre_id=new.pk, on=D(2026, 3, 3))
    with pytest.raises(ServiceError) as exc:
        services.apply_for_competition(actor=w.actor, competition_id=comp.pk, cadre_id=new.pk, on=D(2026, 3, 4))
    assert _codes(exc) == {"duplicate_existing"}
    # one eligible applicant for one seat is no competition; the qualification step waits for the deadline too
    with pytest.raises(ServiceError) as exc:
        services.complete_competition_step(actor=w.actor, competition_id=comp.pk, step="qualification", done_on=D(2026, 3, 10))
    assert _codes(exc) == {"applications_open", "not_contested"} or _codes(exc) == {"applications_open"}
    with pytest.raises(ServiceError) as exc:
        services.complete_competition_step(actor=w.actor, competition_id=comp.pk, step="qualification", done_on=D(2026, 3, 16))
    assert _codes(exc) == {"not_contested"}


def test_county_post_needs_five_years_of_work(world):
    w = world
    bureau_head = services.create_post(actor=w.actor, unit_id=w.unit.pk, title="局长", kind="principal", rank=Rank.COUNTY_DEPUTY)
    young = services.create_cadre(actor=w.actor, org_id=w.tree.county.pk, id_number=make_id(D(1990, 1, 1)), name="少年", education="硕士研究生", rank=Rank.SECTION_PRINCIPAL,
                                  rank_since=D(2020, 1, 1), work_started_on=D(2023, 7, 1))
    comp = _competition(w, post_id=bureau_head.pk)
    with pytest.raises(ServiceError) as exc:
        services.apply_for_competition(actor=w.actor, competition_id=comp.pk, cadre_id=young.pk, on=D(2026, 3, 3))
    assert _codes(exc) == {"not_eligible_work_years"}


def test_full_competition_to_appointment_and_the_share_report(world, users, system):
    w = world
    _seasoned(w, w.cadres)
    comp = _competition(w, max_age=55)
    for c in w.cadres[:2]:
        services.apply_for_competition(actor=w.actor, competition_id=comp.pk, cadre_id=c.pk, on=D(2026, 3, 3), statement="竞职陈述")
    # a cadre signed in applies online: the member account 李四 is a cadre in the registry
    me = services.create_cadre(actor=w.actor, org_id=w.tree.county.pk, id_number=users["member_a_record"].id_number, name="李四", education="大学本科", rank=Rank.STAFF, rank_since=D(2015, 1, 1))
    assert me.member_id == users["member_a_record"].pk
    assert [c.pk for c in selectors.open_competitions(today=D(2026, 3, 5))] == [comp.pk]
    app = services.apply_online(actor=Actor.for_user(users["member_a"]), competition_id=comp.pk, on=D(2026, 3, 5))
    assert app.channel == "online" and app.cadre == me
    with pytest.raises(ServiceError) as exc:
        services.apply_online(actor=Actor.for_user(users["sec_a"]), competition_id=comp.pk, on=D(2026, 3, 5))
    assert _codes(exc) == {"not_a_cadre"}
    step = lambda key, on, data=None, docs=None: services.complete_competition_step(actor=w.actor, competition_id=comp.pk, step=key, done_on=on, data=data or {}, documents=docs)  # noqa: E731
    step("qualification", D(2026, 3, 16))
    apps = {a.cadre.name: a for a in Application.objects.filter(competition=comp).select_related("cadre")}
    with pytest.raises(ServiceError) as exc:
        step("exam", D(2026, 3, 20))
    assert _codes(exc) == {"scores_missing"}
    with pytest.raises(ServiceError) as exc:
        services.record_scores(actor=w.actor, competition_id=comp.pk, kind="exam", scores={apps["王五"].pk: "101"})
    assert _codes(exc) == {"out_of_range"}
    services.record_scores(actor=w.actor, competition_id=comp.pk, kind="exam", scores={apps["王五"].pk: "80", apps["赵六"].pk: "90", apps["李四"].pk: "70"})
    step("exam", D(2026, 3, 20))
    services.record_scores(actor=w.actor, competition_id=comp.pk, kind="interview", scores={apps["王五"].pk: "92", apps["赵六"].pk: "80", apps["李四"].pk: "75"})
    step("interview", D(2026, 3, 24))
    ranked = selectors.applications(comp)
    assert [(a.cadre.name, a.total, a.rank) for a in ranked] == [("王五", Decimal("87.20"), 1), ("赵六", Decimal("84.00"), 2), ("李四", Decimal("73.00"), 3)]
    with pytest.raises(ServiceError) as exc:
        step("vetting", D(2026, 3, 30), {"candidates": [w.cadres[0].pk, w.cadres[1].pk], "team": "张三", "talks": 20}, {"考察材料": "考察报告"})
    assert _codes(exc) == {"vetting_team_too_small"}
    step("vetting", D(2026, 3, 30), {"candidates": [w.cadres[0].pk, w.cadres[1].pk], "team": "张三、李五", "talks": 20}, {"考察材料": "考察报告"})
    with pytest.raises(ServiceError) as exc:
        step("decision", D(2026, 4, 7), {"committee_size": 9, "present": 5, "appointees": [w.cadres[0].pk], "in_favour": 5}, {"会议纪要": "常委会纪要"})
    assert _codes(exc) == {"quorum_not_met"}
    with pytest.raises(ServiceError) as exc:
        step("decision", D(2026, 4, 7), {"committee_size": 9, "present": 8, "appointees": [me.pk], "in_favour": 8}, {"会议纪要": "常委会纪要"})
    assert "bad_value" in _codes(exc)  # not a vetted candidate
    step("decision", D(2026, 4, 7), {"committee_size": 9, "present": 8, "appointees": [w.cadres[0].pk], "in_favour": 8}, {"会议纪要": "常委会纪要"})
    with pytest.raises(ServiceError) as exc:
        step("publicity", D(2026, 4, 8), {"notice_place": "县委组织部网站", "notice_end": "2026-04-10"})
    assert "publicity_too_short" in _codes(exc) or "notice_too_short" in _codes(exc)
    step("publicity", D(2026, 4, 8), {"notice_place": "县委组织部网站"})
    notice = comp.instance.notices.get()
    assert "王五" in notice.text and notice.working_days == 5
    objection = proc.record_objection(actor=w.actor, notice_id=notice.pk, received_on=D(2026, 4, 9), content="反映王五笔试前知悉题目", source="来信")
    with pytest.raises(ServiceError) as exc:
        step("appointment", D(2026, 4, 20), {"document": "县委〔2026〕15号"})
    assert "objection_open" in _codes(exc)
    proc.resolve_objection(actor=w.actor, objection_id=objection.pk, upheld=False, resolution="经核查，反映不实")
    step("appointment", D(2026, 4, 20), {"document": "县委〔2026〕15号"})
    a = Appointment.objects.get(competition=comp)
    assert a.cadre == w.cadres[0] and a.competitive and a.promotion and a.probation_until == D(2027, 4, 20)
    report = {r["unit"].name: r for r in selectors.competition_report(w.actor, year=2026)}
    assert report["县交通运输局"]["promoted"] == 1 and report["县交通运输局"]["competitive"] == 1 and report["县交通运输局"]["met"]
    record = selectors.competition_record(comp)
    text = str(record["records"])
    assert "1. 王五 87.20" in text and "县委组〔2026〕8号" in text
    comp.instance.refresh_from_db()
    assert comp.instance.status == "completed"


def test_start_refuses_bad_conditions(world):
    w = world
    with pytest.raises(ServiceError) as exc:
        services.start_competition(actor=w.actor, post_id=w.deputy.pk, title="x", on=D(2026, 3, 2), apply_from=D(2026, 3, 10), apply_until=D(2026, 3, 5), exam_weight="1/2", interview_weight="1/3")
    assert _codes(exc) == {"date_order", "bad_value"}


def test_console_pages_member_page_and_api(client, api, users, world):
    from django.urls import reverse

    w = world
    _seasoned(w, w.cadres)
    client.force_login(users["county"])
    r = client.post(reverse("cadres:competitions"), {"post": w.deputy.pk, "title": "副局长竞争上岗", "kind": "internal", "seats": 1, "on": "2026-03-02",
                                                      "apply_from": "2026-03-02", "apply_until": "2026-03-01"})
    assert r.status_code == 400 and "报名截止日期不能早于报名开始日期" in r.content.decode()
    comp = _competition(w, max_age=55)
    url = reverse("cadres:competition", args=[comp.pk])
    body = client.get(url).content.decode()
    assert "学历：大学专科以上" in body and "年龄：截至报名截止日不超过55岁" in body
    r = client.post(url, {"action": "apply", "ap-names": "王五", "ap-on": "2026-03-03"})
    assert r.status_code == 302
    young = services.create_cadre(actor=w.actor, org_id=w.tree.county.pk, id_number=make_id(D(1995, 1, 1)), name="新人", education="大学本科", rank=Rank.STAFF, rank_since=D(2025, 1, 1))
    r = client.post(url, {"action": "apply", "ap-names": young.name, "ap-on": "2026-03-03"})
    assert r.status_code == 400 and "不满3年" in r.content.decode()
    assert "县交通运输局副局长竞争上岗" in client.get(reverse("cadres:competitions")).content.decode()
    # the member page: 李四 is a cadre and applies online to a post open today
    today = dt.date.today()
    now = _competition(w, title="县交通运输局副局长公开选拔", on=today, apply_from=today, apply_until=today + dt.timedelta(days=10), max_age=55)
    services.create_cadre(actor=w.actor, org_id=w.tree.county.pk, id_number=users["member_a_record"].id_number, name="李四", education="大学本科", rank=Rank.STAFF, rank_since=D(2015, 1, 1))
    client.force_login(users["member_a"])
    page = reverse("cadres:my_competitions")
    assert client.get(url).status_code in (302, 404)  # the member role does not reach the console
    assert "县交通运输局副局长公开选拔" in client.get(page).content.decode()
    r = client.post(page, {"competition": now.pk, "statement": "我的竞职陈述"})
    assert r.status_code == 302 and Application.objects.get(competition=now).channel == "online"
    assert "已报名" in client.get(page).content.decode()
    client.force_login(users["sec_a"])
    assert "没有关联干部名册" in client.get(page).content.decode()
    # API: the refusal code, the scores and the ranking
    c = api(users["county"])
    r = c.post(f"/api/v1/cadres/competitions/{comp.pk}/applications/", {"cadre": young.pk, "applied_on": "2026-03-03"}, format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "not_eligible_years"
    r = c.post(f"/api/v1/cadres/competitions/{comp.pk}/applications/", {"cadre": w.cadres[1].pk, "applied_on": "2026-03-04"}, format="json")
    assert r.status_code == 201 and r.json()["cadre_name"] == "赵六"
    r = c.post(f"/api/v1/cadres/competitions/{comp.pk}/steps/", {"step": "qualification", "done_on": "2026-03-16"}, format="json")
    assert r.status_code == 200
    apps = {a["cadre_name"]: a["id"] for a in c.get(f"/api/v1/cadres/competitions/{comp.pk}/").json()["applications"]}
    r = c.post(f"/api/v1/cadres/competitions/{comp.pk}/scores/", {"kind": "exam", "scores": [{"application": apps["王五"], "score": "88"}, {"application": apps["赵六"], "absent": True}]}, format="json")
    assert r.status_code == 200 and r.json()["saved"] == 1
    assert c.get("/api/v1/cadres/competitions/").json()["count"] == 2
    assert api(users["sec_a"]).get(f"/api/v1/cadres/competitions/{comp.pk}/").status_code == 404
    schema = c.get("/api/schema/").content.decode()
    assert "/api/v1/cadres/competitions/{id}/applications/" in schema
