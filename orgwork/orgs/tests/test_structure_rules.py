"""Structure checks, rules.md §1 (《中国共产党支部工作条例（试行）》2018)."""

import datetime as dt

import pytest

from orgwork.core.rules import rule
from orgwork.orgs import selectors, services
from orgwork.orgs.models import OrgKind, Sector
from orgwork.orgs.rules import default_term_years


def codes_for(org, actor, today=None):
    return {w.code for w in selectors.structure_warnings(actor, today=today) if w.org_id == org.pk}


def test_rule_table_numbers_cite_the_regulation():
    r = rule("org.structure", version="2018")
    assert "支部工作条例" in r.source
    # 第五条: 3 full members make a branch; at most 50 members.  第十五条: 7+ → committee of 3–5 (≤7).
    assert (r["branch_min_full_members"], r["branch_max_members"]) == (3, 50)
    assert (r["committee_threshold_members"], r["committee_min_size"], r["committee_max_size"]) == (7, 3, 7)


def test_term_lengths_by_kind_and_sector():
    # 第十六条 / 选举工作条例: village and community branches 5 years, other branches and general branches 3, committees 5.
    assert default_term_years(OrgKind.BRANCH, Sector.RURAL) == 5
    assert default_term_years(OrgKind.BRANCH, Sector.COMMUNITY) == 5
    assert default_term_years(OrgKind.BRANCH, Sector.AGENCY) == 3
    assert default_term_years(OrgKind.GENERAL_BRANCH, Sector.RURAL) == 3
    assert default_term_years(OrgKind.COMMITTEE, Sector.AGENCY) == 5


@pytest.mark.django_db
def test_branch_with_fewer_than_three_full_members(tree, system, make_member):
    make_member(tree.office_a, birth=dt.date(1980, 1, 1))
    make_member(tree.office_a, birth=dt.date(1981, 1, 1))
    make_member(tree.office_a, birth=dt.date(1982, 1, 1), category="probationary", joined=dt.date(2026, 1, 5))
    assert "too_few_full_members" in codes_for(tree.office_a, system)
    make_member(tree.office_a, birth=dt.date(1983, 1, 1))
    assert "too_few_full_members" not in codes_for(tree.office_a, system)


@pytest.mark.django_db
def test_seven_members_need_a_committee(tree, system, make_member):
    for i in range(7):
        make_member(tree.office_a, birth=dt.date(1970 + i, 2, 3))
    assert "committee_required" in codes_for(tree.office_a, system)
    for post in ("secretary", "organization", "publicity"):
        services.appoint_officer(actor=system, org_id=tree.office_a.pk, name=f"委员{post}", post=post)
    assert "committee_required" not in codes_for(tree.office_a, system)


@pytest.mark.django_db
def test_more_than_fifty_members(tree, system, make_member):
    for i in range(51):
        make_member(tree.office_b, birth=dt.date(1950 + i % 30, 1 + i % 12, 1 + i % 28))
    assert "too_many_members" in codes_for(tree.office_b, system)


@pytest.mark.django_db
def test_term_unknown_then_expired(tree, system):
    assert "term_unknown" in codes_for(tree.office_a, system)
    services.update_org(actor=system, org_id=tree.office_a.pk, term_started_on=dt.date(2021, 6, 1))
    # agency branch: 3 years → ends 2024-06-01
    assert "term_expired" in codes_for(tree.office_a, system, today=dt.date(2024, 6, 1))
    assert "term_expired" not in codes_for(tree.office_a, system, today=dt.date(2024, 5, 31))
    services.update_org(actor=system, org_id=tree.village_a.pk, term_started_on=dt.date(2021, 6, 1))
    # village branch: 5 years
    assert "term_expired" not in codes_for(tree.village_a, system, today=dt.date(2024, 6, 1))
