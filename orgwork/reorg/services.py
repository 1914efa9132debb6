"""Collective moves: every write in one transaction, through the services that own each record.

    plan_merge / merge_orgs            two or more orgs become one (合村并组): members, officers, meetings, the
                                        development pipeline and groups move to the target; counters follow each
                                        member; the old orgs are abolished with the reason; nothing is deleted
    plan_bulk_transfer / bulk_transfer  a whole branch's members transferred at once under one letter number: one
                                        transfer record per member, sent and received in the same operation
    plan_split / split_org             one org's members assigned to several orgs, the old one abolished

`plan_*` is the preview: what will move, what stays as history, and what blocks the move. The `*_orgs` /
`bulk_transfer` writes run all-or-nothing: any refusal by any underlying service rolls everything back.
Whoever runs them needs write scope over every org involved (in practice the committee above them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from orgwork.core import audit, params
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, ServiceError
from orgwork.core.fields import subtree_q
from orgwork.core.models import ProcedureInstance, ProcedureStatus
from orgwork.core.normalize import clean_text
from orgwork.lifecycle.models import OPEN_STATUSES, Transfer
from orgwork.lifecycle.services import transfers
from orgwork.meetings import services as meeting_services
from orgwork.meetings.models import AppraisalRound, Meeting
from orgwork.members import services as member_services
from orgwork.members.models import Member, Standing
from orgwork.orgs import services as org_services
from orgwork.orgs.models import ALLOWED_PARENTS, STEP, Org, OrgKind, OrgOfficer
from orgwork.recruitment import services as recruitment_services
from orgwork.recruitment.models import Applicant

from .models import Reorganization, ReorgKind

ON_BOOKS = (Standing.NORMAL, Standing.SUSPENDED)
OPEN = (ProcedureStatus.ACTIVE, ProcedureStatus.PAUSED)


@dataclass
class Plan:
    kind: str
    sources: list[Org]
    targets: list[Org]
    members: list[Member] = field(default_factory=list)
    officers: list[OrgOfficer] = field(default_factory=list)
    groups: list[Org] = field(default_factory=list)
    meetings: int = 0
    applicants: int = 0
    kept: list[str] = field(default_factory=list)  # what stays with the old org, as its history
    warnings: list[str] = field(default_factory=list)
    blockers: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.blockers

    def summary(self) -> dict:
        return {"members": len(self.members), "officers": len(self.officers), "groups": len(self.groups), "meetings": self.meetings, "applicants": self.applicants}


def _common_path(orgs: list[Org]) -> str:
    paths = [o.path for o in orgs]
    prefix = paths[0]
    for p in paths[1:]:
        while not p.startswith(prefix):
            prefix = prefix[:-STEP]
    return prefix


def _check_day(on, errors: list):
    if on is None:
        errors.append(FieldError("on", "required", _("请填写日期")))
    elif on > dt.date.today():
        errors.append(FieldError("on", "future_date", _("日期不能晚于今天")))


def _reason(reason, errors: list) -> str:
    reason = clean_text(reason)
    if not reason:
        errors.append(FieldError("reason", "required", _("请填写原因")))
    return reason[:500]


def _sources(actor: Actor, source_ids, *, lock: bool) -> list[Org]:
    ids = []
    for raw in source_ids or []:
        pk = params.to_id(raw, field="sources", label=_("原党组织"), required=True)
        if pk not in ids:
            ids.append(pk)
    if not ids:
        raise ServiceError.single("sources", "required", _("请选择原党组织"))
    return [params.writable_org(actor, pk, field="sources", label=_("原党组织"), lock=lock) for pk in ids]


def _open_work(plan: Plan, orgs: list[Org], *, allow_recruitment: bool) -> None:
    """What is still being handled at the old orgs and would be stranded there."""
    incoming = Transfer.objects.filter(to_org__in=orgs, status__in=OPEN_STATUSES).select_related("member")
    for t in incoming:
        name = t.member.name if t.member_id else (t.person or {}).get("name", "")
        plan.blockers.append(FieldError("sources", "transfer_in_open", _("%(name)s转入“%(to_org_name)s”的组织关系转接尚未办结，请先接收或退回") % {"name": name, "to_org_name": t.to_org_name}))
    outgoing = Transfer.objects.filter(from_org__in=orgs, status__in=OPEN_STATUSES).count()
    if outgoing:
        plan.warnings.append(_("有%(n)s件转出的组织关系转接尚未办结，仍由原党组织的上级跟踪办理") % {"n": outgoing})
    procedures = ProcedureInstance.objects.filter(org__in=orgs, status__in=OPEN).exclude(kind="recruitment" if allow_recruitment else "")
    for p in procedures.order_by("pk"):
        plan.blockers.append(FieldError("sources", "procedure_open", _("“%(title)s”正在办理，请先办结或终止后再调整") % {"title": p.title}))


def plan_merge(actor: Actor, *, source_ids, target_id, lock: bool = False) -> Plan:
    sources = _sources(actor, source_ids, lock=lock)
    target = params.writable_org(actor, target_id, field="target", label=_("合并后的党组织"), lock=lock)
    plan = Plan(ReorgKind.MERGE, sources, [target])
    for src in sources:
        if src.pk == target.pk:
            plan.blockers.append(FieldError("sources", "bad_value", _("“%(name)s”既是原党组织又是合并后的党组织") % {"name": src.name}))
        elif target.path.startswith(src.path) or src.path.startswith(target.path):
            plan.blockers.append(FieldError("sources", "bad_value", _("“%(name)s”与“%(name2)s”是上下级关系，不能合并") % {"name": src.name, "name2": target.name}))
        children = list(Org.objects.filter(parent=src, abolished_on__isnull=True).order_by("path"))
        for child in children:
            if child.kind != OrgKind.GROUP:
                plan.blockers.append(FieldError("sources", "has_children", _("“%(name)s”下设“%(name2)s”，请先调整其隶属关系") % {"name": src.name, "name2": child.name}))
            elif target.kind not in ALLOWED_PARENTS[OrgKind.GROUP]:
                plan.blockers.append(FieldError("target", "bad_parent", _("“%(name)s”是党小组，只能并入党支部") % {"name": child.name}))
            else:
                plan.groups.append(child)
    plan.members = list(Member.objects.filter(org__in=sources, standing__in=ON_BOOKS).select_related("org").order_by("org__path", "pk"))
    plan.officers = list(OrgOfficer.objects.filter(org__in=sources, ended_on__isnull=True).select_related("org").order_by("org__path", "post", "pk"))
    plan.meetings = Meeting.objects.filter(org__in=sources).count()
    plan.applicants = Applicant.objects.filter(org__in=sources).count()
    if plan.applicants and not target.is_branch:
        plan.blockers.append(FieldError("target", "not_a_branch", _("原党组织有%(applicants)s名发展党员对象，只能并入党支部") % {"applicants": plan.applicants}))
    _open_work(plan, sources, allow_recruitment=True)
    rounds = AppraisalRound.objects.filter(org__in=sources).count()
    if rounds:
        plan.kept.append(_("民主评议%(n)s次（每个党组织每年一次，作为原党组织的历史保留）") % {"n": rounds})
    gone = Member.objects.filter(org__in=sources).exclude(standing__in=ON_BOOKS).count()
    if gone:
        plan.kept.append(_("已出党、去世、转出等不在册人员记录%(n)s条（保留在原党组织名下）") % {"n": gone})
    return plan


@transaction.atomic
def merge_orgs(*, actor: Actor, source_ids, target_id, on: dt.date | None, reason: str, document: str = "") -> Reorganization:
    errors: list[FieldError] = []
    _check_day(on, errors)
    reason = _reason(reason, errors)
    if errors:
        raise ServiceError(errors)
    plan = plan_merge(actor, source_ids=source_ids, target_id=target_id, lock=True)
    if plan.blockers:
        raise ServiceError(plan.blockers)
    target = plan.targets[0]
    moved: dict = {"members": [], "officers": [], "meetings": [], "applicants": [], "groups": []}
    for m in plan.members:
        member_services.move_member(actor=actor, member_id=m.pk, org_id=target.pk, on=on, reason=f"党组织合并：{m.org.name}并入{target.name}。{reason}"[:500])
        moved["members"].append({"id": m.pk, "name": m.name, "from": m.org_id})
    for seat in plan.officers:
        org_services.end_officer(actor=actor, officer_id=seat.pk, on=on, reason=f"党组织合并，并入{target.name}"[:200])
        new = org_services.appoint_officer(actor=actor, org_id=target.pk, name=seat.name, post=seat.post, member_id=seat.member_id, started_on=on)
        moved["officers"].append({"old": seat.pk, "new": new.pk, "name": seat.name, "post": seat.post, "from": seat.org_id})
    for group in plan.groups:
        org_services.move_org(actor=actor, org_id=group.pk, new_parent_id=target.pk)
        moved["groups"].append({"id": group.pk, "name": group.name, "from": group.parent_id})
    for src in plan.sources:
        for mid in meeting_services.reassign_org(actor=actor, from_org_id=src.pk, to_org_id=target.pk, reason=f"{src.name}并入{target.name}"):
            moved["meetings"].append({"id": mid, "from": src.pk, "from_name": src.name})
        if Applicant.objects.filter(org=src).exists():
            for aid in recruitment_services.reassign_org(actor=actor, from_org_id=src.pk, to_org_id=target.pk, reason=f"{src.name}并入{target.name}"):
                moved["applicants"].append({"id": aid, "from": src.pk})
    for src in plan.sources:
        org_services.abolish_org(actor=actor, org_id=src.pk, on=on, reason=f"并入{target.name}：{reason}"[:500])
    return _record(actor, plan, on=on, reason=reason, document=document, moved=moved)


def _record(actor: Actor, plan: Plan, *, on, reason, document, moved) -> Reorganization:
    r = Reorganization.objects.create(
        kind=plan.kind,
        done_on=on,
        reason=reason,
        document=clean_text(document)[:120],
        scope_path=_common_path(plan.sources + plan.targets),
        sources=[{"id": o.pk, "name": o.name, "path": o.path} for o in plan.sources],
        targets=[{"id": o.pk, "name": o.name} for o in plan.targets],
        moved=audit.to_json(moved),
        summary={k: len(v) for k, v in moved.items()},
        actor_id=actor.user_id,
        actor_label=actor.label,
    )
    audit.record(actor, f"reorg.{plan.kind}", r, data={"summary": r.summary, "sources": [o.pk for o in plan.sources], "targets": [o.pk for o in plan.targets], "reason": reason})
    return r


# --- a whole branch transferred at once ---------------------------------------------------------------------


def plan_bulk_transfer(actor: Actor, *, from_org_id, to_org_id) -> Plan:
    source = params.writable_org(actor, from_org_id, field="from_org", label=_("转出党组织"))
    target = transfers._target_org(params.to_id(to_org_id, field="to_org", label=_("接收党组织"), required=True))
    plan = Plan(ReorgKind.BULK_TRANSFER, [source], [target])
    if target.pk == source.pk or target.path.startswith(source.path):
        plan.blockers.append(FieldError("to_org", "bad_value", _("接收党组织不能是转出党组织或其下级")))
    plan.members = list(Member.objects.filter(subtree_q(source.path, "org__path"), standing=Standing.NORMAL).select_related("org").order_by("pk"))
    if not plan.members:
        plan.blockers.append(FieldError("from_org", "no_members", _("“%(name)s”没有在册党员可以转接") % {"name": source.name}))
    busy = dict(Transfer.objects.filter(member__in=plan.members, status__in=OPEN_STATUSES).values_list("member_id", "member__name"))
    for name in busy.values():
        plan.blockers.append(FieldError("members", "transfer_open", _("%(name)s有尚未办结的组织关系转接") % {"name": name}))
    others = Member.objects.filter(subtree_q(source.path, "org__path"), standing=Standing.SUSPENDED).count()
    if others:
        plan.warnings.append(_("停止党籍的党员%(n)s人不随同转接，仍留在原党组织") % {"n": others})
    return plan


@transaction.atomic
def bulk_transfer(*, actor: Actor, from_org_id, to_org_id, on: dt.date | None, reason: str, letter_no: str) -> Reorganization:
    """One letter, one roster, one operation: each member's transfer is started and received; any refusal undoes all."""
    errors: list[FieldError] = []
    _check_day(on, errors)
    reason = _reason(reason, errors)
    letter_no = clean_text(letter_no)[:120]
    if not letter_no:
        errors.append(FieldError("letter_no", "required", _("请填写介绍信编号")))
    if errors:
        raise ServiceError(errors)
    source = params.writable_org(actor, from_org_id, field="from_org", label=_("转出党组织"), lock=True)
    plan = Plan(ReorgKind.BULK_TRANSFER, [source], [transfers._target_org(params.to_id(to_org_id, field="to_org", label=_("接收党组织"), required=True))])
    target = plan.targets[0]
    if target.pk == source.pk or target.path.startswith(source.path):
        raise ServiceError.single("to_org", "bad_value", _("接收党组织不能是转出党组织或其下级"))
    plan.members = list(Member.objects.filter(subtree_q(source.path, "org__path"), standing=Standing.NORMAL).select_related("org").order_by("pk"))
    if not plan.members:
        raise ServiceError.single("from_org", "no_members", _("“%(name)s”没有在册党员可以转接") % {"name": source.name})
    moved: dict = {"members": [], "transfers": []}
    for m in plan.members:
        # Each member through the ordinary transfer: its own checks (open transfers, standing) apply to every row.
        try:
            t = transfers.start_within(actor=actor, member_id=m.pk, to_org_id=target.pk, reason=f"整建制转接（{letter_no}）：{reason}"[:500], on=on)
            transfers.receive(actor=actor, transfer_id=t.pk, on=on, comment=f"整建制转接，介绍信{letter_no}")
        except ServiceError as exc:
            raise ServiceError([FieldError("members", e.code, _("%(name)s：%(message)s，整建制转接未办理（全部未转）") % {"name": m.name, "message": e.message}) for e in exc.errors]) from None
        moved["members"].append({"id": m.pk, "name": m.name, "from": m.org_id})
        moved["transfers"].append(t.pk)
    return _record(actor, plan, on=on, reason=reason, document=letter_no, moved=moved)


# --- one org split into several ----------------------------------------------------------------------------


def plan_split(actor: Actor, *, source_id, assignments: dict) -> Plan:
    source = params.writable_org(actor, source_id, field="source", label=_("原党组织"))
    target_ids = sorted({params.to_id(v, field="assignments", label=_("去向党组织"), required=True) for v in assignments.values()})
    targets = [params.writable_org(actor, pk, field="assignments", label=_("去向党组织")) for pk in target_ids]
    plan = Plan(ReorgKind.SPLIT, [source], targets)
    for t in targets:
        if t.pk == source.pk or t.path.startswith(source.path):
            plan.blockers.append(FieldError("assignments", "bad_value", _("“%(name)s”是原党组织或其下级，不能作为去向") % {"name": t.name}))
    children = Org.objects.filter(parent=source, abolished_on__isnull=True).exclude(kind=OrgKind.GROUP)
    for child in children:
        plan.blockers.append(FieldError("source", "has_children", _("“%(name)s”下设“%(name2)s”，请先调整其隶属关系") % {"name": source.name, "name2": child.name}))
    plan.groups = list(Org.objects.filter(parent=source, kind=OrgKind.GROUP, abolished_on__isnull=True))
    plan.members = list(Member.objects.filter(subtree_q(source.path, "org__path"), standing__in=ON_BOOKS).select_related("org").order_by("pk"))
    wanted = {params.to_id(k, field="assignments", label=_("党员"), required=True): params.to_id(v, field="assignments", label=_("去向党组织"), required=True) for k, v in assignments.items()}
    on_books = {m.pk for m in plan.members}
    for m in plan.members:
        if m.pk not in wanted:
            plan.blockers.append(FieldError("assignments", "unassigned", _("%(name)s未确定去向党组织") % {"name": m.name}))
    for pk in set(wanted) - on_books:
        plan.blockers.append(FieldError("assignments", "not_in_org", _("党员#%(pk)s不是“%(name)s”的在册党员") % {"pk": pk, "name": source.name}))
    plan.officers = list(OrgOfficer.objects.filter(org=source, ended_on__isnull=True).order_by("post", "pk"))
    plan.meetings = Meeting.objects.filter(subtree_q(source.path, "org__path")).count()
    if plan.meetings:
        plan.kept.append(_("组织生活记录%(n)s次（作为原党组织的历史保留）") % {"n": plan.meetings})
    _open_work(plan, [source, *plan.groups], allow_recruitment=False)
    applicants = Applicant.objects.filter(org=source, procedure__status__in=OPEN).count()
    if applicants:
        plan.blockers.append(FieldError("source", "applicants_open", _("原党组织有%(applicants)s名发展党员对象正在培养，请先明确其所在党支部") % {"applicants": applicants}))
    return plan


@transaction.atomic
def split_org(*, actor: Actor, source_id, assignments: dict, on: dt.date | None, reason: str, document: str = "") -> Reorganization:
    """Every member on the books goes to one of the targets; officers keep their post where their member goes."""
    errors: list[FieldError] = []
    _check_day(on, errors)
    reason = _reason(reason, errors)
    if errors:
        raise ServiceError(errors)
    plan = plan_split(actor, source_id=source_id, assignments=assignments)
    if plan.blockers:
        raise ServiceError(plan.blockers)
    source = plan.sources[0]
    where = {int(k): int(v) for k, v in assignments.items()}
    names = {t.pk: t.name for t in plan.targets}
    moved: dict = {"members": [], "officers": [], "groups": []}
    for m in plan.members:
        member_services.move_member(actor=actor, member_id=m.pk, org_id=where[m.pk], on=on, reason=f"党组织拆分：{source.name}拆分，转入{names[where[m.pk]]}。{reason}"[:500])
        moved["members"].append({"id": m.pk, "name": m.name, "from": m.org_id, "to": where[m.pk]})
    for seat in plan.officers:
        org_services.end_officer(actor=actor, officer_id=seat.pk, on=on, reason="党组织拆分")
        entry = {"old": seat.pk, "name": seat.name, "post": seat.post}
        if seat.member_id in where:
            new = org_services.appoint_officer(actor=actor, org_id=where[seat.member_id], name=seat.name, post=seat.post, member_id=seat.member_id, started_on=on)
            entry["new"] = new.pk
        moved["officers"].append(entry)
    for group in plan.groups:
        org_services.abolish_org(actor=actor, org_id=group.pk, on=on, reason=f"{source.name}拆分：{reason}"[:500])
        moved["groups"].append({"id": group.pk, "name": group.name})
    org_services.abolish_org(actor=actor, org_id=source.pk, on=on, reason=f"拆分：{reason}"[:500])
    return _record(actor, plan, on=on, reason=reason, document=document, moved=moved)
