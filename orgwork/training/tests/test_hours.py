"""Training hours (学分制档案, seed 000) against the requirements by role (rules.md §7, §5)."""

import datetime as dt
from decimal import Decimal

import pytest

from orgwork.conftest import make_id
from orgwork.core.errors import ServiceError
from orgwork.orgs import services as org_services
from orgwork.training import selectors, services
from orgwork.training.models import Credit
from orgwork.training.rules import requirement, requirement_rules

pytestmark = pytest.mark.django_db
D = Decimal


def test_requirement_numbers_cite_rules_md():
    rules = requirement_rules(dt.date(2026, 12, 31))
    assert "rules.md §7" in rules["cites"] and "§5" in rules["cites"] and "干部教育培训条例" in rules.source
    # rules.md §7: county-level leaders and above ≥ 550 hours per 5 years
    assert requirement("county_leader", rules) == (D(550), 5)
    # rules.md §7: township level and below ≥ 90 hours a year
    assert requirement("township", rules) == (D(90), 1)
    # rules.md §7: secretaries and committee members of grassroots party organizations ≥ 56 hours a year
    assert requirement("grassroots", rules) == (D(56), 1)
    # rules.md §5: member training at least 32 hours a year
    assert requirement("member", rules) == (D(32), 1)
    assert requirement("other", rules) is None
    assert requirement_rules(dt.date(2020, 12, 31)).version == "2019"
    with pytest.raises(ServiceError) as exc:
        requirement_rules(dt.date(2018, 12, 31))
    assert exc.value.errors[0].code == "no_rule_in_force"


def test_credit_hours_is_idempotent_on_source_and_ref(tree, system, make_member):
    m = make_member(tree.village_a, name="周一")
    c1 = services.credit_hours(system, id_number=m.id_number, name="周一", hours="2.5", on=dt.date(2026, 3, 1), source="remote", ref="session-17:seat-3")
    c2 = services.credit_hours(system, id_number=m.id_number, name="周一", hours="2.5", on=dt.date(2026, 3, 1), source="remote", ref="session-17:seat-3")
    assert c1.pk == c2.pk and Credit.objects.count() == 1
    assert selectors.hours(m.id_number, dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == D("2.5")
    assert selectors.hours(m.id_number, dt.date(2026, 3, 2), dt.date(2026, 12, 31)) == D(0)
    other = make_member(tree.village_a, name="周二")
    with pytest.raises(ServiceError) as exc:  # the same reference for another person is a conflict, not a silent no-op
        services.credit_hours(system, id_number=other.id_number, name="周二", hours=1, on=dt.date(2026, 3, 1), source="remote", ref="session-17:seat-3")
    assert exc.value.errors[0].code == "ref_conflict"
    for bad, code in ((0, "bad_value"), ("x", "bad_value"), (250, "too_many_hours")):
        with pytest.raises(ServiceError) as exc:
            services.credit_hours(system, id_number=m.id_number, name="周一", hours=bad, on=dt.date(2026, 3, 1), source="manual", ref=f"bad-{bad}")
        assert exc.value.errors[0].code == code
    with pytest.raises(ServiceError) as exc:
        services.credit_hours(system, id_number=m.id_number, name="周一", hours=1, on=dt.date.today() + dt.timedelta(days=3), source="manual", ref="future")
    assert exc.value.errors[0].code == "future_date"
    with pytest.raises(ServiceError) as exc:  # not a member, not registered, no org: who answers for this person is unknown
        services.credit_hours(system, id_number=make_id(dt.date(1980, 1, 1)), name="路人", hours=1, on=dt.date(2026, 3, 1), source="manual", ref="x1")
    assert exc.value.errors[0].code == "required" and exc.value.errors[0].field == "org"
    fix = services.correct_credit(actor=system, credit_id=c1.pk, reason="重复登记")
    assert fix.hours == D("-2.5") and selectors.hours(m.id_number, dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == D(0)


def test_requirement_status_by_role(tree, system, make_member):
    member = make_member(tree.village_a, name="吴一")
    secretary = make_member(tree.village_a, name="吴二")
    org_services.appoint_officer(actor=system, org_id=tree.village_a.pk, member_id=secretary.pk, name="吴二", post="secretary", started_on=dt.date(2024, 1, 1))
    leader = make_id(dt.date(1970, 1, 1))
    services.register_person(actor=system, id_number=leader, name="郑县长", org_id=tree.county.pk, role="county_leader", post="副县长")
    town = make_id(dt.date(1985, 1, 1))
    services.register_person(actor=system, id_number=town, name="冯科长", org_id=tree.town_a.pk, role="township")
    y = 2025
    services.credit_hours(system, id_number=member.id_number, name="吴一", hours=32, on=dt.date(y, 6, 1), source="manual", ref="a")
    services.credit_hours(system, id_number=secretary.id_number, name="吴二", hours=40, on=dt.date(y, 6, 1), source="manual", ref="b")
    for i, year in enumerate(range(y - 4, y + 1)):  # 5 years of 100 h: 500 < 550
        services.credit_hours(system, id_number=leader, name="郑县长", hours=100, on=dt.date(year, 5, 1), source="manual", ref=f"l{i}")
    services.credit_hours(system, id_number=leader, name="郑县长", hours=100, on=dt.date(y - 5, 5, 1), source="manual", ref="l-old")  # outside the 5 years
    services.credit_hours(system, id_number=town, name="冯科长", hours=90, on=dt.date(y, 12, 31), source="manual", ref="t")
    s = selectors.requirement_status(member.id_number, y)
    assert (s.role, s.required, s.done, s.short, s.met) == ("member", D(32), D(32), D(0), True)  # rules.md §5: 32 h a year
    s = selectors.requirement_status(secretary.id_number, y)
    assert (s.role, s.required, s.short) == ("grassroots", D(56), D(16))  # rules.md §7: 56 h for a branch secretary
    s = selectors.requirement_status(leader, y)
    assert (s.role, s.required, s.years, s.date_from, s.done, s.short) == ("county_leader", D(550), 5, dt.date(2021, 1, 1), D(500), D(50))  # rules.md §7
    s = selectors.requirement_status(town, y)
    assert (s.role, s.required, s.met) == ("township", D(90), True)  # rules.md §7: 90 h a year
    assert selectors.requirement_status(town, y + 1).short == D(90)
