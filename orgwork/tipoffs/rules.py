"""12380 tip-offs (12380举报) as versioned rule data.

Sources (rules.md §8): the 12380 line takes reports of violations in the selection and appointment of cadres
(选人用人违规), of problems with people proposed for promotion (拟提拔人选), and of the conduct and integrity of
leading cadres at some sites; the main text is limited to about 1,000 characters; real-name reports are
encouraged and anonymous ones accepted; at most 5 online reports per device per day. No central time limits are
published: the handling limits below are the configurable defaults a comparable line uses (10 working days to
decide on acceptance, 60 working days to conclude, extendable once by 30 working days with approval) —
"default — replace with the department's own".
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from orgwork.core.errors import ServiceError
from orgwork.core.procedures import DateRule, Field, Stage, StepDef, define
from orgwork.core.rules import RuleSet, UnknownRule, register, rule

NAME = "tipoffs.intake"
KIND = "tipoff"

# Categories within the 12380 scope (rules.md §8), and the one outside it that is forwarded.
IN_SCOPE = ("selection", "promotion_candidate", "conduct")
CATEGORY_LABELS = {
    "selection": "选人用人违规问题",
    "promotion_candidate": "拟提拔人选的问题",
    "conduct": "领导干部作风和廉洁问题",
    "other": "其他问题（不属于12380受理范围）",
}
# Guidance for matters outside the scope: where they belong (shown on the public form, told to the reporter).
OUT_OF_SCOPE_GUIDANCE = (
    ("违反党纪、职务违法犯罪问题", "纪检监察机关（12388）"),
    ("涉法涉诉、行政争议", "人民法院、人民检察院或有关行政机关"),
    ("个人诉求、政策咨询、投诉建议", "信访部门（网上信访大厅）或12345热线"),
)

INTAKE_2026 = register(
    RuleSet(
        name=NAME,
        version="2026",
        effective=dt.date(2000, 1, 1),
        source="rules.md §8（12380举报受理范围、正文约1000字、每台设备每天最多5件）；办理时限为可配置的默认值",
        values={
            "title": "12380举报受理规则",
            # rules.md §8: main text limited to about 1,000 characters.
            "max_text_chars": 1000,
            # rules.md §8: at most 5 online reports per device per day.
            "max_reports_per_device_per_day": 5,
            "categories": (*IN_SCOPE, "other"),
            "in_scope": IN_SCOPE,
            # System defaults (no regulation): attachments per report and their size.
            "max_attachments": 5,
            "max_attachment_bytes": 10 * 1024 * 1024,
            # Receipt codes (GlobaLeaks practice): 16 random digits, shown once.
            "receipt_digits": 16,
            # Guessing receipts: failed follow-up attempts per client per hour, and across all clients per hour.
            "receipt_failures_per_client_per_hour": 10,
            "receipt_failures_global_per_hour": 500,
        },
    )
)


def intake_rules(on: dt.date | None = None) -> RuleSet:
    try:
        return rule(NAME, on=on)
    except UnknownRule:
        raise ServiceError.single("received_on", "no_rule_in_force", _("该日期之前没有可适用的12380举报受理规则")) from None


# --- the handling procedure (procedure kernel) -------------------------------------------------------------
DECISIONS = (("accept", "受理"), ("reject", "不予受理"), ("forward", "转有关机关办理"))
OUTCOMES = (("substantiated", "属实"), ("partly", "部分属实"), ("unsubstantiated", "不属实"), ("unverifiable", "无法查实"))
METHODS = (("talk", "谈话了解"), ("records", "调阅档案材料"), ("site", "实地核查"), ("joint", "会同有关部门核查"))

define(
    kind=KIND,
    version="2026",
    effective=dt.date(2000, 1, 1),
    source="rules.md §8：受理范围、程序、时限、查核、办结、保密；时限为可配置默认值（受理10个工作日，办结60个工作日，经批准可延长一次30个工作日）",
    title="12380举报办理",
    stages=[Stage("intake", "登记受理"), Stage("verify", "查核"), Stage("close", "办结答复")],
    steps=[
        StepDef("register", "登记", "intake", role="department"),
        StepDef(
            "accept", "受理审查", "intake", role="department",
            fields=(Field("decision", "受理意见", "choice", choices=DECISIONS), Field("forward_to", "转办机关", required=False), Field("reason", "理由", required=False)),
            due=DateRule("register", working_days="accept_within_working_days", note="自登记之日起10个工作日内作出是否受理的决定"),
        ),
        StepDef("assign", "交办", "verify", role="department", fields=(Field("assignee", "承办单位/承办人"),)),
        StepDef("verify", "查核", "verify", role="department", fields=(Field("method", "查核方式", "choice", choices=METHODS),)),
        StepDef(
            "conclude", "办结", "close", role="department",
            fields=(Field("outcome", "查核结论", "choice", choices=OUTCOMES),),
            due=DateRule("accept", working_days="conclude_within_working_days", note="自受理之日起60个工作日内办结"),
            due_limit=DateRule("accept", working_days="conclude_limit_working_days", note="经批准可延长一次，最多30个工作日"),
        ),
        StepDef("reply", "答复举报人", "close", role="department"),
        StepDef("close", "结案归档", "close", role="department"),
    ],
    accept_within_working_days=10,
    conclude_within_working_days=60,
    conclude_limit_working_days=90,
    extension_working_days=30,
    max_extensions=1,
)
