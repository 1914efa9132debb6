"""Petitions (信访) as versioned rule data.

rules.md §10 — 《信访工作条例》(2022, in force 2022-05-01): decide whether to accept within 15 days; conclude within 60
days of acceptance; extendable by at most 30 days with approval (calendar days: the 条例 counts 日).
rules.md §8 / seed 001 — leader reception (领导干部接访): city party and government leaders receive petitioners at least
1 day every 2 months, county (district) principal leaders at least 1 day every month.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from orgwork.core.errors import ServiceError
from orgwork.core.procedures import DateRule, Field, Stage, StepDef, define
from orgwork.core.rules import RuleSet, UnknownRule, register, rule

KIND = "petition"
INTAKE = "petitions.intake"
RECEPTION = "petitions.reception"

CATEGORIES = (
    ("cadre_conduct", "干部作风"),
    ("organization", "基层组织建设"),
    ("party_member", "党员管理"),
    ("cadre_personnel", "干部人事"),
    ("policy", "政策咨询"),
    ("other", "其他诉求"),
)
DECISIONS = (("accept", "受理"), ("not_accept", "不予受理"), ("transfer", "转送有权处理机关"))
RESULTS = (("supported", "支持"), ("partly", "部分支持"), ("not_supported", "不支持"), ("explained", "解释说明"))

INTAKE_2022 = register(
    RuleSet(
        name=INTAKE,
        version="2022",
        effective=dt.date(2022, 5, 1),
        source="《信访工作条例》（2022年5月1日起施行）；rules.md §10",
        values={
            "title": "信访事项受理办理时限",
            # rules.md §10: decide whether to accept within 15 days.
            "accept_within_days": 15,
            # rules.md §10: conclude within 60 days of acceptance, extendable by at most 30 days with approval.
            "conclude_within_days": 60,
            "extension_days": 30,
            # System defaults (no regulation): text length; a repeat petition = same phone and category within a year.
            "max_text_chars": 2000,
            "repeat_window_days": 365,
            "categories": tuple(c for c, _ in CATEGORIES),
        },
    )
)

RECEPTION_2011 = register(
    RuleSet(
        name=RECEPTION,
        version="2011",
        effective=dt.date(2011, 1, 1),
        source="seed 001（惠州市“党建工作创新年”方案，健全干部定期接访制度）；rules.md §8",
        values={
            "title": "领导干部接访频次",
            # seed 001 / rules.md §8: city leaders at least 1 day every 2 months; county leaders every month.
            "period_months": {"city": 2, "county": 1},
            "days_per_period": {"city": 1, "county": 1},
        },
    )
)


def intake_rules(on: dt.date | None = None) -> RuleSet:
    try:
        return rule(INTAKE, on=on)
    except UnknownRule:
        raise ServiceError.single("received_on", "no_rule_in_force", _("该日期之前没有可适用的信访工作时限规定")) from None


def reception_rules(on: dt.date | None = None) -> RuleSet:
    return rule(RECEPTION, on=on)


define(
    kind=KIND,
    version="2022",
    effective=dt.date(2022, 5, 1),
    source="《信访工作条例》（2022）；rules.md §10",
    title="信访事项办理",
    stages=[Stage("intake", "登记受理"), Stage("handle", "办理答复")],
    steps=[
        StepDef("register", "登记", "intake"),
        StepDef(
            "accept", "决定是否受理", "intake",
            fields=(Field("decision", "受理意见", "choice", choices=DECISIONS), Field("reason", "理由", required=False)),
            due=DateRule("register", days="accept_within_days", note="自收到之日起15日内决定是否受理"),
        ),
        StepDef(
            "conclude", "办结", "handle",
            fields=(Field("result", "办理意见", "choice", choices=RESULTS),),
            due=DateRule("accept", days="conclude_within_days", note="自受理之日起60日内办结"),
            due_limit=DateRule("accept", days="conclude_limit_days", note="经批准可延长，不超过30日"),
        ),
        StepDef("reply", "书面答复", "handle"),
        StepDef("close", "结案", "handle"),
    ],
    accept_within_days=15,
    conclude_within_days=60,
    conclude_limit_days=90,
    extension_days=30,
)
