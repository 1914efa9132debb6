"""Selections, awards and honours as versioned rule data (rules.md §7, §8, §10; seed 001).

- Every selection runs the five stages of seed 001 (rules.md §8): application → first review → second review →
  final review → commendation (申报、初评、复评、终评、表彰), with a publicity period before commendation.
- Kinds of selection are data: 七一表彰 (outstanding members, outstanding party workers, advanced organizations),
  the party-building brand selection, and local award families such as 双星十奖 and 四百一千.
- A 较差 study grade in the year bars a person from awards that year (rules.md §7) — asked of the training module.
- "光荣在党50年" medal (rules.md §10): party standing (党龄, counted from full membership — 党章第七条 — by the members
  registry's rule) reaching 50 years by the cut-off date (data, default 1 July of the year); reminders each spring.
- Model sites and model posts: designated from criteria (standardization stars, points) — local practice,
  defaults marked "replace with the department's own".
"""

from __future__ import annotations

import datetime as dt

from orgwork.core.rules import RuleSet, register, rule

STAGES = [
    ("application", "申报"),
    ("first", "初评"),
    ("second", "复评"),
    ("final", "终评"),
    ("commendation", "表彰"),
]
REVIEW_STAGES = ("first", "second", "final")

SELECTION = register(
    RuleSet(
        name="awards.selection",
        version="2024",
        effective=dt.date(2000, 1, 1),
        source="seed 001：评选表彰按申报、初评、复评、终评、表彰五个环节进行（rules.md §8）；学习考试“较差”的当年不得评优（rules.md §7）",
        values={
            "stages": [k for k, _label in STAGES],
            "publicity_working_days": 5,  # 表彰前公示 — the seeds give no number: default, replace with the department's own
            "kinds": {
                "qiyi": {
                    "label": "七一表彰",
                    "categories": {
                        "outstanding_member": {"label": "优秀共产党员", "nominee": "member"},
                        "outstanding_worker": {"label": "优秀党务工作者", "nominee": "member"},
                        "advanced_org": {"label": "先进基层党组织", "nominee": "org"},
                    },
                },
                "brand": {"label": "党建品牌评选", "categories": {"brand": {"label": "党建品牌", "nominee": "org"}}},
                "double_star": {
                    "label": "双星十奖",
                    "categories": {
                        "star_branch": {"label": "星级党支部", "nominee": "org"},
                        "star_member": {"label": "星级党员", "nominee": "member"},
                        "award": {"label": "十佳奖项", "nominee": "member"},
                    },
                },
                "hundred_thousand": {
                    "label": "四百一千",
                    "categories": {
                        "hundred": {"label": "百名优秀人才", "nominee": "member"},
                        "thousand": {"label": "千名党员先锋", "nominee": "member"},
                    },
                },
            },
        },
    )
)

HONOUR50 = register(
    RuleSet(
        name="awards.honour50",
        version="2021",
        effective=dt.date(2021, 1, 1),
        source="“光荣在党50年”纪念章：党龄（党章第七条，自转为正式党员之日起算）达到50周年的党员；截止日期通常为当年7月1日（rules.md §10）",
        values={"years": 50, "cutoff_month": 7, "cutoff_day": 1, "remind_from_month": 3, "remind_from_day": 1},
    )
)

MODEL_SITES = register(
    RuleSet(
        name="awards.model_sites",
        version="2024",
        effective=dt.date(2000, 1, 1),
        source="本地做法默认值（请替换为本部门的标准）：示范点须达到标准化建设四星及以上；党员示范岗须年度积分不低于90分；每年复核一次",
        values={
            "site": {"label": "示范点", "min_stars": 4},
            "post": {"label": "党员示范岗", "min_points": 90},
            "recheck_months": 12,
        },
    )
)


def selection_rules(on: dt.date | None = None):
    return rule("awards.selection", on=on)


def honour_rules(year: int):
    return rule("awards.honour50", on=dt.date(year, 12, 31))


def cutoff(year: int) -> dt.date:
    r = honour_rules(year)
    return dt.date(year, r["cutoff_month"], r["cutoff_day"])


def model_rules(on: dt.date | None = None):
    return rule("awards.model_sites", on=on)


def stage_label(key: str) -> str:
    return dict(STAGES).get(key, key)


def next_stage(key: str) -> str | None:
    keys = [k for k, _l in STAGES]
    i = keys.index(key)
    return keys[i + 1] if i + 1 < len(keys) else None
