"""Work management as versioned rule data (rules.md §9, seed 004).

- Deadline templates for assigned matters: "13710" by default — acknowledge within 1 working day, act within 3,
  finish within 7, report back by day 10 (local practice, the common form: rules.md §9). Counted in working days
  with the kernel's calendar (`core.calendar.add_workdays`: the n-th working day after the day assigned).
- Care occasions: remind branches before the festivals and 七一 to visit members in hardship and elderly members
  (local practice, default — replace with the department's own).
- Village collective income: a village below the threshold is listed as 集体经济发展困难村 (default — replace).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from orgwork.core import calendar as workcal
from orgwork.core.rules import RuleSet, register, rule

TEMPLATES = register(
    RuleSet(
        name="worklists.deadline_templates",
        version="2024",
        effective=dt.date(2000, 1, 1),
        source="rules.md §9（seed 004）“13710”工作法：1日内响应、3日内落实、7日内办结、10日内反馈（本地通行做法，工作日计）",
        values={
            "default": "13710",
            "templates": {
                "13710": {
                    "label": "13710工作法",
                    "steps": [
                        {"key": "acknowledge", "label": "响应（签收）", "working_days": 1},
                        {"key": "act", "label": "落实（部署）", "working_days": 3},
                        {"key": "finish", "label": "办结", "working_days": 7},
                        {"key": "report", "label": "反馈（报告结果）", "working_days": 10},
                    ],
                },
                "urgent": {
                    "label": "急件（1-2-3）",
                    "steps": [
                        {"key": "acknowledge", "label": "响应（签收）", "working_days": 1},
                        {"key": "finish", "label": "办结", "working_days": 2},
                        {"key": "report", "label": "反馈（报告结果）", "working_days": 3},
                    ],
                },
            },
        },
    )
)

CARE = register(
    RuleSet(
        name="worklists.care",
        version="2024",
        effective=dt.date(2000, 1, 1),
        source="本地做法默认值（请替换为本部门的规定）：春节、七一前走访慰问困难党员和老党员",
        values={
            # occasions: "七一" is 1 July; "春节" is read from the working-day calendar's holiday table.
            "occasions": [{"key": "spring", "label": "春节", "holiday": "春节"}, {"key": "july1", "label": "七一", "month": 7, "day": 1}],
            "remind_days_before": 14,
            "elderly_age": 80,  # 高龄老党员 shown in the register (default)
        },
    )
)

INCOME = register(
    RuleSet(
        name="worklists.collective_income",
        version="2024",
        effective=dt.date(2000, 1, 1),
        source="本地做法默认值（请替换为本部门的标准）：村集体经济年经营性收入低于5万元的列为集体经济发展困难村",
        values={"difficult_below": "50000"},
    )
)


def templates(on: dt.date | None = None):
    return rule("worklists.deadline_templates", on=on)


def template_choices(on: dt.date | None = None) -> list[tuple[str, str]]:
    t = templates(on)
    return [(k, v["label"]) for k, v in t["templates"].items()]


def due_dates(template_key: str, assigned_on: dt.date) -> dict[str, dt.date]:
    """{step key: due date} for a matter assigned on a day: the n-th working day after it (core.calendar)."""
    rs = templates(assigned_on)
    tpl = rs["templates"][template_key]
    return {s["key"]: workcal.add_workdays(assigned_on, s["working_days"]) for s in tpl["steps"]}


def steps(template_key: str, version: str) -> list[dict]:
    return list(rule("worklists.deadline_templates", version=version)["templates"][template_key]["steps"])


def difficult_below(on: dt.date | None = None) -> Decimal:
    return Decimal(rule("worklists.collective_income", on=on)["difficult_below"])


def care_rules(on: dt.date | None = None):
    return rule("worklists.care", on=on)


def occasion_dates(year: int) -> list[tuple[str, str, dt.date]]:
    """[(key, label, date)] of the care occasions of a year (春节 from the calendar's holiday table)."""
    out = []
    for occ in care_rules(dt.date(year, 1, 1))["occasions"]:
        if "month" in occ:
            out.append((occ["key"], occ["label"], dt.date(year, occ["month"], occ["day"])))
            continue
        arr = workcal.arrangement(year)
        days = sorted(d for d, name in arr["holidays"].items() if name == occ["holiday"])
        if days:
            out.append((occ["key"], occ["label"], days[0]))
    return out
