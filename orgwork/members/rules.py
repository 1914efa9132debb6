"""Membership rules as versioned data (rules.md §2, §3)."""

import datetime as dt

from orgwork.core.normalize import add_months, years_between
from orgwork.core.rules import RuleSet, register, rule

MEMBERSHIP = register(
    RuleSet(
        name="member.standing",
        version="2014",
        effective=dt.date(2014, 6, 10),
        source="《中国共产党章程》第一条、第七条；《中国共产党发展党员工作细则》（2014）",
        values={
            # 党章第一条: a person who has reached 18 may apply.
            "min_age_at_admission": 18,
            # 党章第七条: probation is one year; an extension is at most one year (local practice: at least 6 months).
            "probation_months": 12,
            "probation_extension_min_months": 6,
            "probation_extension_max_months": 12,
            # 党员教育管理工作条例: out of contact 6 months or more → suspension is considered.
            "lost_contact_suspend_months": 6,
            # 党章第七条: 党员的党龄，从预备期满转为正式党员之日算起 — party standing counts from full membership
            # (the confirmation date), not from joining; a probationary member has no party standing yet.
            "party_standing_from": "confirmed_on",
        },
    )
)


def membership_rules(on: dt.date | None = None):
    return rule("member.standing", on=on)


def party_standing_start(*, category: str, joined_on: dt.date | None, confirmed_on: dt.date | None) -> dt.date | None:
    """The day a member's party standing (党龄) starts counting (党章第七条): the day of full membership.

    None for a probationary member. A full member whose confirmation date was never recorded (old rosters)
    counts from the end of the probation that followed joining — the earliest date full membership can have
    started — so that a missing date never inflates party standing.
    """
    if category != "full":
        return None
    if confirmed_on:
        return confirmed_on
    if joined_on:
        return add_months(joined_on, rule("member.standing")["probation_months"])
    return None


def party_standing_years(*, category: str, joined_on: dt.date | None, confirmed_on: dt.date | None, on: dt.date) -> int | None:
    """Whole years of party standing (党龄) on a day; None for a probationary member."""
    start = party_standing_start(category=category, joined_on=joined_on, confirmed_on=confirmed_on)
    if start is None:
        return None
    return max(0, years_between(start, on))


def party_standing_year(*, category: str, joined_year: int | None, confirmed_year: int | None) -> int | None:
    """The calendar year party standing starts, as the statistics count it (year cohorts, see stats.counters)."""
    if category != "full":
        return None
    if confirmed_year:
        return confirmed_year
    if joined_year:
        return joined_year + (rule("member.standing")["probation_months"] + 11) // 12
    return None


STATISTICS = register(
    RuleSet(
        name="member.statistics",
        version="2013",
        effective=dt.date(2013, 1, 1),
        source="党内统计年报口径（中央组织部党内统计，35岁及以下为青年党员；61岁及以上为老年党员）",
        values={
            # The youth cohort the department reports on ("35岁及以下党员") and the elderly cohort ("61岁及以上").
            "youth_age_max": 35,
            "elderly_age_min": 61,
        },
    )
)


def statistics_rules(on: dt.date | None = None):
    return rule("member.statistics", on=on)
