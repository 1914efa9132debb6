"""Full-time party-affairs staff (专职党务工作者) per unit, as versioned rule data (rules.md §1).

Source: seed 003 (关于推进市直机关党组织标准化建设的思考): "机关专职党务干部严格按不低于党员总数2%比例配备，
党员人数不足30人的设1人" — in agencies, full-time party-affairs staff at least 2% of the members (rounded up to
whole people), and 1 where a unit has fewer than 30 members.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, Decimal

from orgwork.core.rules import RuleSet, register, rule

STAFFING_2019 = register(
    RuleSet(
        name="staffing.party_affairs",
        version="2019",
        effective=dt.date(2019, 1, 1),
        source="seed 003《关于推进市直机关党组织标准化建设的思考》：机关专职党务干部按不低于党员总数2%比例配备，党员人数不足30人的设1人（rules.md §1）",
        values={
            "ratio": "0.02",  # at least 2% of the unit's members
            "small_unit_members": 30,  # fewer than this many members ...
            "small_unit_staff": 1,  # ... → this many full-time staff
            "sectors": ["agency"],  # the rule is written for agencies (机关)
        },
    )
)


def staffing_rules(*, on: dt.date | None = None, version: str | None = None):
    return rule("staffing.party_affairs", on=on, version=version)


def required_staff(members: int, rules) -> int:
    """Full-time party-affairs staff a unit with `members` members needs (0 for a unit without members)."""
    if members <= 0:
        return 0
    if members < rules["small_unit_members"]:
        return rules["small_unit_staff"]
    # at least ratio × members, in whole people: 2% of 51 is 1.02 → 2 (Decimal, no float rounding)
    need = (Decimal(members) * Decimal(rules["ratio"])).to_integral_value(rounding=ROUND_CEILING)
    return max(rules["small_unit_staff"], int(need))
