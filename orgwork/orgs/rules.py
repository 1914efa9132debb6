"""Organization structure rules as versioned data (rules.md §1)."""

import datetime as dt

from orgwork.core.rules import RuleSet, register, rule

STRUCTURE = register(
    RuleSet(
        name="org.structure",
        version="2018",
        effective=dt.date(2018, 10, 28),
        source="《中国共产党支部工作条例（试行）》（2018）第五、六、十五、十六条；《中国共产党基层组织选举工作条例》（2020）",
        values={
            # 第五条: 3 or more full members → a branch; a branch normally has at most 50 members.
            "branch_min_full_members": 3,
            "branch_max_members": 50,
            # 第六条: a joint branch covers at most 5 units.
            "joint_branch_max_units": 5,
            # 第十五条: 7 or more → a branch committee of 3–5, at most 7.
            "committee_threshold_members": 7,
            "committee_min_size": 3,
            "committee_max_size": 7,
            # 第十六条 and 选举工作条例: term lengths by kind and sector; "*" is any sector.
            "term_years": {
                "branch:rural": 5,
                "branch:community": 5,
                "branch:*": 3,
                "joint_branch:rural": 5,
                "joint_branch:community": 5,
                "joint_branch:*": 3,
                "general_branch:*": 3,
                "committee:*": 5,
                "working_committee:*": 5,
            },
            # Good practice: remind 6 and 3 months before a term ends, then monthly.
            "term_reminder_months": [6, 3],
        },
    )
)


def structure_rules(on: dt.date | None = None):
    return rule("org.structure", on=on)


def default_term_years(kind: str, sector: str) -> int | None:
    table = structure_rules()["term_years"]
    return table.get(f"{kind}:{sector}", table.get(f"{kind}:*"))
