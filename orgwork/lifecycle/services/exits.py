"""Entry and exit (能进能出) on the procedure kernel: each a procedure with its steps, approvals and reasons.

停止党籍 (suspension), 除名 (removal), 劝退 (persuasion to leave), 自行脱党 (self-exit, after the 6-month flags),
退党 (voluntary withdrawal), 去世 (death), 恢复党籍 (restoration) and 限期改正 (rectification within a set time,
at most 1 year). The branch proposes and its general meeting decides; the next committee up approves; the
approval's hook applies the status change through the member service, so the member's standing history,
counters and audit follow. 党章第九条; 《中国共产党党员教育管理工作条例》（2019）第二十八至三十一条.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgwork.core import procedures as proc
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, ServiceError
from orgwork.core.models import ProcedureInstance, ProcedureStatus
from orgwork.core.normalize import add_months
from orgwork.core.rules import more_than_share, share_words
from orgwork.core.scope import scope
from orgwork.members import services as member_services
from orgwork.members.models import Member, Standing, StatusAction

from ..rules import EXIT_2019, exit_rules

SOURCE = "《中国共产党章程》第九条；《中国共产党党员教育管理工作条例》（2019）第二十八至三十一条"
EFFECTIVE = dt.date(2019, 5, 6)

KINDS = {
    # kind: (title, member standings it applies to, status action on approval)
    "suspension": (gettext_lazy("停止党籍"), {Standing.NORMAL}, StatusAction.SUSPEND),
    "removal": (gettext_lazy("除名"), {Standing.NORMAL, Standing.SUSPENDED}, StatusAction.REMOVE),
    "persuasion": (gettext_lazy("劝退"), {Standing.NORMAL}, StatusAction.EXIT),
    "self_exit": (gettext_lazy("自行脱党除名"), {Standing.NORMAL}, StatusAction.REMOVE),
    "withdrawal": (gettext_lazy("退党"), {Standing.NORMAL}, StatusAction.EXIT),
    "death": (gettext_lazy("去世"), {Standing.NORMAL, Standing.SUSPENDED}, StatusAction.DECEASE),
    "restoration": (gettext_lazy("恢复党籍"), {Standing.SUSPENDED}, StatusAction.RESTORE),
    "rectification": (gettext_lazy("限期改正"), {Standing.NORMAL}, None),
}

DECISION = proc.Field("decision", gettext_lazy("审批意见"), "choice", choices=(("approve", gettext_lazy("批准")), ("reject", gettext_lazy("不批准"))))
MEETING = proc.StepDef(
    "meeting",
    gettext_lazy("支部党员大会讨论决定"),
    "decide",
    fields=(
        proc.Field("meeting_on", gettext_lazy("会议日期"), "date"),
        proc.Field("entitled", gettext_lazy("应到有表决权的正式党员数"), "int"),
        proc.Field("present", gettext_lazy("实到"), "int"),
        proc.Field("votes_for", gettext_lazy("赞成票"), "int"),
    ),
    gates=("exit.meeting_majority",),
    article="支部工作条例：支部党员大会讨论决定，到会和赞成均须超过应到会有表决权党员的半数",
)
APPROVE = proc.StepDef("approve", gettext_lazy("上级党委审批"), "decide", role="committee", fields=(DECISION,), on_complete=("exit.apply",), locks=True, article="党章第九条、第三十八条")
STAGES = (proc.Stage("propose", gettext_lazy("提出")), proc.Stage("decide", gettext_lazy("决定")))


def _propose(title, *, extra=()):
    return proc.StepDef("propose", title, "propose", fields=(proc.Field("reason", gettext_lazy("事实和理由")), *extra))


STEPS = {
    "suspension": (
        _propose(gettext_lazy("支部提出停止党籍意见"), extra=(proc.Field("lost_contact_since", gettext_lazy("失去联系/出国（境）日期"), "date", required=False),)),
        MEETING,
        APPROVE,
    ),
    "removal": (
        _propose(gettext_lazy("支部提出除名意见")),
        proc.StepDef("notify", gettext_lazy("告知本人并听取意见"), "propose", fields=(proc.Field("member_statement", gettext_lazy("本人意见或申辩"), required=False),)),
        MEETING,
        APPROVE,
    ),
    "persuasion": (
        _propose(gettext_lazy("支部教育帮助后提出劝退意见")),
        proc.StepDef(
            "talk",
            gettext_lazy("劝其退党谈话"),
            "propose",
            fields=(proc.Field("outcome", gettext_lazy("本人态度"), "choice", choices=(("agrees", gettext_lazy("同意退党")), ("refuses", gettext_lazy("坚持不退")))),),
            article="党章第九条：经教育仍无转变的，应劝其退党；劝而不退的，除名",
        ),
        MEETING,
        APPROVE,
    ),
    "self_exit": (
        proc.StepDef(
            "verify",
            gettext_lazy("支部核实情况"),
            "propose",
            fields=(
                proc.Field("grounds", gettext_lazy("情形"), "choice", choices=(("dues", gettext_lazy("连续6个月不交纳党费")), ("life", gettext_lazy("连续6个月不参加组织生活")), ("work", gettext_lazy("连续6个月不做党所分配的工作")))),
                proc.Field("good_reason", gettext_lazy("是否有正当理由"), "bool"),
                proc.Field("reason", gettext_lazy("核实情况")),
            ),
            gates=("exit.no_good_reason",),
            article="党章第九条：无正当理由连续6个月不参加组织生活、不交纳党费或不做分配的工作，视为自行脱党",
        ),
        MEETING,
        APPROVE,
    ),
    "withdrawal": (
        proc.StepDef("request", gettext_lazy("本人提出退党"), "propose", fields=(proc.Field("requested_on", gettext_lazy("申请日期"), "date"), proc.Field("reason", gettext_lazy("本人理由")))),
        MEETING,
        APPROVE,
    ),
    "death": (
        proc.StepDef(
            "report",
            gettext_lazy("支部报告党员去世"),
            "propose",
            fields=(proc.Field("died_on", gettext_lazy("去世日期"), "date"), proc.Field("reason", gettext_lazy("情况说明"))),
            on_complete=("exit.apply",),
            locks=True,
        ),
    ),
    "restoration": (
        _propose(gettext_lazy("支部提出恢复党籍意见（已恢复联系、符合条件）")),
        MEETING,
        APPROVE,
    ),
    "rectification": (
        proc.StepDef(
            "decide",
            gettext_lazy("支部决定限期改正"),
            "propose",
            fields=(proc.Field("reason", gettext_lazy("存在的问题")), proc.Field("deadline", gettext_lazy("改正期限"), "date")),
            gates=("exit.rectification_deadline",),
            article="党员教育管理工作条例第29条：限期改正，期限最长不超过1年",
        ),
        proc.StepDef(
            "outcome",
            gettext_lazy("期满评议改正情况"),
            "decide",
            fields=(proc.Field("outcome", gettext_lazy("改正情况"), "choice", choices=(("corrected", gettext_lazy("已改正")), ("not_corrected", gettext_lazy("经教育仍无转变")))), proc.Field("reason", gettext_lazy("评议意见"))),
            due=proc.DateRule("decide", months="rectification_max_months", note=gettext_lazy("自决定之日起最长1年")),
        ),
    ),
}

for _kind, (_title, _standings, _action) in KINDS.items():
    proc.define(
        kind=f"member_{_kind}",
        version="2019",
        effective=EFFECTIVE,
        source=SOURCE,
        title=_title,
        stages=STAGES,
        steps=STEPS[_kind],
        **{k: v for k, v in EXIT_2019.values.items() if isinstance(v, int)},
    )


# 开除党籍: decided under the discipline rules (orgwork.discipline records the sanction, its body and document);
# this procedure is how the registry learns of it, the same way as every other exit.
proc.define(
    kind="member_expulsion",
    version="2019",
    effective=EFFECTIVE,
    source="《中国共产党章程》第四十条；《中国共产党纪律处分条例》；" + SOURCE,
    title=gettext_lazy("开除党籍"),
    stages=STAGES,
    steps=(
        proc.StepDef(
            "record",
            gettext_lazy("登记开除党籍处分决定"),
            "decide",
            role="committee",
            fields=(proc.Field("reason", gettext_lazy("处分决定")), proc.Field("decided_by", gettext_lazy("作出决定的机关")), proc.Field("document", gettext_lazy("处分决定文号"))),
            documents=("处分决定",),
            on_complete=("exit.expel",),
            locks=True,
            article="党章第四十条；纪律处分条例第十三条",
        ),
    ),
)


@proc.hook("exit.expel")
def expel(ctx, record):
    member_services.change_status(
        actor=ctx.actor, member_id=int(ctx.instance.subject_id), action=StatusAction.EXIT, on=ctx.done_on,
        reason=f"开除党籍（办理事项#{ctx.instance.pk}）：{ctx.data.get('reason', '')}"[:500],
    )


@proc.gate("exit.meeting_majority")
def meeting_majority(ctx):
    from orgwork.discipline.selectors import voting_basis

    basis = voting_basis(ctx.instance.org, on=ctx.data.get("meeting_on") or ctx.done_on)
    ctx.data["entitled_note"] = basis.note()
    entitled, present, votes = ctx.data.get("entitled") or 0, ctx.data.get("present") or 0, ctx.data.get("votes_for") or 0
    errors = basis.check(ctx.data.get("entitled"), label=_("应到有表决权的正式党员数"))
    if errors:
        return errors
    if entitled <= 0:
        errors.append(FieldError("entitled", "bad_value", _("应到人数应大于0")))
    elif not more_than_share(present, entitled, quorum := exit_rules(on=ctx.done_on)["meeting_quorum_share"]):
        errors.append(FieldError("present", "no_quorum", _("实到%(present)s人，未超过应到%(entitled)s人的%(share)s") % {"present": present, "entitled": entitled, "share": share_words(quorum)}))
    elif not more_than_share(votes, entitled, passing := exit_rules(on=ctx.done_on)["meeting_pass_share"]):
        errors.append(FieldError("votes_for", "not_carried", _("赞成%(votes)s票，未超过应到%(entitled)s人的%(share)s") % {"votes": votes, "entitled": entitled, "share": share_words(passing)}))
    if votes > present:
        errors.append(FieldError("votes_for", "bad_value", _("赞成票不能多于实到人数")))
    meeting_on = ctx.data.get("meeting_on")
    if meeting_on and meeting_on > ctx.done_on:
        errors.append(FieldError("meeting_on", "date_order", _("会议日期不能晚于办理日期")))
    return errors


@proc.gate("exit.no_good_reason")
def no_good_reason(ctx):
    if ctx.data.get("good_reason"):
        return [FieldError("good_reason", "good_reason", _("有正当理由的，不能视为自行脱党"))]
    return []


@proc.gate("exit.rectification_deadline")
def rectification_deadline(ctx):
    deadline = ctx.data.get("deadline")
    longest = add_months(ctx.done_on, ctx.value("rectification_max_months"))
    if deadline is None or deadline <= ctx.done_on:
        return [FieldError("deadline", "date_order", _("改正期限应晚于决定日期"))]
    if deadline > longest:
        return [FieldError("deadline", "too_long", _("限期改正的期限最长不超过%(months)s个月（至%(year)s年%(month)02d月%(day)02d日）") % {"months": ctx.value("rectification_max_months"), "year": longest.year, "month": longest.month, "day": longest.day})]
    return []


@proc.hook("exit.apply")
def apply_decision(ctx, record):
    """Approved (or a death reported): the member's standing changes through the member service."""
    if ctx.data.get("decision", "approve") != "approve":
        return
    kind = ctx.instance.kind.removeprefix("member_")
    action = KINDS[kind][2]
    if kind == "persuasion" and ctx.data_of("talk").get("outcome") == "refuses":
        action = StatusAction.REMOVE  # 劝而不退的，除名
    reasons = [ctx.data_of(k).get("reason") for k in ("propose", "verify", "request", "report")]
    reason = next((r for r in reasons if r), "") or ctx.data.get("reason", "")
    on = ctx.data.get("died_on") if kind == "death" else ctx.done_on
    member_services.change_status(actor=ctx.actor, member_id=int(ctx.instance.subject_id), action=action, on=on, reason=f"{KINDS[kind][0]}（办理事项#{ctx.instance.pk}）：{reason}"[:500])


def open_instances(member_id) -> list[ProcedureInstance]:
    return list(
        ProcedureInstance.objects.filter(
            subject_type="members.member", subject_id=str(member_id), kind__in=[f"member_{k}" for k in KINDS], status__in=[ProcedureStatus.ACTIVE, ProcedureStatus.PAUSED]
        )
    )


@transaction.atomic
def start(*, actor: Actor, member_id: int, kind: str, on: dt.date, data: dict | None = None, today: dt.date | None = None) -> ProcedureInstance:
    """Open an exit (or restoration, rectification) procedure for a member; the branch then completes its steps."""
    if kind not in KINDS:
        raise ServiceError.single("kind", "bad_value", _("未知的事项类型“%(kind)s”") % {"kind": kind})
    try:
        member = scope(Member.objects.select_for_update().select_related("org"), actor, write=True).get(pk=member_id)
    except (Member.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    title, standings, _action = KINDS[kind]
    if member.standing not in standings:
        raise ServiceError.single("member", "not_allowed", _("党籍状态为“%(standing)s”的党员不能办理%(title)s") % {"standing": member.get_standing_display(), "title": title})
    if any(i.kind == f"member_{kind}" for i in open_instances(member.pk)):
        raise ServiceError.single("member", "duplicate_existing", _("该党员已有办理中的“%(title)s”事项") % {"title": title})
    return proc.start(actor=actor, kind=f"member_{kind}", org_id=member.org_id, title=f"{member.name}·{title}", on=on, subject=member, data=data or {})
