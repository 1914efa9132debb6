"""Transfers of organizational relations (组织关系转接) as procedures on the kernel (core.procedures).

transfer_within   send (转出党组织发起转接) → receive (接收党组织接收, within `receive_within_days` of the send)
                  optional version "2019-approval" (an org's subtree chooses it with core.procedures.set_version):
                  send → approve (转出方上级党委审核) → receive
transfer_out      letter (开具组织关系介绍信) → receipt (回执返回, within `receipt_return_months` of the letter)
transfer_in       register (登记转入介绍信: letter number, late arrival and its reason, the lapse flag) → receive
                  (within the letter's validity: the due date is the letter's own, set when registered)
transfer_request  ask (党员在手机上提出申请) → accept (党支部受理: the destination confirmed, a within-county branch or
                  an outside organization for a letter; the transfer then starts). Declined = terminated with the reason.

条例第二十五条: the receiving side may not refuse (不得拒绝接收); it returns the transfer for correction (return_step
back to the first step) with the reason, and the sending side corrects and sends it again. The services in
lifecycle/services/transfers.py drive these instances (every transition is a kernel step, return or termination);
the `Transfer` row is the transfer's register entry (both sides' paths, letter data), its status a projection of the
instance kept in the same transaction.

The numbers are the lifecycle.transfer rule set's (rules.py), copied into each procedure version's values.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from orgwork.core import procedures as proc

from .rules import TRANSFERS_2019

SOURCE = TRANSFERS_2019.source
ARTICLE = "党员教育管理工作条例第二十五条"
NUMBERS = {k: TRANSFERS_2019[k] for k in ("receive_within_days", "receipt_return_months", "letter_valid_max_months", "late_letter_lapse_months")}

WITHIN, OUT, IN, REQUEST = "transfer_within", "transfer_out", "transfer_in", "transfer_request"
KINDS = (WITHIN, OUT, IN)

SEND = proc.StepDef(
    "send", gettext_lazy("转出党组织发起转接"), "send",
    fields=(proc.Field("to_org_name", gettext_lazy("接收党组织")), proc.Field("reason", gettext_lazy("转接原因"))),
    # no due date on the first send; returned for correction, the sender resends within the receiving side's days
    due=proc.DateRule(proc.RETURNED, days="receive_within_days", note=gettext_lazy("退回补正的，转出党组织应及时补正后重新发起")),
    article=ARTICLE,
)  # fmt: skip
APPROVE = proc.StepDef("approve", gettext_lazy("转出方上级党委审核"), "send", role="committee", fields=(proc.Field("opinion", gettext_lazy("审核意见"), required=False),), article=ARTICLE)


def _receive(after: str) -> proc.StepDef:
    return proc.StepDef(
        "receive", gettext_lazy("接收党组织接收"), "receive",
        due=proc.DateRule(after, days="receive_within_days", note=gettext_lazy("接收方应及时办理接收，不得拒绝接收；有问题的退回补正并说明原因")),
        article=ARTICLE,
    )  # fmt: skip


STAGES_WITHIN = (proc.Stage("send", gettext_lazy("转出")), proc.Stage("receive", gettext_lazy("接收")))

WITHIN_2019 = proc.define(
    kind=WITHIN, version="2019", effective=TRANSFERS_2019.effective, source=SOURCE, title=gettext_lazy("组织关系转接（系统内）"),
    stages=STAGES_WITHIN, steps=(SEND, _receive("send")), **NUMBERS,
)  # fmt: skip
WITHIN_2019_APPROVAL = proc.define(
    kind=WITHIN, version="2019-approval", effective=TRANSFERS_2019.effective, source=SOURCE + "；本地做法：转出须经上级党委审核",
    title=gettext_lazy("组织关系转接（系统内，上级党委审核）"), stages=STAGES_WITHIN, steps=(SEND, APPROVE, _receive("approve")), optional=True, **NUMBERS,
)  # fmt: skip

OUT_2019 = proc.define(
    kind=OUT, version="2019", effective=TRANSFERS_2019.effective, source=SOURCE, title=gettext_lazy("组织关系转出（介绍信）"),
    stages=(proc.Stage("letter", gettext_lazy("开具介绍信")), proc.Stage("receipt", gettext_lazy("回执"))),
    steps=(
        proc.StepDef(
            "letter", gettext_lazy("开具组织关系介绍信"), "letter",
            fields=(proc.Field("letter_number", gettext_lazy("介绍信编号")), proc.Field("to_org_name", gettext_lazy("接收党组织")), proc.Field("valid_until", gettext_lazy("有效期至"), "date"), proc.Field("reason", gettext_lazy("转接原因"))),
            article=ARTICLE,
        ),
        proc.StepDef(
            "receipt", gettext_lazy("介绍信回执返回"), "receipt",
            due=proc.DateRule("letter", months="receipt_return_months", note=gettext_lazy("回执应在1个月内返回")),
            article=ARTICLE,
        ),
    ),
    **NUMBERS,
)  # fmt: skip

IN_2019 = proc.define(
    kind=IN, version="2019", effective=TRANSFERS_2019.effective, source=SOURCE + "；《中国共产党章程》第九条", title=gettext_lazy("组织关系转入（介绍信）"),
    stages=(proc.Stage("register", gettext_lazy("登记")), proc.Stage("receive", gettext_lazy("接收"))),
    steps=(
        proc.StepDef(
            "register", gettext_lazy("登记转入介绍信"), "register",
            fields=(
                proc.Field("letter_number", gettext_lazy("介绍信编号")),
                proc.Field("from_org_name", gettext_lazy("转出党组织")),
                proc.Field("valid_until", gettext_lazy("有效期至"), "date"),
                proc.Field("late_days", gettext_lazy("逾期天数"), "int", required=False),
                proc.Field("late_reason", gettext_lazy("逾期原因"), required=False),
                proc.Field("lapse_flagged", gettext_lazy("需按党章第九条研究"), "bool", required=False),
            ),
            article=ARTICLE,
        ),
        # the due date is the letter's validity, stored on the instance when registered (data "extensions")
        proc.StepDef("receive", gettext_lazy("接收党组织接收"), "receive", article=ARTICLE + "；党章第九条（逾期超过6个月的，由支部研究）"),
    ),
    **NUMBERS,
)  # fmt: skip

DESTINATIONS = (("within", gettext_lazy("本县（系统内）党支部")), ("out", gettext_lazy("系统外党组织（开具介绍信）")))

REQUEST_2019 = proc.define(
    kind=REQUEST, version="2019", effective=TRANSFERS_2019.effective, source=SOURCE, title=gettext_lazy("党员申请转接组织关系"),
    stages=(proc.Stage("ask", gettext_lazy("申请")), proc.Stage("accept", gettext_lazy("受理"))),
    steps=(
        proc.StepDef("ask", gettext_lazy("党员提出申请"), "ask", fields=(proc.Field("destination", gettext_lazy("转入单位或党组织")), proc.Field("text", gettext_lazy("转接原因及联系方式"), required=False)), article=ARTICLE),
        proc.StepDef(
            "accept", gettext_lazy("党支部受理并发起转接"), "accept",
            fields=(proc.Field("destination", gettext_lazy("转往"), "choice", choices=DESTINATIONS), proc.Field("to_org_name", gettext_lazy("接收党组织")), proc.Field("transfer", gettext_lazy("转接编号"), "int")),
            article=ARTICLE,
        ),
    ),
    **NUMBERS,
)  # fmt: skip
