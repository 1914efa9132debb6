"""Selections and awards (rules.md §8 five stages, §7 study grades), honours (§10), model sites, talents."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from python_calamine import CalamineWorkbook

from orgwork.awards import rules, selectors, services
from orgwork.awards.models import EntryStatus, Honour, HonourStatus
from orgwork.core.actor import Actor
from orgwork.core.errors import PermissionDenied, ServiceError
from orgwork.members.rules import party_standing_years
from orgwork.training import services as training

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _judge(system, tree, name):
    from orgwork.core.models import Role
    from orgwork.core.services import grant_role

    u = get_user_model().objects.create_user(username=name, password="x", first_name=name, is_staff=True)
    grant_role(actor=system, user=u, org=tree.county, role=Role.DEPT_ADMIN)
    return u


def test_the_five_stages_are_rule_data():
    # rules.md §8 (seed 001): application → first review → second review → final review → commendation
    r = rules.selection_rules(dt.date(2026, 6, 1))
    assert [rules.stage_label(s) for s in r["stages"]] == ["申报", "初评", "复评", "终评", "表彰"]
    assert {"qiyi", "brand", "double_star", "hundred_thousand"} <= set(r["kinds"])
    assert [c["label"] for c in r["kinds"]["qiyi"]["categories"].values()] == ["优秀共产党员", "优秀党务工作者", "先进基层党组织"]


def test_a_judge_with_a_declared_conflict_is_excluded(tree, users, make_member, system):
    county = Actor.for_user(users["county"])
    sel = services.create_selection(actor=county, org_id=tree.county.pk, kind="qiyi", year=TODAY.year, title="七一表彰")
    a = make_member(tree.village_a, name="优秀甲")
    b = make_member(tree.village_b, name="优秀乙")
    ea = services.add_entry(actor=county, selection_id=sel.pk, category="outstanding_member", member_id=a.pk, summary="带头致富")
    eb = services.add_entry(actor=county, selection_id=sel.pk, category="outstanding_member", member_id=b.pk, summary="扶贫济困")
    eo = services.add_entry(actor=county, selection_id=sel.pk, category="advanced_org", nominee_org_id=tree.village_a.pk, summary="堡垒")
    j1, j2, j3 = (_judge(system, tree, n) for n in ("评委一", "评委二", "评委三"))
    for u in (j1, j2, j3):
        services.add_judge(actor=county, selection_id=sel.pk, user_id=u.pk)
    judge2 = sel.judges.get(user=j2)
    # 评委二 is 优秀甲's relative: declared, so excluded from that entry
    services.declare_conflict(actor=Actor.for_user(j2), judge_id=judge2.pk, entry_id=ea.pk, reason="亲属关系")
    with pytest.raises(ServiceError) as exc:
        services.score(actor=Actor.for_user(j1), entry_id=ea.pk, value=90)
    assert exc.value.errors[0].code == "not_allowed"  # still at the application stage
    services.advance(actor=county, selection_id=sel.pk)
    sel.refresh_from_db()
    assert sel.stage == "first"
    with pytest.raises(ServiceError) as exc:
        services.score(actor=Actor.for_user(j2), entry_id=ea.pk, value=99)
    assert exc.value.errors[0].code == "conflict_of_interest"
    with pytest.raises(PermissionDenied):
        services.score(actor=Actor.for_user(users["town_a"]), entry_id=ea.pk, value=50)  # not a judge
    for u, va, vb, vo in ((j1, 90, 80, 85), (j3, 94, 70, 75)):
        services.score(actor=Actor.for_user(u), entry_id=ea.pk, value=va)
        services.score(actor=Actor.for_user(u), entry_id=eb.pk, value=vb)
        services.score(actor=Actor.for_user(u), entry_id=eo.pk, value=vo)
    # 评委二 has still to score 优秀乙 and the org, not 优秀甲 (excused)
    assert selectors.unscored(sel) == ["评委二→优秀乙", "评委二→红旗村党支部"]
    with pytest.raises(ServiceError) as exc:
        services.advance(actor=county, selection_id=sel.pk)
    assert exc.value.errors[0].code == "scores_missing"
    services.score(actor=Actor.for_user(j2), entry_id=eb.pk, value=60)
    services.score(actor=Actor.for_user(j2), entry_id=eo.pk, value=80)
    judges, rows = selectors.score_sheet(sel)
    row_a = next(r for r in rows if r.entry.pk == ea.pk)
    assert row_a.cells == [Decimal("90.00"), "回避", Decimal("94.00")] and row_a.average == Decimal("92.00") and row_a.scorers == 2
    assert next(r for r in rows if r.entry.pk == eb.pk).average == Decimal("70.00")
    # first review keeps 甲 and the org; 乙 stops at the first review (recorded)
    services.advance(actor=county, selection_id=sel.pk, keep_ids=[ea.pk, eo.pk], comment="按得分排序")
    eb.refresh_from_db()
    assert eb.status == EntryStatus.ELIMINATED and eb.out_at_stage == "first"


def _run_to_commendation(county, sel, judges, entries, today):
    for _stage in ("first", "second", "final"):
        for u in judges:
            for e in entries:
                services.score(actor=Actor.for_user(u), entry_id=e.pk, value=88)
        services.advance(actor=county, selection_id=sel.pk, today=today)


def test_publicity_commendation_and_certificate(tree, users, make_member, system, client):
    county = Actor.for_user(users["county"])
    sel = services.create_selection(actor=county, org_id=tree.county.pk, kind="brand", year=TODAY.year, title="党建品牌评选")
    e = services.add_entry(actor=county, selection_id=sel.pk, category="brand", nominee_org_id=tree.village_a.pk, summary="红色引擎")
    j = _judge(system, tree, "评委甲")
    services.add_judge(actor=county, selection_id=sel.pk, user_id=j.pk)
    services.advance(actor=county, selection_id=sel.pk, today=dt.date(2026, 9, 21))
    _run_to_commendation(county, sel, [j], [e], dt.date(2026, 9, 24))
    sel.refresh_from_db()
    # 5 working days of publicity from the next working day (rule data): Fri 25 Sep … Mid-autumn/National Day off
    assert sel.stage == "commendation" and sel.publicity_from == dt.date(2026, 9, 28) and sel.publicity_to == dt.date(2026, 10, 9)
    with pytest.raises(ServiceError) as exc:
        services.commend(actor=county, selection_id=sel.pk, on=dt.date(2026, 10, 9), today=dt.date(2026, 10, 9))
    assert exc.value.errors[0].code == "publicity_running"
    services.commend(actor=county, selection_id=sel.pk, on=dt.date(2026, 10, 12), today=dt.date(2026, 10, 12))
    e.refresh_from_db()
    assert e.status == EntryStatus.AWARDED and e.certificate_no == f"{TODAY.year}-{sel.pk:04d}-001"
    client.force_login(users["county"])
    r = client.get(f"/awards/entries/{e.pk}/certificate.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    assert client.get(f"/awards/{sel.pk}/").status_code == 200
    client.force_login(users["sec_b"])
    assert client.get(f"/awards/entries/{e.pk}/certificate.pdf").status_code == 404


def test_a_poor_study_grade_this_year_bars_the_nominee(tree, users, make_member, system):
    # rules.md §7 (seed 001): graded "poor" in the year's study exam → not eligible for awards that year
    county = Actor.for_user(users["county"])
    m = make_member(tree.village_a, name="考学较差")
    exam = training.create_exam(actor=system, org_id=tree.county.pk, title="年度考学", year=TODAY.year, held_on=TODAY)
    training.record_score(actor=system, exam_id=exam.pk, id_number=m.id_number, name=m.name, score=40)
    sel = services.create_selection(actor=county, org_id=tree.county.pk, kind="qiyi", year=TODAY.year, title="七一表彰")
    with pytest.raises(ServiceError) as exc:
        services.add_entry(actor=county, selection_id=sel.pk, category="outstanding_member", member_id=m.pk, summary="事迹")
    assert exc.value.errors[0].code == "study_grade_poor"
    last = services.create_selection(actor=county, org_id=tree.county.pk, kind="qiyi", year=TODAY.year + 1, title="明年的七一表彰")
    assert services.add_entry(actor=county, selection_id=last.pk, category="outstanding_member", member_id=m.pk, summary="事迹")


def test_fifty_year_list_for_the_demo_county(make_member):
    # rules.md §10: 党龄 counts from full membership (党章第七条); the medal at 50 years by the cut-off (default 1 July)
    from orgwork.demo.generator import build_county
    from orgwork.members.models import Member
    from orgwork.orgs.models import Org

    build_county(members=600, users=False)
    system = Actor.system_actor("test")
    branch = Org.objects.filter(kind="branch").order_by("path").first()
    on_time = make_member(branch, name="满五十", birth=dt.date(1950, 3, 1), joined=dt.date(1975, 6, 30), confirmed_on=dt.date(1976, 6, 30))
    late = make_member(branch, name="差半月", birth=dt.date(1950, 3, 1), joined=dt.date(1975, 7, 15), confirmed_on=dt.date(1976, 7, 15))
    old_prob = make_member(branch, name="预备期延长", birth=dt.date(1950, 3, 1), joined=dt.date(1975, 1, 10), confirmed_on=dt.date(1976, 7, 10))
    assert rules.cutoff(2026) == dt.date(2026, 7, 1)
    rows = selectors.fifty_year_list(system, year=2026)
    names = {r.member.name for r in rows}
    assert "满五十" in names and "差半月" not in names and "预备期延长" not in names  # joined >50 years ago, standing from 转正
    row = next(r for r in rows if r.member.pk == on_time.pk)
    assert row.standing_from == dt.date(1976, 6, 30) and row.years == 50 and row.newly and row.path.count("/") >= 2
    # Same list as asking the members registry's rule of every full member in good standing
    expected = {
        m.pk for m in Member.objects.filter(category="full", standing="normal")
        if (party_standing_years(category=m.category, joined_on=m.joined_on, confirmed_on=m.confirmed_on, on=dt.date(2026, 7, 1)) or 0) >= 50
    }  # fmt: skip
    assert {r.member.pk for r in rows} == expected and len(expected) >= 1
    assert late.pk not in expected and old_prob.pk not in expected
    # Listed, approved, issued; next year the issued member is not listed again
    assert services.list_for_approval(actor=system, year=2026) == len(rows)
    ids = list(Honour.objects.values_list("pk", flat=True))
    assert services.approve_honours(actor=system, honour_ids=ids) == len(ids)
    services.issue_honours(actor=system, honour_ids=ids, on=TODAY, issued_by="县委书记")
    assert set(Honour.objects.values_list("status", flat=True)) == {HonourStatus.ISSUED}
    assert on_time.pk not in {r.member.pk for r in selectors.fifty_year_list(system, year=2027)}
    assert "差半月" in {r.member.name for r in selectors.fifty_year_list(system, year=2027)}


def test_spring_reminder_for_the_fifty_year_medal(tree, users, make_member):
    from orgwork.core import deadlines

    make_member(tree.village_a, name="老党员甲", birth=dt.date(1948, 1, 1), joined=dt.date(1970, 3, 1))
    y = TODAY.year
    items = [it for _p, it in deadlines.collect(dt.date(y, 3, 10), only=["awards.honour50"])[0]]
    assert len(items) == 1 and items[0].org_id == tree.village_a.pk and items[0].due_on == dt.date(y, 7, 1) and "老党员甲" in items[0].body
    assert deadlines.collect(dt.date(y, 2, 10), only=["awards.honour50"])[0] == []


def test_model_site_designation_recheck_and_withdrawal(tree, users, make_member):
    county = Actor.for_user(users["county"])
    with pytest.raises(ServiceError) as exc:
        services.designate(actor=county, kind="site", org_id=tree.village_a.pk, title="红旗村示范点", stars=3)
    assert exc.value.errors[0].code == "criteria_not_met"
    s = services.designate(actor=county, kind="site", org_id=tree.village_a.pk, title="红旗村示范点", stars=5)
    m = make_member(tree.office_a, name="岗位标兵")
    p = services.designate(actor=county, kind="post", member_id=m.pk, title="便民服务先锋岗", points=95)
    assert p.org_id == tree.office_a.pk
    services.recheck(actor=county, site_id=s.pk, stars=4)
    s.refresh_from_db()
    assert s.withdrawn_on is None and s.checks.count() == 2
    services.recheck(actor=county, site_id=p.pk, points=70)
    p.refresh_from_db()
    assert p.withdrawn_on == TODAY and "未达到" in p.withdraw_reason
    assert [x.title for x in selectors.model_sites(county)] == ["红旗村示范点"]


def test_talent_pool_fields_as_data_search_and_export(tree, users, make_member, client):
    county = Actor.for_user(users["county"])
    cat = services.create_category(actor=county, org_id=tree.county.pk, name="乡村振兴人才", fields=[{"key": "skill", "label": "专长", "type": "text"}, {"key": "level", "label": "等级", "type": "choice", "choices": ["县级", "市级"]}])
    town = Actor.for_user(users["town_a"])
    assert list(selectors.talent_categories(town)) == [cat]
    with pytest.raises(ServiceError) as exc:
        services.add_talent(actor=town, category_id=cat.pk, org_id=tree.village_a.pk, name="种植能手", data={"level": "省级"})
    assert exc.value.errors[0].field == "level"
    services.add_talent(actor=town, category_id=cat.pk, org_id=tree.village_a.pk, name="种植能手", data={"skill": "=猕猴桃种植", "level": "县级"})
    services.add_talent(actor=county, category_id=cat.pk, org_id=tree.village_b.pk, name="养殖能手", data={"skill": "生猪养殖"})
    assert [t.name for t in selectors.talents(county, category=cat, q="猕猴桃")] == ["种植能手"]
    client.force_login(users["town_a"])
    r = client.get("/awards/talents/", {"category": cat.pk, "format": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["姓名", "所在党组织", "专长", "等级"] and len(rows) == 2 and rows[1][2] == "=猕猴桃种植"


def test_pages_api_and_english_headings(tree, users, api, client, make_member):
    import re

    county = Actor.for_user(users["county"])
    sel = services.create_selection(actor=county, org_id=tree.county.pk, kind="qiyi", year=TODAY.year, title="七一表彰")
    m = make_member(tree.village_a, name="推荐甲")
    c = api(users["county"])
    r = c.post(f"/api/v1/awards/selections/{sel.pk}/entries/", {"category": "outstanding_member", "member": m.pk, "summary": "事迹"}, format="json")
    assert r.status_code == 201, r.content
    assert c.post(f"/api/v1/awards/selections/{sel.pk}/entries/", {"category": "nope", "summary": "x"}, format="json").status_code == 400
    assert c.get("/api/v1/awards/selections/").json()["count"] == 1
    assert c.get(f"/api/v1/awards/selections/{sel.pk}/score-sheet/").status_code == 200
    assert c.get("/api/v1/awards/fifty-years/", {"year": 2026}).status_code == 200
    assert api(users["sec_b"]).get(f"/api/v1/awards/selections/{sel.pk}/").status_code == 404
    client.force_login(users["county"])
    for url in ("/awards/", f"/awards/{sel.pk}/", "/awards/honours/", "/awards/model-sites/", "/awards/talents/"):
        assert client.get(url).status_code == 200, url
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    for url in ("/awards/", "/awards/honours/", "/awards/model-sites/", "/awards/talents/"):
        html = client.get(url).content.decode()
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
        assert not re.search(r"[\u3400-\u9fff]", h1), (url, h1)


def test_model_site_reads_the_branch_star_rating_from_scores(tree, users):
    from orgwork.scores.models import StarRating

    county = Actor.for_user(users["county"])
    StarRating.objects.create(org=tree.village_b, year=TODAY.year, total=Decimal("70"), stars=3, rule_version="test", rated_by="测试", rated_on=TODAY)
    with pytest.raises(ServiceError) as exc:
        services.designate(actor=county, kind="site", org_id=tree.village_b.pk, title="乙村示范点", stars=5)  # the rating wins over a typed 5
    assert exc.value.errors[0].code == "criteria_not_met"
    StarRating.objects.filter(org=tree.village_b).update(stars=5)
    s = services.designate(actor=county, kind="site", org_id=tree.village_b.pk, title="乙村示范点")
    assert s.criteria["stars"] == 5 and s.criteria["source"] == f"scores:{TODAY.year}"
    StarRating.objects.filter(org=tree.village_b).update(stars=2)  # stars lost → withdrawn at the re-check
    services.recheck(actor=county, site_id=s.pk)
    s.refresh_from_db()
    assert s.withdrawn_on == TODAY
