"""Party-building funds (党建工作经费) as versioned rule data.

The floor per member is the standard named in seed 003 (关于推进市直机关党组织标准化建设的思考, the experience it
cites from 淄博市张店区): "统一要求每个党组织，按照每名党员不低于600元的标准保障党建经费，并且把党建经费落实情况
作为党建考核的重要内容" — at least 600 yuan per member a year for every party organization, and whether the
funds arrived is an assessment item. A county that adopts another figure enters it as a new version.
What each level keeps of the dues and passes up is the dues app's rule table `dues.remittance` (set by the
province, rules.md §4); this app reads the dues collection report built on it, it does not restate shares.
"""

from __future__ import annotations

import datetime as dt

from orgwork.core.rules import RuleSet, register, rule

ALLOCATION_2019 = register(
    RuleSet(
        name="funds.allocation",
        version="2019",
        effective=dt.date(2019, 1, 1),
        source="seed 003《关于推进市直机关党组织标准化建设的思考》：每个党组织按照每名党员不低于600元的标准保障党建经费",
        values={
            # yuan per member per year that must reach each branch (income of the year: budget, allocations
            # received from above, special funds, dues kept)
            "per_member_floor": "600.00",
            # which ledger kinds count as funds that reached an org
            "reaching_kinds": ["budget", "received", "special", "dues_kept"],
        },
    )
)


def allocation_rules(*, on: dt.date | None = None, version: str | None = None):
    return rule("funds.allocation", on=on, version=version)
