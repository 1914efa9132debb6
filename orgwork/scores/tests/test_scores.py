"""Member points, stars, weak branches, assessments and duty posts on the kernel's scoring engine."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orgwork.core.actor import Actor
from orgwork.core.audit import verify
from orgwork.core.errors import ServiceError
from orgwork.core.rules import rule
from orgwork.core.scoring import selectors as engine
from orgwork.core.scoring import services as core_services
from orgwork.core.scoring.models import EntryState, ScoreEntry
from orgwork.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingStatus
from orgwork.orgs.models import OfficerPost, Org, OrgOfficer
from orgwork.scores import rules, selectors, services
from orgwork.scores.models import CaseState, Rectification

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = dt.date.today()
PHOTO = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def photo():
    return SimpleUploadedFile("p.png", PHOTO, content_type="image/png")


@pytest.fixture
def ctx(users, tree):
    services.ensure_defaults()
    return {"sec": Actor.for_user(users["sec_a"]), "me": Actor.for_user(users["member_a"]), "town": Actor.for_user(users["town_a"]),
            "county": Actor.for_user(users["county"]), "member": users["member_a_record"]}  # fmt: skip


def _ind(code, set_code=rules.MEMBER_POINTS):
    return {i.code: i for i in engine.indicators_on(set_code, TODAY)}[code]


# --- rule citations: every number and cap of the defaults says where it comes from --------------------------------
def test_every_default_number_cites_rules_md_and_is_marked_default():
    """rules.md §10: member points, rubrics and weights are local practice → defaults as data, marked so."""
    for spec in rules.DEFAULT_SETS:
        assert spec["is_default"] and "rules.md §10" in spec["description"] and "替换" in spec["description"]
        for ind in spec["version"]["indicators"]:
            numbers = [ind.get(k) for k in ("cap_day", "cap_month", "cap_year")] + [ind["points"]]
            if any(n not in (None, "0") for n in numbers) or ind.get("tiers"):
                assert "rules.md §" in ind.get("basis", "") or "种子003" in ind.get("basis", "") or spec["code"] == rules.BRANCH_STARS, ind["code"]
    assert "rules.md §10" in rule("scores.stars").source and "rules.md §10" in rule("scores.assessment").source


def test_member_points_numbers_rules_md_10_and_5_and_4(ctx):
    """rules.md §10 (defaults): study 0.5 per half hour, daily cap 2 (like 学习强国); volunteer 3, day cap 3, month 12,
    photo required; rules.md §5 attendance 2 per meeting (automatic); rules.md §4 dues on time 1 a month (automatic)."""
    study = _ind("study_daily")
    assert (study.points, study.cap_day, study.cap_year) == (Decimal("0.50"), Decimal("2.00"), Decimal("200.00")) and "§10" in study.basis
    vol = _ind("volunteer")
    assert (vol.points, vol.cap_day, vol.cap_month, vol.evidence_required) == (Decimal("3.00"), Decimal("3.00"), Decimal("12.00"), True)
    att = _ind("attend")
    assert (att.source, att.provider, att.points) == ("automatic", "meetings.attendance", Decimal("2.00")) and "§5" in att.basis
    dues = _ind("dues_on_time")
    assert (dues.source, dues.provider) == ("automatic", "dues.on_time") and "§4" in dues.basis
    course = _ind("study_course")
    assert course.cap_month == Decimal("8.00") and "32学时" in course.basis  # rules.md §5: at least 32 hours a year


def test_branch_rubric_seed_003_six_areas_and_deductions(ctx):
    """Seed 003: six content areas; 支部书记空缺超过半年扣4分 and 三会一课少一次扣2分 score themselves (rules.md §5, §10)."""
    inds = engine.indicators_on(rules.BRANCH_STARS, TODAY)
    assert {i.area for i in inds} == {"政治建设", "班子建设", "党内生活", "党员管理", "基础保障", "服务发展"}
    assert sum(i.points for i in inds if i.direction == "add") == 100
    vac = _ind("secretary_vacant", rules.BRANCH_STARS)
    assert (vac.points, vac.direction, vac.provider) == (Decimal("4.00"), "deduct", "orgs.secretary_vacant")
    missed = _ind("three_one_missed", rules.BRANCH_STARS)
    assert (missed.points, missed.mode, missed.provider) == (Decimal("2.00"), "per_unit", "meetings.three_one_missed") and "§5" in missed.basis
    assert rule("scores.stars")["secretary_vacancy_months"] == 6  # "超过半年"


# --- member points ------------------------------------------------------------------------------------------------
def test_member_submits_with_photo_secretary_approves_year_total_and_grade(ctx):
    m = ctx["member"]
    day = TODAY
    e = services.submit_points(actor=ctx["me"], member_id=m.pk, indicator_code="volunteer", occurred_on=day, files=[photo()])
    with pytest.raises(ServiceError) as exc:
        services.submit_points(actor=ctx["me"], member_id=m.pk, indicator_code="volunteer", occurred_on=day, files=[photo()])
    assert exc.value.errors[0].code == "cap_reached" and exc.value.errors[0].left == 0  # day cap 3 = one activity
    with pytest.raises(ServiceError) as exc:
        services.submit_points(actor=ctx["me"], member_id=m.pk, indicator_code="study_course", occurred_on=day)
    assert exc.value.errors[0].code == "evidence_required"
    services.approve(actor=ctx["sec"], entry_id=e.pk)
    s = selectors.member_summary(m, day)
    assert s["year_total"] == Decimal("3.00") and s["grade"] == "不合格" and s["rank"] == 1
    assert verify().ok


def test_automatic_attendance_recomputed_after_the_record_changes(ctx, tree, system):
    """A meeting's attendance → 2 points with a link to the meeting; corrected to absent → taken back and −3."""
    m = ctx["member"]
    day = TODAY - dt.timedelta(days=1)
    meeting = Meeting.objects.create(org=tree.village_a, kind="theme_day", topic="学习交流", status=MeetingStatus.HELD, planned_on=day, held_on=day)
    att = Attendance.objects.create(meeting=meeting, member=m, status=AttendanceStatus.PRESENT)
    r = core_services.refresh_automatic(start=D(TODAY.year, 1, 1) if day.year == TODAY.year else day, end=TODAY)
    assert r.failures == []
    e = ScoreEntry.objects.get(indicator_code="attend", subject_id=m.pk)
    assert e.points == Decimal("2.00") and e.evidence_url == f"/meetings/{meeting.pk}/" and "学习交流" in e.evidence_label
    Attendance.objects.filter(pk=att.pk).update(status=AttendanceStatus.ABSENT)  # the record is corrected
    core_services.refresh_automatic(start=day, end=TODAY)
    assert engine.total(rules.MEMBER_POINTS, m, f"Y{day.year}") == Decimal("-3.00")  # attendance taken back, absence without reason
    assert ScoreEntry.objects.filter(indicator_code="attend", subject_id=m.pk).count() == 2  # a correction, never an edit


def test_monthly_publication_appeal_then_lock_refuses_entries(ctx, tree):
    """Monthly branch publication (公示): a member objects, the branch answers, the month locks, entries refused."""
    m = ctx["member"]
    first = TODAY.replace(day=1) - dt.timedelta(days=1)  # last month
    e = services.submit_points(actor=ctx["me"], member_id=m.pk, indicator_code="study_daily", occurred_on=first, units=2)
    services.approve(actor=ctx["sec"], entry_id=e.pk)
    p = services.publish_month(actor=ctx["sec"], org_id=tree.village_a.pk, year=first.year, month=first.month)
    a = services.file_appeal(actor=ctx["me"], period_id=p.pk, member_id=m.pk, content="缺少志愿服务一次")
    with pytest.raises(ServiceError) as exc:
        services.lock_period(actor=ctx["sec"], period_id=p.pk)
    assert exc.value.errors[0].code == "open_appeals"
    services.answer_appeal(actor=ctx["sec"], appeal_id=a.pk, upheld=False, answer="该次活动未报名，不予计分")
    services.lock_period(actor=ctx["sec"], period_id=p.pk)
    with pytest.raises(ServiceError) as exc:
        services.submit_points(actor=ctx["me"], member_id=m.pk, indicator_code="study_daily", occurred_on=first, units=1)
    assert exc.value.errors[0].code == "period_locked"


# --- stars and weak branches -----------------------------------------------------------------------------------------
def test_self_assessment_review_by_level_above_rating_and_weak_case(ctx, tree, system, make_member):
    org = tree.village_a
    year = TODAY.year
    entries = services.self_assess(actor=ctx["sec"], org_id=org.pk, year=year, scores={"political": 10, "team": 10, "life": 15, "members": 10, "basics": 5, "service": 5})
    for e in entries:
        with pytest.raises(ServiceError):  # the branch cannot approve its own self-assessment
            services.approve(actor=ctx["sec"], entry_id=e.pk)
    for e in entries:
        services.approve(actor=ctx["town"], entry_id=e.pk)
    rating = services.rate_branch(actor=ctx["town"], org_id=org.pk, year=year)
    assert rating.total == Decimal("55.00") and rating.stars == 0 and rating.weak  # below 60 → 软弱涣散 (default rule)
    case = Rectification.objects.get(org=org, state=CaseState.OPEN)
    assert "低于60" in case.reason
    # the case is tracked in the deadline job
    from orgwork.core import deadlines

    items, failures = deadlines.collect(TODAY, only=["scores.rectification"])
    assert not failures and [i.org_id for _n, i in items] == [org.pk]
    with pytest.raises(ServiceError):  # the leader comes from the leadership above, not from the branch itself
        services.plan_case(actor=ctx["town"], case_id=case.pk, leader_id=ctx["member"].pk)
    town_leader = make_member(tree.town_a, name="周镇长")
    services.plan_case(actor=ctx["town"], case_id=case.pk, leader_id=town_leader.pk, team="镇党委工作组", measures="配强班子；规范三会一课")
    with pytest.raises(ServiceError):
        services.remove_case(actor=ctx["town"], case_id=case.pk)  # not before acceptance
    services.accept_case(actor=ctx["town"], case_id=case.pk, opinion="整顿达标")
    services.remove_case(actor=ctx["town"], case_id=case.pk)
    assert Rectification.objects.get(pk=case.pk).state == CaseState.REMOVED
    assert list(selectors.weak_branches(ctx["county"], year=year)) == [rating]


def test_secretary_vacant_half_a_year_deducts_4_automatically(ctx, tree, system):
    """种子003 / rules.md §10 default: 支部书记空缺超过半年扣4分, from the officers' record."""
    org = tree.office_a
    ended = TODAY - dt.timedelta(days=200)
    OrgOfficer.objects.create(org=org, name="吴某", post=OfficerPost.SECRETARY, started_on=ended - dt.timedelta(days=900), ended_on=ended)
    core_services.refresh_automatic(start=ended, end=TODAY, set_code=rules.BRANCH_STARS, only="orgs.secretary_vacant")
    crossed_year = ScoreEntry.objects.get(indicator_code="secretary_vacant", subject_id=org.pk).occurred_on.year
    assert engine.total(rules.BRANCH_STARS, org, f"Y{crossed_year}") == Decimal("-4.00")
    OrgOfficer.objects.create(org=org, name="郑某", post=OfficerPost.SECRETARY, started_on=TODAY)
    core_services.refresh_automatic(start=ended, end=TODAY, set_code=rules.BRANCH_STARS, only="orgs.secretary_vacant")
    assert engine.total(rules.BRANCH_STARS, org, f"Y{crossed_year}") == Decimal("-4.00")  # the past vacancy stays counted


def test_term_overdue_deducts_3_automatically_and_keeps_the_past_term(ctx, tree, system):
    """支部工作条例 第二十八条 (term of 3 or 5 years, elected on time); 扣3分 is a default (rules.md §10)."""
    ind = _ind("term_overdue", rules.BRANCH_STARS)
    assert (ind.points, ind.direction, ind.provider) == (Decimal("3.00"), "deduct", "orgs.term_overdue")
    org = tree.office_b
    Org.objects.filter(pk=org.pk).update(term_started_on=TODAY - dt.timedelta(days=365 * 3 + 40), term_years=3)
    org.refresh_from_db()
    ends = org.term_ends_on()
    assert ends < TODAY
    core_services.refresh_automatic(start=ends - dt.timedelta(days=1), end=TODAY, set_code=rules.BRANCH_STARS, only="orgs.term_overdue")
    entry = ScoreEntry.objects.get(indicator_code="term_overdue", subject_id=org.pk)
    assert entry.occurred_on == ends
    assert engine.total(rules.BRANCH_STARS, org, f"Y{ends.year}") == Decimal("-3.00")
    # A branch still inside its term is not touched.
    assert not ScoreEntry.objects.filter(indicator_code="term_overdue", subject_id=tree.office_a.pk).exists()


# --- assessments ---------------------------------------------------------------------------------------------------
def test_report_review_paper_tallies_entered_twice_weights_and_grade(ctx, tree):
    """述职评议: groups and weights as data (default 30/40/30, rules.md §10); each group entered twice and compared."""
    a = services.create_assessment(actor=ctx["town"], org_id=tree.village_a.pk, subject="team", year=TODAY.year, kind="report_review", held_on=TODAY)
    assert [(g["code"], g["weight"]) for g in a.groups] == [("committee", 30), ("members", 40), ("above", 30)]
    services.enter_tally(actor=ctx["town"], assessment_id=a.pk, group="committee", counts={"好": 5})
    services.enter_tally(actor=ctx["town"], assessment_id=a.pk, group="committee", counts={"好": 4, "较好": 1})
    with pytest.raises(ServiceError) as exc:
        services.decide_assessment(actor=ctx["town"], assessment_id=a.pk)
    assert exc.value.errors[0].code == "tally_mismatch"
    services.enter_tally(actor=ctx["town"], assessment_id=a.pk, group="committee", counts={"好": 4, "较好": 1})
    for _ in range(2):
        services.enter_tally(actor=ctx["town"], assessment_id=a.pk, group="members", counts={"好": 10, "较好": 6, "一般": 4})
        services.enter_tally(actor=ctx["town"], assessment_id=a.pk, group="above", counts={"好": 3})
    a = services.decide_assessment(actor=ctx["town"], assessment_id=a.pk)
    # committee 96, members (1000+480+240)/20 = 86, above 100 → 0.3*96 + 0.4*86 + 0.3*100 = 93.2
    assert a.score == Decimal("93.20") and a.grade == "好"


# --- duty posts ----------------------------------------------------------------------------------------------------
def test_duty_post_for_a_member_without_office_scored_monthly(ctx, tree, make_member):
    m = make_member(tree.village_a, name="陈八")
    post = services.create_post(actor=ctx["sec"], member_id=m.pk, title="政策宣传岗", duties="向群众宣讲惠民政策", started_on=TODAY)
    e = services.score_post(actor=ctx["sec"], post_id=post.pk, month=TODAY, points=2)
    with pytest.raises(ServiceError) as exc:
        services.score_post(actor=ctx["sec"], post_id=post.pk, month=TODAY, points=1)
    assert exc.value.errors[0].code == "cap_reached"  # 2 a month (rules.md §10 default)
    services.approve(actor=ctx["town"], entry_id=e.pk)
    assert engine.total(rules.MEMBER_POINTS, m, f"Y{TODAY.year}") == Decimal("2.00")


# --- pages and API ---------------------------------------------------------------------------------------------------
def test_pages_answer(client, users, ctx):
    client.force_login(users["sec_a"])
    for name in ("", "ranking/", "periods/", "stars/", "cases/", "assessments/", "posts/", "sets/"):
        r = client.get(f"/scores/{name}")
        assert r.status_code == 200, name
    assert "系统默认" in client.get("/scores/sets/").content.decode()
    client.force_login(users["member_a"])
    assert client.get("/scores/me/").status_code == 200
    assert client.get("/scores/").status_code in (302, 403, 404)


def test_api_submit_cap_reached_with_left_and_self_approval(api, users, ctx):
    m = ctx["member"]
    c = api(users["sec_a"])
    r = c.post("/api/v1/scores/entries/", {"member": m.pk, "indicator": "study_daily", "occurred_on": str(TODAY), "units": "3"}, format="json")
    assert r.status_code == 201, r.content
    r2 = c.post("/api/v1/scores/entries/", {"member": m.pk, "indicator": "study_daily", "occurred_on": str(TODAY), "units": "2"}, format="json")
    assert r2.status_code == 400 and r2.json()["errors"][0]["code"] == "cap_reached" and r2.json()["errors"][0]["left"] == "0.50"
    r3 = c.post(f"/api/v1/scores/entries/{r.json()['id']}/approve/")
    assert r3.status_code == 400 and r3.json()["errors"][0]["code"] == "self_approval"
    r4 = api(users["town_a"]).post(f"/api/v1/scores/entries/{r.json()['id']}/approve/")
    assert r4.status_code == 200 and r4.json()["state"] == EntryState.APPROVED
    rk = api(users["county"]).get("/api/v1/scores/ranking/")
    assert rk.status_code == 200 and rk.json()["results"][0]["subject_label"] == m.name
    assert api(users["sec_a"]).get("/api/v1/scores/entries/").json()["count"] == 1


def test_demo_hook_builds_points_ratings_and_is_idempotent(tree, make_member, system):
    from types import SimpleNamespace

    from orgwork.scores import demo

    for b in (tree.village_a, tree.office_a, tree.village_b):
        for name in ("甲", "乙", "丙"):
            make_member(b, name="党员" + name)
    builder = SimpleNamespace(actor=system, today=TODAY, branches=[tree.village_a, tree.office_a, tree.village_b])
    out = demo.build(tree.county, builder)
    assert out["points_submitted"] == 9 and out["branches_rated"] == 3 and out["assessments"] == 1
    assert demo.build(tree.county, builder) == {}


def test_department_edits_its_own_version_in_the_console(client, users, ctx):
    """Indicator sets are data edited in the console: a new version from a date, an indicator changed, published;
    entries from that date are scored under it, earlier ones keep theirs."""
    from orgwork.core.scoring.models import IndicatorSet, IndicatorSetVersion

    s = IndicatorSet.objects.get(code=rules.MEMBER_POINTS)
    client.force_login(users["county"])
    r = client.post("/scores/sets/?act=version", {"set": s.pk, "version": "本县-2026", "effective_from": str(TODAY), "source": "县委组织部〔2026〕1号"})
    assert r.status_code == 302
    v = IndicatorSetVersion.objects.get(indicator_set=s, version="本县-2026")
    assert v.state == "draft" and v.indicators.count() == 10  # copied from the default
    r = client.post("/scores/sets/?act=indicator", {"version": v.pk, "code": "study_daily", "name": "日常学习", "area": "学习提升", "direction": "add", "mode": "per_unit",
                                                     "points": "1", "cap_day": "3", "source": "self", "approver_role": "secretary", "basis": "县委组织部〔2026〕1号"})
    assert r.status_code == 302
    client.post("/scores/sets/?act=publish", {"version": v.pk})
    v.refresh_from_db()
    assert v.state == "in_force"
    e = services.submit_points(actor=ctx["me"], member_id=ctx["member"].pk, indicator_code="study_daily", occurred_on=TODAY, units=3)
    assert (e.version.version, e.points) == ("本县-2026", Decimal("3.00"))
    old = services.submit_points(actor=ctx["me"], member_id=ctx["member"].pk, indicator_code="study_daily", occurred_on=TODAY - dt.timedelta(days=1), units=2)
    assert old.version.version == "默认-2019" and old.points == Decimal("1.00")
    client.force_login(users["sec_a"])  # a branch secretary cannot change the department's set
    client.post("/scores/sets/?act=version", {"set": s.pk, "version": "支部版", "effective_from": str(TODAY), "source": "x"})
    assert not IndicatorSetVersion.objects.filter(version="支部版").exists()
