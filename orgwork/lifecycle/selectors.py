"""Every lifecycle read, scoped to the actor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from orgwork.core.actor import Actor
from orgwork.core.fields import subtree_q
from orgwork.core.models import ProcedureInstance, ProcedureStatus, StepAction, StepRecord
from orgwork.core.normalize import add_months
from orgwork.core.procedures import instances
from orgwork.core.scope import scope
from orgwork.orgs.models import Org

from .models import EVENT_ACTIONS, EVENT_SIDES, MobileRegistration, MobileStatus, Transfer, TransferKind, TransferStatus
from .procedures import REQUEST
from .rules import mobile_rules
from .services.exits import KINDS
from .services.mobile import away_flag_on, no_contact_flag_on


def transfers(actor: Actor, *, under: Org | None = None) -> QuerySet[Transfer]:
    """Both sides see a transfer: the sender's subtree and the receiver's (and the member their own)."""
    qs = Transfer.objects.select_related("member", "from_org__parent", "to_org__parent")
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "from_path") | subtree_q(under.path, "to_path"))
    if actor is None or not actor.is_authenticated:
        return qs.none()
    if actor.unrestricted:
        return qs
    cond = Q(pk__in=[])
    for p in actor.subtree_paths():
        cond |= subtree_q(p, "from_path") | subtree_q(p, "to_path")
    if actor.self_member_ids:
        cond |= Q(member_id__in=actor.self_member_ids)
    return qs.filter(cond)


def get_transfer(actor: Actor, transfer_id) -> Transfer:
    from orgwork.core.errors import NotFound

    try:
        return transfers(actor).get(pk=transfer_id)
    except (Transfer.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


@dataclass
class TransferStep:
    """One line of a transfer's history, read from its procedure's step records (who, when, which side, comment)."""

    seq: int
    action: str
    side: str
    done_on: dt.date
    comment: str
    actor: object
    actor_label: str
    recorded_at: object
    valid: bool = True

    @property
    def action_label(self) -> str:
        return str(EVENT_ACTIONS.get(self.action, self.action))

    @property
    def side_label(self) -> str:
        return str(EVENT_SIDES.get(self.side, self.side))


class Steps(list):
    """A transfer's history: a list that also answers count() and get() (the single line) like the old queryset."""

    def count(self, *args) -> int:
        return len(self) if not args else list.count(self, *args)

    def get(self) -> TransferStep:
        if len(self) != 1:
            raise ValueError(f"{len(self)} history lines, not one")
        return self[0]


_STEP_ACTIONS = {"send": "start", "approve": "approve", "receive": "receive", "letter": "letter", "receipt": "receipt", "register": "register"}
_STEP_SIDES = {"send": "sending", "approve": "sending", "letter": "sending", "receipt": "sending", "receive": "receiving", "register": "receiving"}


def events(transfer: Transfer) -> Steps:
    """The transfer's history from its procedure's record (superseded steps included: the record keeps what was
    returned and why). The kernel's own start line is left out: the first step says who started it."""
    if transfer.procedure_id is None:
        return Steps(
            TransferStep(e.pk, e.action, e.side, e.done_on, e.comment, e.actor, e.actor_label, e.recorded_at)
            for e in transfer.events.select_related("actor").order_by("id")
        )
    incoming = transfer.kind == TransferKind.IN
    out = Steps()
    returned = False
    for r in StepRecord.objects.filter(instance_id=transfer.procedure_id).select_related("actor").order_by("seq"):
        if r.action == StepAction.START:
            continue
        if r.action == StepAction.COMPLETE:
            action = _STEP_ACTIONS.get(r.step, r.step)
            if r.step == "send" and returned:
                action = "resubmit"
            side = _STEP_SIDES.get(r.step, "")
        elif r.action == StepAction.RETURN:
            action, side, returned = "return", "receiving", True
        elif r.action == StepAction.TERMINATE:
            action, side = "cancel", "receiving" if incoming else "sending"
        else:
            action, side = r.get_action_display(), ""
        out.append(TransferStep(r.seq, action, side, r.done_on, r.comment, r.actor, r.actor_label, r.recorded_at, r.valid))
    return out


def transfer_requests(actor: Actor, *, open_only: bool = True) -> QuerySet[ProcedureInstance]:
    """Members' requests from the phone in the actor's scope (waiting for the branch first)."""
    qs = instances(actor, kind=REQUEST).select_related("org__parent")
    if open_only:
        qs = qs.filter(status=ProcedureStatus.ACTIVE)
    return qs.order_by("started_on", "id")


def get_request(actor: Actor, request_id) -> ProcedureInstance:
    from orgwork.core.errors import NotFound
    from orgwork.core.procedures import get_instance

    instance = get_instance(actor, request_id)
    if instance.kind != REQUEST:
        raise NotFound()
    return instance


@dataclass
class RequestState:
    instance: ProcedureInstance
    destination: str
    asked_on: dt.date
    label: str  # what the member reads
    reason: str  # why declined
    transfer: Transfer | None


def own_transfer_requests(actor: Actor) -> list[RequestState]:
    """The member's own requests and where each stands (the phone's hub): waiting for the branch, declined with the
    reason, or accepted — then the transfer's own state."""
    if not actor.self_member_ids:
        return []
    rows = ProcedureInstance.objects.filter(kind=REQUEST, subject_type="members.member", subject_id__in=[str(i) for i in actor.self_member_ids]).order_by("-started_on", "-id")
    out = []
    for inst in rows:
        accepted = (inst.data.get("steps") or {}).get("accept") or {}
        t = Transfer.objects.filter(pk=accepted["transfer"]).first() if accepted.get("transfer") else None
        if inst.status == ProcedureStatus.TERMINATED:
            label = "支部未受理"
        elif t is not None:
            label = f"已受理：{t.get_status_display()}"
        else:
            label = "待支部受理"
        out.append(RequestState(inst, inst.data.get("destination", ""), inst.started_on, label, inst.end_reason, t))
    return out


def incoming_pending(actor: Actor) -> QuerySet[Transfer]:
    """Waiting for this actor's organizations to receive (or return for correction)."""
    qs = transfers(actor).filter(status=TransferStatus.PENDING)
    if actor.unrestricted:
        return qs
    cond = Q(pk__in=[])
    for p in actor.subtree_paths(write=True):
        cond |= subtree_q(p, "to_path")
    return qs.filter(cond)


@dataclass
class Overdue:
    transfer: Transfer
    what: str
    due: dt.date


def overdue(actor: Actor, *, today: dt.date | None = None, under: Org | None = None) -> list[Overdue]:
    """For the department: transfers not received in time, receipts not back within 1 month, incoming letters expired."""
    today = today or dt.date.today()
    qs = transfers(actor, under=under)
    out = []
    for t in qs.filter(kind=TransferKind.WITHIN, status__in=[TransferStatus.PENDING, TransferStatus.RETURNED], receive_due_on__lt=today):
        out.append(Overdue(t, "未按期接收" if t.status == TransferStatus.PENDING else "退回后未补正", t.receive_due_on))
    for t in qs.filter(kind=TransferKind.OUT, status=TransferStatus.LETTER_ISSUED, receipt_due_on__lt=today):
        out.append(Overdue(t, "回执逾期未返回", t.receipt_due_on))
    for t in qs.filter(kind=TransferKind.IN, status=TransferStatus.PENDING, valid_until__lt=today):
        out.append(Overdue(t, "转入介绍信已过期，待退回补正", t.valid_until))
    out.sort(key=lambda o: o.due)
    return out


def late_receipts(actor: Actor, *, today: dt.date | None = None) -> QuerySet[Transfer]:
    today = today or dt.date.today()
    return transfers(actor).filter(kind=TransferKind.OUT, status=TransferStatus.LETTER_ISSUED, receipt_due_on__lt=today).order_by("receipt_due_on")


def registrations(actor: Actor, *, active_only: bool = True) -> QuerySet[MobileRegistration]:
    qs = scope(MobileRegistration.objects.select_related("member", "member__org__parent", "attached_org__parent"), actor)
    if active_only:
        qs = qs.filter(status=MobileStatus.AWAY)
    return qs


def attached_here(actor: Actor) -> QuerySet[MobileRegistration]:
    """Mobile members taking part in this actor's organizations at the destination."""
    qs = MobileRegistration.objects.select_related("member", "member__org__parent", "attached_org__parent").filter(status=MobileStatus.AWAY, attached_org__isnull=False)
    if actor.unrestricted:
        return qs
    cond = Q(pk__in=[])
    for p in actor.subtree_paths():
        cond |= subtree_q(p, "attached_org__path")
    return qs.filter(cond)


@dataclass
class MobileFlag:
    registration: MobileRegistration
    away_since: dt.date
    away_flag: bool  # 6 months or more away without a transfer: consider transferring the relationship
    away_flag_on: dt.date
    no_contact_flag: bool  # no contact for 6 months: a suspension proposal is due (a person decides)
    no_contact_flag_on: dt.date


def mobile_flags(actor: Actor, *, today: dt.date | None = None, only_flagged: bool = False) -> list[MobileFlag]:
    today = today or dt.date.today()
    out = []
    for reg in registrations(actor).order_by("left_on", "id"):
        a_on, c_on = away_flag_on(reg), no_contact_flag_on(reg)
        f = MobileFlag(reg, reg.left_on, a_on <= today, a_on, c_on <= today and reg.suspension_procedure_id is None, c_on)
        if not only_flagged or f.away_flag or f.no_contact_flag:
            out.append(f)
    return out


def cutoff(today: dt.date, months: int) -> dt.date:
    """The latest start date d with add_months(d, months) <= today (month ends clamp: 31 Aug + 6 months = 28 Feb)."""
    back = add_months(today, -months)
    if (today + dt.timedelta(days=1)).month != today.month:  # today is a month's last day
        back = add_months(back.replace(day=1), 1) - dt.timedelta(days=1)
    return back


def flagged_counts(actor: Actor, *, today: dt.date | None = None) -> tuple[int, int]:
    """(away 6+ months, no contact 6+ months) in two queries, for the home page."""
    today = today or dt.date.today()
    months = mobile_rules(on=today)
    away_before = cutoff(today, months["away_flag_months"])
    contact_before = cutoff(today, months["no_contact_suspend_months"])
    regs = registrations(actor)
    away = regs.filter(left_on__lte=away_before).count()
    silent = regs.filter(suspension_procedure__isnull=True).filter(
        Q(last_contact_on__isnull=True, left_on__lte=contact_before) | Q(last_contact_on__lte=contact_before)
    ).count()
    return away, silent


def exit_cases(actor: Actor, *, kind: str | None = None) -> QuerySet[ProcedureInstance]:
    kinds = [f"member_{k}" for k in KINDS] if not kind else [f"member_{kind}"]
    return instances(actor).filter(kind__in=kinds).select_related("org__parent").order_by("-started_on", "-id")


def suspended_due_for_removal(actor: Actor, *, today: dt.date | None = None):
    """Suspended for lost contact 2 more years → removal is considered (rules.md §2); the branch decides."""
    from orgwork.core.normalize import add_years
    from orgwork.members.models import Member, Standing

    from .rules import exit_rules

    today = today or dt.date.today()
    years = exit_rules(on=today)["suspended_remove_after_years"]
    return scope(Member.objects.filter(standing=Standing.SUSPENDED, standing_since__lte=add_years(today, -years)), actor).select_related("org").order_by("standing_since")
