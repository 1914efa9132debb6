"""Membership rules as versioned data (rules.md §2, §3)."""

import datetime as dt

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
        },
    )
)


def membership_rules(on: dt.date | None = None):
    return rule("member.standing", on=on)
