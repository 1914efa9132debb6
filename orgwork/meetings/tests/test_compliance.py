import datetime as dt

import pytest

from orgwork.core.errors import ServiceError
from orgwork.meetings import compliance, services
from orgwork.meetings.periods import Period
from orgwork.meetings.rules import life_rules
from orgwork.orgs import services as org_services
from orgwork.orgs.models import OrgKind, Sector

pytestmark = pytest.mark.django_db
D = dt.date


def row(results, org):
    return next(r for r in results if r.org_id == org.pk)


def month_item(results, org, code):
    return row(results, org).item(code)


def test_month_without_a_theme_day_is_overdue_once_the_month_is_over(tree):
    res = compliance.monthly_check(year=2026, month=5, as_of=D(2026, 6, 1), paths=[tree.village_a.path])
    item = month_item(res, tree.village_a, "theme_day")
    assert (item.required, item.held, item.state) == (1, 0, "overdue")


def test_month_without_a_meeting_is_only_due_while_it_runs(tree):
    res = compliance.monthly_check(year=2026, month=5, as_of=D(2026, 5, 20), paths=[tree.village_a.path])
    assert month_item(res, tree.village_a, "theme_day").state == "due"


def test_month_with_a_theme_day_is_done(tree, hold, make_member):
    make_member(tree.village_a, name="王五")
    hold(tree.village_a, "theme_day", D(2026, 5, 12))
    res = compliance.monthly_check(year=2026, month=5, as_of=D(2026, 6, 1), paths=[tree.village_a.path])
    assert month_item(res, tree.village_a, "theme_day").state == "done"
    # the neighbouring months are unaffected
    june = compliance.monthly_check(year=2026, month=6, as_of=D(2026, 7, 1), paths=[tree.village_a.path])
    assert month_item(june, tree.village_a, "theme_day").state == "overdue"


def test_group_meeting_counts_for_its_group_and_not_for_the_branch(tree, hold):
    hold(tree.group_a, "group_meeting", D(2026, 5, 8))
    res = compliance.monthly_check(year=2026, month=5, as_of=D(2026, 6, 1), paths=[tree.village_a.path])
    assert month_item(res, tree.group_a, "group_meeting").state == "done"
    # the branch owes no group meeting itself; its own monthly items are untouched
    assert month_item(res, tree.village_a, "group_meeting") is None
    assert month_item(res, tree.village_a, "theme_day").state == "overdue"


def test_general_meeting_counts_for_its_branch_and_not_for_its_group(tree, hold):
    hold(tree.village_a, "general_meeting", D(2026, 5, 8))
    res = compliance.monthly_check(year=2026, month=5, as_of=D(2026, 6, 1), paths=[tree.village_a.path])
    assert month_item(res, tree.village_a, "general_meeting").state == "done"
    assert month_item(res, tree.group_a, "group_meeting").state == "overdue"
    assert month_item(res, tree.group_a, "general_meeting") is None


def test_meetings_are_recorded_at_the_right_level(tree, system):
    with pytest.raises(ServiceError) as e:
        services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="group_meeting", topic="x", planned_on=D(2026, 5, 1))
    assert e.value.errors[0].code == "bad_kind_for_org"
    with pytest.raises(ServiceError) as e:
        services.plan_meeting(actor=system, org_id=tree.group_a.pk, kind="general_meeting", topic="x", planned_on=D(2026, 5, 1))
    assert e.value.errors[0].code == "bad_kind_for_org"


def test_quarter_boundary(tree, hold):
    hold(tree.village_a, "general_meeting", D(2026, 3, 31))
    q1 = compliance.quarterly_report(year=2026, quarter=1, as_of=D(2026, 4, 1), paths=[tree.village_a.path])
    q2 = compliance.quarterly_report(year=2026, quarter=2, as_of=D(2026, 7, 1), paths=[tree.village_a.path])
    assert row(q1, tree.village_a).item("general_meeting").state == "done"
    assert row(q2, tree.village_a).item("general_meeting").state == "overdue"
    hold(tree.village_a, "general_meeting", D(2026, 4, 1))
    q2 = compliance.quarterly_report(year=2026, quarter=2, as_of=D(2026, 7, 1), paths=[tree.village_a.path])
    assert row(q2, tree.village_a).item("general_meeting").state == "done"
    # in June the quarter is still running: due, not overdue
    june = compliance.monthly_check(year=2026, month=6, as_of=D(2026, 6, 30), paths=[tree.village_b.path])
    assert month_item(june, tree.village_b, "general_meeting").state == "due"


def test_quarterly_report_lists_each_month_of_the_quarter(tree, hold):
    hold(tree.village_a, "theme_day", D(2026, 5, 5))
    q2 = compliance.quarterly_report(year=2026, quarter=2, as_of=D(2026, 7, 1), paths=[tree.village_a.path])
    states = {i.period.key: i.state for i in row(q2, tree.village_a).items if i.code == "theme_day"}
    assert states == {"2026-04": "overdue", "2026-05": "done", "2026-06": "overdue"}


def test_new_branch_part_way_through_a_period(tree, system):
    late = org_services.create_org(actor=system, parent_id=tree.town_a.pk, name="新建党支部", kind=OrgKind.BRANCH, sector=Sector.SOE, founded_on=D(2026, 5, 20))
    early = org_services.create_org(actor=system, parent_id=tree.town_a.pk, name="月初党支部", kind=OrgKind.BRANCH, sector=Sector.SOE, founded_on=D(2026, 5, 10))
    may = compliance.monthly_check(year=2026, month=5, as_of=D(2026, 6, 1), paths=[tree.town_a.path])
    # founded with 12 of 31 days left: owes nothing for May, nor for the quarter
    assert month_item(may, late, "theme_day").state == "na"
    assert month_item(may, late, "general_meeting").state == "na"
    # founded with 22 of 31 days left, 52 of Q2's 91: owes May's theme day and Q2's general meeting
    assert month_item(may, early, "theme_day").state == "overdue"
    assert month_item(may, early, "general_meeting").state == "due"
    june = compliance.monthly_check(year=2026, month=6, as_of=D(2026, 7, 1), paths=[tree.town_a.path])
    assert month_item(june, late, "theme_day").state == "overdue"
    q3 = compliance.monthly_check(year=2026, month=7, as_of=D(2026, 10, 1), paths=[tree.town_a.path])
    assert month_item(q3, late, "general_meeting").state == "overdue"
    # nothing is owed for a month or quarter before it existed; the year (226 of 365 days) is owed
    april = compliance.monthly_check(year=2026, month=4, as_of=D(2026, 5, 1), paths=[late.path])
    assert {i.state for i in row(april, late).items if i.period.kind != "year"} == {"na"}
    assert row(april, late).item("review_meeting").state == "due"
    assert row(april, late).item("talks").state == "na"  # no members yet: nobody to talk with


def test_committee_meeting_is_owed_only_by_a_branch_with_a_committee(tree, system, hold):
    res = compliance.monthly_check(year=2026, month=5, as_of=D(2026, 6, 1), paths=[tree.village_a.path])
    assert month_item(res, tree.village_a, "committee_meeting") is None
    for name, post in (("甲", "secretary"), ("乙", "organization"), ("丙", "publicity")):
        org_services.appoint_officer(actor=system, org_id=tree.village_a.pk, name=name, post=post, started_on=D(2024, 1, 1))
    res = compliance.monthly_check(year=2026, month=5, as_of=D(2026, 6, 1), paths=[tree.village_a.path])
    assert month_item(res, tree.village_a, "committee_meeting").state == "overdue"
    hold(tree.village_a, "committee_meeting", D(2026, 5, 3))
    res = compliance.monthly_check(year=2026, month=5, as_of=D(2026, 6, 1), paths=[tree.village_a.path])
    assert month_item(res, tree.village_a, "committee_meeting").state == "done"


def test_the_secretarys_yearly_lecture(tree, system, hold, make_member):
    sec = make_member(tree.village_a, name="书记甲")
    other = make_member(tree.village_a, name="党员乙")
    org_services.appoint_officer(actor=system, org_id=tree.village_a.pk, name=sec.name, post="secretary", member_id=sec.pk, started_on=D(2024, 1, 1))
    hold(tree.village_a, "lecture", D(2026, 3, 3), speaker=other)
    res = compliance.monthly_check(year=2026, month=12, as_of=D(2027, 1, 1), paths=[tree.village_a.path])
    assert month_item(res, tree.village_a, "secretary_lecture").state == "overdue"
    m = hold(tree.village_a, "lecture", D(2026, 6, 3), speaker=sec)
    assert m.speaker_is_secretary
    res = compliance.monthly_check(year=2026, month=12, as_of=D(2027, 1, 1), paths=[tree.village_a.path])
    assert month_item(res, tree.village_a, "secretary_lecture").state == "done"


def test_talks_cover_every_member(tree, hold, make_member):
    a, b, c = (make_member(tree.village_a, name=n) for n in ("甲", "乙", "丙"))
    hold(tree.village_a, "talk", D(2026, 4, 1), attendees=[a.pk, b.pk])
    res = compliance.monthly_check(year=2026, month=12, as_of=D(2027, 1, 1), paths=[tree.village_a.path])
    item = month_item(res, tree.village_a, "talks")
    assert (item.held, item.required, item.state) == (2, 3, "overdue")
    hold(tree.group_a, "talk", D(2026, 9, 1), attendees=[a.pk, c.pk])  # a group's talk counts for its branch's members
    res = compliance.monthly_check(year=2026, month=12, as_of=D(2027, 1, 1), paths=[tree.village_a.path])
    assert month_item(res, tree.village_a, "talks").state == "done"


def test_cancelled_and_planned_meetings_do_not_count(tree, system):
    m = services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="review_meeting", topic="组织生活会", planned_on=D(2026, 12, 1))
    res = compliance.monthly_check(year=2026, month=12, as_of=D(2027, 1, 1), paths=[tree.village_a.path])
    assert month_item(res, tree.village_a, "review_meeting").state == "overdue"
    services.cancel_meeting(actor=system, meeting_id=m.pk, reason="改期")
    res = compliance.monthly_check(year=2026, month=12, as_of=D(2027, 1, 1), paths=[tree.village_a.path])
    assert month_item(res, tree.village_a, "review_meeting").state == "overdue"


def test_late_list_keeps_last_month_and_warns_before_the_month_ends(tree, hold):
    late = {x.org.org_id: x for x in compliance.late_orgs(as_of=D(2026, 6, 25), paths=[tree.village_a.path])}
    x = late[tree.village_a.pk]
    assert {(i.code, i.period.key) for i in x.overdue} >= {("theme_day", "2026-05")}
    assert ("theme_day", "2026-06") in {(i.code, i.period.key) for i in x.due_soon}
    hold(tree.village_a, "theme_day", D(2026, 6, 2))
    x = {x.org.org_id: x for x in compliance.late_orgs(as_of=D(2026, 6, 25), paths=[tree.village_a.path])}[tree.village_a.pk]
    assert ("theme_day", "2026-06") not in {(i.code, i.period.key) for i in x.due_soon}


def test_grid_colours_sub_orgs_by_share_of_late_branches(tree, hold):
    for day in (D(2026, 5, 2),):
        hold(tree.village_b, "theme_day", day)
        hold(tree.office_b, "theme_day", day)
    res = compliance.scan(periods={"theme_day": [Period.month(2026, 5)]}, as_of=D(2026, 6, 1), paths=[tree.county.path])
    cells = {c.name: c for c in compliance.grid(res, [tree.town_a, tree.town_b])}
    assert cells["中共乙镇委员会"].colour == "green" and cells["中共乙镇委员会"].total == 2
    assert cells["中共甲镇委员会"].colour == "red"


# --- the rule table (rules.md §5): each frequency with its source -------------------------------
@pytest.mark.parametrize(
    "code,period,minimum,cites",
    [
        ("general_meeting", "quarter", 1, "支部工作条例（2018）第十一条"),
        ("committee_meeting", "month", 1, "支部工作条例（2018）第十二条"),
        ("group_meeting", "month", 1, "支部工作条例（2018）第十三条"),
        ("lecture", "quarter", 1, "党员教育管理工作条例（2019）"),
        ("secretary_lecture", "year", 1, "支部工作条例（2018）第十九条"),
        ("theme_day", "month", 1, "支部工作条例（2018）第十九条"),
        ("review_meeting", "year", 1, "支部工作条例（2018）第二十条"),
        ("appraisal", "year", 1, "支部工作条例（2018）第二十一条"),
        ("talks", "year", 1, "支部工作条例（2018）第二十二条"),
        ("training", "year", 32, "党员教育管理工作条例（2019）"),
    ],
)
def test_rule_table_frequency_and_citation(code, period, minimum, cites):
    spec = life_rules(D(2026, 1, 1))["items"][code]
    assert spec["period"] == period and spec["min"] == minimum
    assert spec["citation"].startswith(cites)


def test_a_revised_rule_version_applies_from_its_date(tree):
    from orgwork.core.rules import register, unregister

    base = life_rules(D(2026, 1, 1))
    items = dict(base["items"])
    items["general_meeting"] = {**items["general_meeting"], "period": "month"}
    register(base.derive(version="test-2027", effective=D(2027, 1, 1), source="test", items=items))
    try:
        old = compliance.monthly_check(year=2026, month=5, as_of=D(2026, 6, 1), paths=[tree.village_a.path])
        new = compliance.monthly_check(year=2027, month=5, as_of=D(2027, 6, 1), paths=[tree.village_a.path])
        assert month_item(old, tree.village_a, "general_meeting").period.kind == "quarter"
        assert month_item(new, tree.village_a, "general_meeting").period.kind == "month"
    finally:
        unregister("org.life", "test-2027")


def test_talk_coverage_follows_a_corrected_record(tree, system, hold, make_member):
    from orgwork.meetings.models import TalkCoverage

    a, b = make_member(tree.village_a, name="甲"), make_member(tree.village_a, name="乙")
    m = hold(tree.village_a, "talk", D(2026, 4, 1), attendees=[a.pk, b.pk])
    assert set(TalkCoverage.objects.filter(year=2026).values_list("member_id", flat=True)) == {a.pk, b.pk}
    services.record_meeting(actor=system, meeting_id=m.pk, held_on=D(2026, 4, 1), present_ids=[a.pk], absent={b.pk: "临时外出"}, today=D(2030, 1, 1))
    assert set(TalkCoverage.objects.filter(year=2026).values_list("member_id", flat=True)) == {a.pk}
    res = compliance.monthly_check(year=2026, month=12, as_of=D(2027, 1, 1), paths=[tree.village_a.path])
    assert (month_item(res, tree.village_a, "talks").held, month_item(res, tree.village_a, "talks").required) == (1, 2)
