"""Training rules as versioned data (rules.md §5, §7, §10): hours required by role, rotation, exam grades.

- Hours by role (rules.md §7, from 干部教育培训条例; rules.md §5, from 党员教育管理工作条例 2019): county-level
  leaders and above at least 550 hours per 5 years; township level and below at least 90 hours a year;
  secretaries and committee members of grassroots party organizations at least 56 hours a year; members at least
  32 hours a year.
- Rotation (issue 15, seed 000's 集中轮训): everyone in a group trained at least once every N years — village cadres
  every 3, rural members every 5. Local practice, not a national number: a default to be replaced (rules.md §10).
- Study-exam grades (rules.md §7, seed 001): 优秀 / 良好 / 一般 / 较差; a 较差 for the year → not eligible for awards or
  promotion that year. The seed fixes the four grades, not the score bands: the bands below (share of full marks)
  are this system's defaults, data for the department to replace.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from orgwork.core.errors import ServiceError
from orgwork.core.rules import RuleSet, UnknownRule, register, rule

REQUIREMENTS = "training.requirements"
ROTATION = "training.rotation"
EXAM_GRADES = "training.exam_grades"

REQUIREMENTS_2019 = register(
    RuleSet(
        name=REQUIREMENTS,
        version="2019",
        effective=dt.date(2019, 5, 6),
        source="《干部教育培训工作条例》（2015）；《中国共产党党员教育管理工作条例》（2019）",
        values={
            "cites": "rules.md §7 (cadres 550/5y, 90/y, 56/y), §5 (members 32/y)",
            # role → (hours, period in years): the hours must be reached within the period ending with the year asked.
            "requirements": {
                "county_leader": {"hours": "550", "years": 5},  # rules.md §7: 县处级以上领导干部 5年不少于550学时
                "township": {"hours": "90", "years": 1},  # rules.md §7: 乡科级及以下 每年不少于90学时
                "grassroots": {"hours": "56", "years": 1},  # rules.md §7: 基层党组织书记和班子成员 每年不少于56学时
                "village_cadre": {"hours": "56", "years": 1},  # 村（社区）"两委"干部 are grassroots team members: §7's 56
                "member": {"hours": "32", "years": 1},  # rules.md §5: 党员每年集中学习培训不少于32学时
            },
            # The hours one credit row may carry (a guard against typing 320 for 32.0).
            "max_hours_per_record": "200",
        },
    )
)
REQUIREMENTS_2023 = register(
    REQUIREMENTS_2019.derive(
        version="2023",
        effective=dt.date(2023, 10, 1),
        source="《干部教育培训条例》（2023）；《中国共产党党员教育管理工作条例》（2019）",
    )
)

ROTATION_DEFAULT = register(
    RuleSet(
        name=ROTATION,
        version="default-2011",
        effective=dt.date(2011, 1, 1),
        source="默认值（各地做法：村干部每3年、农村党员每5年集中轮训一遍）——请按本地规定替换",
        values={
            "cites": "issue 15; local practice, a default (rules.md §10)",
            # group → every how many years each person in it must have been trained at least once
            "groups": {"village_cadre": 3, "rural_member": 5},
        },
    )
)

EXAM_GRADES_DEFAULT = register(
    RuleSet(
        name=EXAM_GRADES,
        version="default-2011",
        effective=dt.date(2011, 1, 1),
        source="考学结果分优秀、良好、一般、较差四个等次，年度考学较差者当年不得评先评优和晋升晋级；分数段为默认值，请按本地规定替换",
        values={
            "cites": "rules.md §7 (study exams, seed 001); score bands are a default (rules.md §10)",
            # lowest share of full marks (percent) for each grade, best first; below the last → poor (较差)
            "bands": (("excellent", "90"), ("good", "80"), ("fair", "60")),
            "poor": "poor",
            # grades that bar awards and promotion for the exam's year (rules.md §7)
            "bars_awards_and_promotion": ("poor",),
        },
    )
)

ROLE_ORDER = ("county_leader", "township", "grassroots", "village_cadre", "member")


def _in_force(name: str, on: dt.date, field: str, what: str) -> RuleSet:
    try:
        return rule(name, on=on)
    except UnknownRule:
        raise ServiceError.single(field, "no_rule_in_force", _("%(on)s之前没有可适用的%(what)s规定") % {"on": format(on, '%Y年%m月%d日'), "what": what}) from None


def requirement_rules(on: dt.date, *, field: str = "year") -> RuleSet:
    return _in_force(REQUIREMENTS, on, field, "教育培训学时")


def rotation_rules(on: dt.date, *, field: str = "year") -> RuleSet:
    return _in_force(ROTATION, on, field, "集中轮训")


def grade_rules(on: dt.date, *, field: str = "held_on") -> RuleSet:
    return _in_force(EXAM_GRADES, on, field, "考学等次")


def grade_for(score: Decimal, full_marks: Decimal, rules: RuleSet) -> str:
    """The grade of a score by the rule's bands (percent of full marks, inclusive lower bounds)."""
    percent = Decimal(score) * 100 / Decimal(full_marks)
    for grade, lowest in rules["bands"]:
        if percent >= Decimal(lowest):
            return grade
    return rules["poor"]


def requirement(role: str, rules: RuleSet) -> tuple[Decimal, int] | None:
    """(hours, years) a role must reach, or None when the role has no requirement."""
    r = rules["requirements"].get(role)
    return (Decimal(r["hours"]), int(r["years"])) if r else None
