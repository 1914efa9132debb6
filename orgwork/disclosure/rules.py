"""Party-affairs disclosure (党务公开) as rule data (rules.md §8).

* The seven content areas are seed 001's: 党组织决议决定及执行情况、党的思想建设情况、党的组织管理情况、领导班子建设情况、
  干部选任和管理情况、联系和服务党员群众情况、党风廉政建设情况.
* Each item goes propose → review (incl. secrecy review) → approve → publish: 中国共产党党务公开条例（试行）2017
  第十四条 (公开前审核、保密审查) and 第十五条 (按程序报批).
* Routine disclosure (例行公开) and on-request disclosure (依申请公开): seed 001. No party regulation fixes the
  number of days; the answer time limit mirrors 政府信息公开条例 (2019) 第三十三条 (20 working days) and the routine
  items' period lag is this system's default — both data, for the department to replace.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from orgwork.core.rules import RuleSet, register, rule

AREAS = [
    ("decisions", "党组织决议决定及执行情况"),
    ("ideology", "党的思想建设情况"),
    ("organization", "党的组织管理情况"),
    ("leadership", "领导班子建设情况"),
    ("cadres", "干部选任和管理情况"),
    ("service", "联系和服务党员群众情况"),
    ("integrity", "党风廉政建设情况"),
]

DISCLOSURE_2017 = register(
    RuleSet(
        name="disclosure",
        version="2017",
        effective=dt.date(2017, 12, 20),
        source="中国共产党党务公开条例（试行）2017 第十四、十五条；seed 001 七个方面公开内容；依申请公开答复时限参照政府信息公开条例第三十三条（默认值，可替换）",
        values={
            "areas": AREAS,
            "request_answer_working_days": 20,
            "routine_lag_working_days": 10,  # a routine item is due this many working days after its period ends (default)
            "routine_defaults": [
                # (area, title, frequency, audience) — default catalogue of routine items
                ("organization", "党费收缴、使用和管理情况", "quarterly", "members"),
                ("organization", "发展党员情况", "quarterly", "members"),
                ("organization", "民主评议党员结果", "yearly", "members"),
                ("decisions", "党组织重要决议决定及执行情况", "quarterly", "members"),
                ("leadership", "领导班子建设和民主生活会情况", "yearly", "members"),
                ("service", "联系和服务党员群众情况", "yearly", "public"),
                ("integrity", "党风廉政建设责任制落实情况", "yearly", "public"),
            ],
            "secrecy_review_required": True,
        },
    )
)


def disclosure_rules(*, on: dt.date | None = None):
    return rule("disclosure", on=on or dt.date.today())


FREQUENCIES = {"monthly": "每月", "quarterly": "每季度", "yearly": "每年"}


def period_of(frequency: str, day: dt.date) -> tuple[str, dt.date, dt.date]:
    """(key, first day, last day) of the period of `frequency` containing `day`."""
    if frequency == "monthly":
        first = day.replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return f"{day:%Y-%m}", first, last
    if frequency == "quarterly":
        q = (day.month - 1) // 3
        first = dt.date(day.year, 3 * q + 1, 1)
        last = (dt.date(day.year + (q == 3), (3 * q + 3) % 12 + 1, 1)) - dt.timedelta(days=1)
        return f"{day.year}-Q{q + 1}", first, last
    if frequency == "yearly":
        return f"{day.year}", dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    raise ValueError(frequency)


def last_closed_period(frequency: str, today: dt.date) -> tuple[str, dt.date, dt.date]:
    _key, first, _last = period_of(frequency, today)
    return period_of(frequency, first - dt.timedelta(days=1))


def period_label(key: str) -> str:
    if "-Q" in key:
        y, q = key.split("-Q")
        return _("%(year)s年第%(quarter)s季度") % {"year": y, "quarter": q}
    if "-" in key:
        y, m = key.split("-")
        return _("%(year)s年%(month)s月") % {"year": y, "month": int(m)}
    return _("%(year)s年") % {"year": key} if key else ""
