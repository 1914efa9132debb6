"""Transfer writes (组织关系转接): keyword-only arguments, one transaction, a kernel step record and an audit event each.

Every transfer runs as a procedure on the kernel (lifecycle/procedures.py); these services check which side acts,
then complete the kernel step, return it (return_step) or end it (terminate), and keep the `Transfer` register row
(status, dates, letter data) in step with the instance in the same transaction.

Within the deployment the sending branch starts (after a member's request from the phone, or on its own); the
receiving organization receives, or returns the transfer for correction with a reason — there is no refusal
(条例第25条: 不得拒绝接收). Until it is received the member stays in the sending organization, which stays
responsible. Out of the deployment a transfer letter is issued (stub, letter, receipt), and the receipt's return is
recorded. Into the deployment: registered by letter number, checked, received.

The kernel scopes an instance to one organization (the sending one; the receiving one for a letter from outside).
The other side's steps are checked here (`_lock(side=…)`) and then completed on its behalf by `_on_behalf(actor)`:
the same person (user and name on the step record), without the kernel's single-organization scope.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from orgwork.core import audit, params
from orgwork.core import procedures as proc
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, PermissionDenied, ServiceError
from orgwork.core.fields import subtree_q
from orgwork.core.models import ProcedureInstance, ProcedureStatus
from orgwork.core.normalize import add_months, clean_text
from orgwork.core.scope import scope
from orgwork.members import services as member_services
from orgwork.members.models import Member, Standing, StatusAction
from orgwork.members.validation import clean_member
from orgwork.orgs.models import Org

from .. import procedures as defs
from ..models import OPEN_STATUSES, LetterCounter, Transfer, TransferKind, TransferStatus
from ..rules import transfer_rules

PERSON_FIELDS = ("name", "gender", "id_number", "ethnicity", "birth_date", "education", "category", "joined_on", "confirmed_on", "job", "phone", "address")


def _today(today):
    return today or dt.date.today()


def _check_on(on, today, field="on"):
    if on is None:
        raise ServiceError.single(field, "required", _("请填写日期"))
    if on > today:
        raise ServiceError.single(field, "future_date", _("日期不能晚于今天"))


def _reason(reason, field="reason"):
    reason = clean_text(reason)
    if not reason:
        raise ServiceError.single(field, "required", _("请填写原因"))
    return reason[:500]


def _writes(actor: Actor, path: str) -> bool:
    if actor.unrestricted:
        return True
    return bool(path) and any(path.startswith(p) for p in actor.subtree_paths(write=True))


def _on_behalf(actor: Actor) -> Actor:
    """The acting person for a kernel step whose side this module has already checked (the kernel itself scopes an
    instance to one organization): same user and name on the record, no single-organization scope."""
    proxy = Actor(user=actor.user, system=True)
    proxy._label = actor.label
    return proxy


def _start(actor: Actor, t: Transfer, kind: str, org: Org, on: dt.date, title: str, data: dict | None = None) -> ProcedureInstance:
    """The transfer's procedure instance, started under the version the org follows, linked both ways."""
    instance = proc.start(
        actor=_on_behalf(actor), kind=kind, org_id=org.pk, title=title, on=on, subject=t, version=proc.version_for(kind, org, on=on),
        data={"transfer_id": t.pk, **(data or {})},
    )  # fmt: skip
    t.procedure = instance
    t.save(update_fields=["procedure", "updated_at"])
    return instance


def _step(actor: Actor, t: Transfer, step: str, on: dt.date, *, today: dt.date, comment: str = "", data: dict | None = None, as_self: bool = False) -> ProcedureInstance:
    """Complete the instance's step (on the side's behalf, or `as_self` for a role the kernel checks itself)."""
    proc.complete_step(
        actor=actor if as_self else _on_behalf(actor), instance_id=t.procedure_id, step=step, done_on=on, data=data or {}, comment=comment[:500], today=today
    )
    t.procedure = ProcedureInstance.objects.get(pk=t.procedure_id)
    return t.procedure


def _instance(t: Transfer) -> ProcedureInstance:
    if t.procedure_id is None:  # every row has one since migration 0004
        raise ServiceError.single("transfer", "no_procedure", _("该转接没有办理记录，请联系系统管理员"))
    return ProcedureInstance.objects.get(pk=t.procedure_id)


def _title(name: str, kind: str) -> str:
    return f"{name}·{proc.definition(kind).title}"


def _lock(actor: Actor, transfer_id, *, side: str) -> Transfer:
    """The transfer locked, if the actor may act for that side (sending: from_path; receiving: to_path)."""
    try:
        t = Transfer.objects.select_for_update().get(pk=transfer_id)
    except (Transfer.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    path = t.from_path if side == "sending" else t.to_path
    if not _writes(actor, path):
        readable = actor.subtree_paths()
        if not any(p and (t.from_path.startswith(p) or (t.to_path and t.to_path.startswith(p))) for p in readable):
            raise NotFound()
        message = _("此操作应由转出方党组织办理") if side == "sending" else _("此操作应由接收方党组织办理")
        raise ServiceError.single("transfer", "wrong_side", message)
    return t


def _target_org(org_id, *, field="to_org") -> Org:
    """Any active branch of the deployment: the receiving side need not be in the sender's scope."""
    try:
        org = Org.objects.get(pk=org_id)
    except (Org.DoesNotExist, ValueError, TypeError):
        raise ServiceError.single(field, "unknown_org", _("接收党组织不存在")) from None
    if not org.is_active:
        raise ServiceError.single(field, "bad_value", _("党组织“%(name)s”已撤销") % {"name": org.name})
    if not org.is_branch:
        raise ServiceError.single(field, "bad_value", _("组织关系应转入党支部"))
    return org


def _sending_member(actor: Actor, member_id) -> Member:
    try:
        member = scope(Member.objects.select_for_update().select_related("org"), actor, write=True).get(pk=member_id)
    except (Member.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if member.standing != Standing.NORMAL:
        raise ServiceError.single("member", "not_allowed", _("党籍状态为“%(standing)s”，不能转接组织关系") % {"standing": member.get_standing_display()})
    if Transfer.objects.filter(member=member, status__in=OPEN_STATUSES).exists():
        raise ServiceError.single("member", "transfer_open", _("该党员有尚未办结的组织关系转接"))
    return member


# --- within the deployment ---------------------------------------------------------------------


@transaction.atomic
def start_within(*, actor: Actor, member_id: int, to_org_id: int, reason: str, on: dt.date, today: dt.date | None = None) -> Transfer:
    """The sending side starts a transfer within the deployment; the receiving organization is told at once (the kernel's
    step move, core.deadlines). Under the "2019-approval" version the sending committee approves first (at once when
    the actor is that committee)."""
    return _start_within(actor=actor, member_id=member_id, to_org_id=to_org_id, reason=reason, on=on, today=today)


def _start_within(*, actor: Actor, member_id, to_org_id, reason, on, today=None, data: dict | None = None) -> Transfer:
    today = _today(today)
    member = _sending_member(actor, member_id)
    reason = _reason(reason)
    _check_on(on, today)
    target = _target_org(to_org_id)
    if target.pk == member.org_id:
        raise ServiceError.single("to_org", "bad_value", _("党员已在该党组织"))
    rules = transfer_rules(on=on)
    try:
        with transaction.atomic():
            t = Transfer.objects.create(
                kind=TransferKind.WITHIN,
                status=TransferStatus.PENDING,
                member=member,
                from_org=member.org,
                to_org=target,
                from_org_name=member.org.name,
                to_org_name=target.name,
                from_path=member.org.path,
                to_path=target.path,
                reason=reason,
                started_on=on,
                rule_version=rules.version,
            )
    except IntegrityError:
        raise ServiceError.single("member", "transfer_open", _("该党员有尚未办结的组织关系转接")) from None
    _start(actor, t, defs.WITHIN, member.org, on, _title(member.name, defs.WITHIN), data)
    instance = _step(actor, t, "send", on, today=today, comment=reason, data={"to_org_name": target.name, "reason": reason})
    if instance.step == "approve" and proc.may_act(actor, member.org, "committee"):
        instance = _step(actor, t, "approve", on, today=today, comment="发起时审核同意", data={"opinion": "同意"}, as_self=True)
    t.status = TransferStatus.APPROVAL if instance.step == "approve" else TransferStatus.PENDING
    t.receive_due_on = instance.due_on
    t.save(update_fields=["status", "receive_due_on", "updated_at"])
    audit.record(actor, "transfer.start", t, data={"member": member.pk, "from": member.org_id, "to": target.pk, "reason": reason, "procedure": instance.pk})
    return t


@transaction.atomic
def approve(*, actor: Actor, transfer_id: int, on: dt.date, comment: str = "", today: dt.date | None = None) -> Transfer:
    """The sending side's committee approves (version "2019-approval"); the receiving organization is told at once."""
    today = _today(today)
    t = _lock(actor, transfer_id, side="sending")
    _check_on(on, today)
    if t.status != TransferStatus.APPROVAL:
        raise ServiceError.single("status", "not_allowed", _("转接状态为“%(status)s”，不需要审核") % {"status": t.get_status_display()})
    instance = _step(actor, t, "approve", on, today=today, comment=clean_text(comment), data={"opinion": clean_text(comment)}, as_self=True)
    t.status = TransferStatus.PENDING
    t.receive_due_on = instance.due_on
    t.save(update_fields=["status", "receive_due_on", "updated_at"])
    audit.record(actor, "transfer.approve", t, data={"on": on, "comment": clean_text(comment)})
    return t


@transaction.atomic
def return_for_correction(*, actor: Actor, transfer_id: int, reason: str, on: dt.date, today: dt.date | None = None) -> Transfer:
    """The receiving side cannot refuse; it returns the transfer with the reason, and the sender corrects it."""
    today = _today(today)
    t = _lock(actor, transfer_id, side="receiving")
    reason = _reason(reason)
    _check_on(on, today)
    if t.status != TransferStatus.PENDING:
        raise ServiceError.single("status", "not_allowed", _("转接状态为“%(status)s”，不能退回") % {"status": t.get_status_display()})
    proc.return_step(actor=_on_behalf(actor), instance_id=t.procedure_id, to_step="send", reason=reason, on=on)
    t.procedure = _instance(t)
    t.status = TransferStatus.RETURNED
    t.return_reason = reason
    t.save(update_fields=["status", "return_reason", "updated_at"])
    audit.record(actor, "transfer.return", t, org_path=t.to_path, data={"reason": reason})
    return t


@transaction.atomic
def resubmit(*, actor: Actor, transfer_id: int, on: dt.date, comment: str = "", to_org_id: int | None = None, reason: str | None = None, today: dt.date | None = None) -> Transfer:
    """The sending side corrects what was returned (another receiving branch, a better reason) and sends it again."""
    today = _today(today)
    t = _lock(actor, transfer_id, side="sending")
    _check_on(on, today)
    if t.status != TransferStatus.RETURNED:
        raise ServiceError.single("status", "not_allowed", _("只有被退回的转接可以补正后重新提交"))
    changes = {}
    if to_org_id is not None and to_org_id != t.to_org_id:
        target = _target_org(to_org_id)
        if target.pk == t.from_org_id:
            raise ServiceError.single("to_org", "bad_value", _("党员已在该党组织"))
        changes["to_org"] = [t.to_org_id, target.pk]
        t.to_org, t.to_org_name, t.to_path = target, target.name, target.path
    if reason:
        changes["reason"] = [t.reason, _reason(reason)]
        t.reason = changes["reason"][1]
    t.save()
    instance = _step(actor, t, "send", on, today=today, comment=clean_text(comment), data={"to_org_name": t.to_org_name, "reason": t.reason})
    if instance.step == "approve" and proc.may_act(actor, t.from_org, "committee"):
        instance = _step(actor, t, "approve", on, today=today, comment="重新提交时审核同意", data={"opinion": "同意"}, as_self=True)
    t.status = TransferStatus.APPROVAL if instance.step == "approve" else TransferStatus.PENDING
    t.receive_due_on = instance.due_on
    t.save(update_fields=["status", "receive_due_on", "updated_at"])
    audit.record(actor, "transfer.resubmit", t, changes=audit.to_json(changes), data={"comment": clean_text(comment)})
    return t


@transaction.atomic
def receive(*, actor: Actor, transfer_id: int, on: dt.date, comment: str = "", today: dt.date | None = None) -> Transfer:
    """The receiving side confirms: the member moves, counters follow, both sides keep the history."""
    today = _today(today)
    t = _lock(actor, transfer_id, side="receiving")
    _check_on(on, today)
    if t.status != TransferStatus.PENDING:
        raise ServiceError.single("status", "not_allowed", _("转接状态为“%(status)s”，不能接收") % {"status": t.get_status_display()})
    if on < t.started_on:
        raise ServiceError.single("on", "date_order", _("接收日期不能早于转出日期"))
    if t.kind == TransferKind.IN:
        return _receive_incoming(actor, t, on, comment, today)
    _step(actor, t, "receive", on, today=today, comment=clean_text(comment))
    # The receiving side has no write scope over the member yet: the move runs as the system on its behalf.
    proxy = Actor.system_actor(f"{actor.label}（接收组织关系转接#{t.pk}）")
    member_services.move_member(actor=proxy, member_id=t.member_id, org_id=t.to_org_id, on=on, reason=f"组织关系转接#{t.pk}：{t.reason}")
    member_services.record_transfer_in(
        actor=proxy, member_id=t.member_id, on=on, from_org=t.from_org_name, reason=f"由{t.from_org_name}转入{t.to_org_name}（{t.reason}）"
    )
    t.status = TransferStatus.RECEIVED
    t.received_on = on
    t.save(update_fields=["status", "received_on", "updated_at"])
    audit.record(actor, "transfer.receive", t, org_path=t.to_path, data={"member": t.member_id, "on": on})
    return t


@transaction.atomic
def cancel(*, actor: Actor, transfer_id: int, reason: str, on: dt.date, today: dt.date | None = None) -> Transfer:
    today = _today(today)
    incoming = Transfer.objects.filter(pk=transfer_id, kind=TransferKind.IN).exists()
    t = _lock(actor, transfer_id, side="receiving" if incoming else "sending")
    reason = _reason(reason)
    _check_on(on, today)
    if t.status not in (TransferStatus.APPROVAL, TransferStatus.PENDING, TransferStatus.RETURNED):
        raise ServiceError.single("status", "not_allowed", _("转接状态为“%(status)s”，不能撤销") % {"status": t.get_status_display()})
    proc.terminate(actor=_on_behalf(actor), instance_id=t.procedure_id, reason=reason, on=on)
    t.procedure = _instance(t)
    t.status = TransferStatus.CANCELLED
    t.save(update_fields=["status", "updated_at"])
    audit.record(actor, "transfer.cancel", t, data={"reason": reason})
    return t


# --- out of the deployment: the transfer letter -------------------------------------------------


def next_letter_number(year: int) -> str:
    """Unique per year under concurrency: the counter row is locked for the transaction."""
    counter, _created = LetterCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{year}{counter.last:05d}"


def dues_paid_to(member: Member) -> dt.date | None:
    from orgwork.dues.models import DuesMonth

    return DuesMonth.objects.filter(member=member).order_by("-month").values_list("month", flat=True).first()


def check_validity(rules, issued_on: dt.date, valid_days: int | None, validity_reason: str = "") -> dt.date:
    """10–30 days as a rule, at most 3 months with a reason (条例第25条)."""
    if valid_days is None:
        valid_days = rules["letter_valid_days_default"]
    if not isinstance(valid_days, int) or valid_days < rules["letter_valid_days_min"]:
        raise ServiceError.single("valid_days", "too_short", _("介绍信有效期一般为%(low)s至%(high)s天") % {"low": rules["letter_valid_days_min"], "high": rules["letter_valid_days_max"]})
    until = issued_on + dt.timedelta(days=valid_days)
    longest = add_months(issued_on, rules["letter_valid_max_months"])
    if until > longest:
        raise ServiceError.single("valid_days", "too_long", _("介绍信有效期最长不超过%(months)s个月（至%(year)s年%(month)02d月%(day)02d日）") % {"months": rules["letter_valid_max_months"], "year": longest.year, "month": longest.month, "day": longest.day})
    if valid_days > rules["letter_valid_days_max"] and not clean_text(validity_reason):
        raise ServiceError.single("validity_reason", "required", _("有效期超过%(days)s天的，请说明原因") % {"days": rules["letter_valid_days_max"]})
    return until


@transaction.atomic
def issue_letter(
    *,
    actor: Actor,
    member_id: int,
    to_org_name: str,
    reason: str,
    on: dt.date,
    valid_days: int | None = None,
    validity_reason: str = "",
    today: dt.date | None = None,
) -> Transfer:
    """A transfer out of the deployment: the letter gets its number; the member leaves the roll as transferred out."""
    today = _today(today)
    member = _sending_member(actor, member_id)
    reason = _reason(reason)
    _check_on(on, today)
    to_org_name = clean_text(to_org_name)
    if not to_org_name:
        raise ServiceError.single("to_org_name", "required", _("请填写接收党组织名称"))
    rules = transfer_rules(on=on)
    until = check_validity(rules, on, valid_days, validity_reason)
    number = next_letter_number(on.year)
    t = Transfer.objects.create(
        kind=TransferKind.OUT,
        status=TransferStatus.LETTER_ISSUED,
        member=member,
        from_org=member.org,
        from_org_name=member.org.name,
        to_org_name=to_org_name[:200],
        from_path=member.org.path,
        reason=reason,
        started_on=on,
        letter_number=number,
        letter_issued_on=on,
        valid_until=until,
        dues_paid_to=dues_paid_to(member),
        rule_version=rules.version,
    )
    _start(actor, t, defs.OUT, member.org, on, _title(member.name, defs.OUT))
    note = f"介绍信{number}，有效期至{until:%Y-%m-%d}" + (f"；{clean_text(validity_reason)}" if validity_reason else "")
    instance = _step(actor, t, "letter", on, today=today, comment=note, data={"letter_number": number, "to_org_name": t.to_org_name, "valid_until": until, "reason": reason})
    t.receipt_due_on = instance.due_on
    t.save(update_fields=["receipt_due_on", "updated_at"])
    member_services.change_status(actor=actor, member_id=member.pk, action=StatusAction.TRANSFER_OUT, on=on, reason=f"转出至{to_org_name}（介绍信{number}）")
    audit.record(actor, "transfer.letter", t, data={"member": member.pk, "number": number, "valid_until": until, "to": to_org_name, "dues_paid_to": t.dues_paid_to})
    return t


@transaction.atomic
def record_receipt(*, actor: Actor, transfer_id: int, on: dt.date, comment: str = "", today: dt.date | None = None) -> Transfer:
    today = _today(today)
    t = _lock(actor, transfer_id, side="sending")
    _check_on(on, today)
    if t.kind != TransferKind.OUT or t.status != TransferStatus.LETTER_ISSUED:
        raise ServiceError.single("status", "not_allowed", _("只有已开具介绍信、待回执的转接可以登记回执"))
    if on < t.letter_issued_on:
        raise ServiceError.single("on", "date_order", _("回执日期不能早于开具日期"))
    _step(actor, t, "receipt", on, today=today, comment=clean_text(comment))
    t.status = TransferStatus.RECEIPT_BACK
    t.receipt_back_on = on
    t.save(update_fields=["status", "receipt_back_on", "updated_at"])
    audit.record(actor, "transfer.receipt", t, data={"on": on, "late": on > t.receipt_due_on})
    return t


# --- into the deployment ----------------------------------------------------------------------


@transaction.atomic
def register_incoming(
    *,
    actor: Actor,
    letter_number: str,
    from_org_name: str,
    to_org_id: int,
    letter_issued_on: dt.date,
    valid_until: dt.date,
    on: dt.date,
    person: dict,
    dues_paid_to: dt.date | None = None,
    late_reason: str = "",
    today: dt.date | None = None,
) -> Transfer:
    """Register a letter from outside by its number; the person's data are checked now and become a member on receipt.

    A letter handed in after it expired needs the member's stated reason (`late_reason`), recorded on the transfer;
    one more than the rule's months late is flagged for the lapse rule (党章第九条) and received only with the
    branch's finding stated.
    """
    today = _today(today)
    target = _target_org(params.writable_org(actor, to_org_id, field="to_org", label=_("接收党组织"), active=False).pk)
    errors: list[FieldError] = []
    letter_number = clean_text(letter_number)
    if not letter_number:
        errors.append(FieldError("letter_number", "required", _("请填写介绍信编号")))
    from_org_name = clean_text(from_org_name)
    if not from_org_name:
        errors.append(FieldError("from_org_name", "required", _("请填写转出党组织名称")))
    if letter_issued_on is None or valid_until is None:
        errors.append(FieldError("valid_until", "required", _("请填写介绍信开具日期和有效期")))
    elif valid_until < letter_issued_on:
        errors.append(FieldError("valid_until", "date_order", _("有效期不能早于开具日期")))
    elif valid_until > add_months(letter_issued_on, transfer_rules(on=letter_issued_on)["letter_valid_max_months"]):
        errors.append(FieldError("valid_until", "too_long", _("介绍信有效期最长不超过3个月，请核实")))
    _check_on(on, today)
    late_days, lapse = None, False
    late_reason = clean_text(late_reason)
    rules = transfer_rules(on=on)
    if valid_until is not None and on is not None and (on - valid_until).days > rules["late_letter_needs_reason_after_days"]:
        late_days = (on - valid_until).days
        lapse = on > add_months(valid_until, rules["late_letter_lapse_months"])
        if not late_reason:
            errors.append(FieldError("late_reason", "required", _("介绍信已于%(year)s年%(month)02d月%(day)02d日过期%(days)s天，请填写逾期原因（本人说明）") % {"year": valid_until.year, "month": valid_until.month, "day": valid_until.day, "days": late_days}))
    if errors:
        raise ServiceError(errors)
    fields = {k: v for k, v in (person or {}).items() if k in PERSON_FIELDS}
    values = clean_member(fields, today=today)
    if Member.objects.filter(id_number=values["id_number"], standing=Standing.NORMAL).exists():
        raise ServiceError.single("id_number", "duplicate_existing", _("该公民身份号码的党员已在本系统在册，请使用系统内转接"))
    if Transfer.objects.filter(kind=TransferKind.IN, letter_number=letter_number, status__in=(TransferStatus.PENDING, TransferStatus.RECEIVED)).exists():
        raise ServiceError.single("letter_number", "duplicate_existing", _("介绍信%(number)s已登记") % {"number": letter_number})
    t = Transfer.objects.create(
        kind=TransferKind.IN,
        status=TransferStatus.PENDING,
        person=audit.to_json(values),
        to_org=target,
        from_org_name=from_org_name[:200],
        to_org_name=target.name,
        to_path=target.path,
        reason="从系统外转入",
        started_on=on,
        letter_number=letter_number[:60],
        letter_issued_on=letter_issued_on,
        valid_until=valid_until,
        dues_paid_to=dues_paid_to,
        late_days=late_days,
        late_reason=late_reason[:500] if late_days else "",
        lapse_flagged=lapse,
        rule_version=rules.version,
    )
    note = f"介绍信{letter_number}（{from_org_name}）"
    if late_days:
        note += f"；逾期{late_days}天，原因：{late_reason}" + ("；超过6个月，须按党章第九条研究" if lapse else "")
    # the receipt is due within the letter's validity: the instance carries that date for its receive step
    _start(actor, t, defs.IN, target, on, _title(values["name"], defs.IN), {"extensions": {"receive": valid_until.isoformat()}})
    _step(
        actor, t, "register", on, today=today, comment=note,
        data={"letter_number": t.letter_number, "from_org_name": t.from_org_name, "valid_until": valid_until, "late_days": late_days, "late_reason": t.late_reason, "lapse_flagged": lapse},
    )  # fmt: skip
    audit.record(
        actor, "transfer.register_in", t, org_path=target.path,
        data={"letter_number": letter_number, "from": from_org_name, "id_number": values["id_number"], "late_days": late_days, "late_reason": t.late_reason, "lapse_flagged": lapse},
    )  # fmt: skip
    return t


def _receive_incoming(actor: Actor, t: Transfer, on: dt.date, comment: str, today: dt.date) -> Transfer:
    if on > t.valid_until and not t.late_days:
        raise ServiceError.single("on", "letter_expired", _("介绍信已于%(year)s年%(month)02d月%(day)02d日过期，请退回补正（由原转出党组织重新开具）") % {"year": t.valid_until.year, "month": t.valid_until.month, "day": t.valid_until.day})
    if t.lapse_flagged and not clean_text(comment):
        raise ServiceError.single(
            "comment", "lapse_review",
            _("介绍信逾期%(days)s天（超过6个月）：请写明支部按党章第九条研究的结论（有正当理由予以接收），或退回") % {"days": t.late_days},
        )  # fmt: skip
    person = dict(t.person)
    existing = Member.objects.filter(id_number=person["id_number"]).first()
    if existing is not None:
        raise ServiceError.single("id_number", "duplicate_existing", _("该公民身份号码已有党员记录（%(standing)s），请联系组织部门处理") % {"standing": existing.get_standing_display()})
    _step(actor, t, "receive", on, today=today, comment=clean_text(comment))
    member = member_services.create_member(actor=actor, org_id=t.to_org_id, today=today, **{k: v for k, v in person.items() if v not in (None, "")})
    member_services.record_transfer_in(
        actor=actor, member_id=member.pk, on=on, from_org=t.from_org_name,
        reason=f"从{t.from_org_name}转入{t.to_org_name}（介绍信{t.letter_number}）" + (f"；逾期{t.late_days}天：{t.late_reason}" if t.late_days else ""),
    )  # fmt: skip
    t.member = member
    t.status = TransferStatus.RECEIVED
    t.received_on = on
    t.save(update_fields=["member", "status", "received_on", "updated_at"])
    audit.record(actor, "transfer.receive", t, org_path=t.to_path, data={"member": member.pk, "letter_number": t.letter_number})
    return t


@transaction.atomic
def return_incoming(*, actor: Actor, transfer_id: int, reason: str, on: dt.date, today: dt.date | None = None) -> Transfer:
    """An incoming letter with a problem (expired, data not matching) goes back for correction, with the reason."""
    today = _today(today)
    t = _lock(actor, transfer_id, side="receiving")
    reason = _reason(reason)
    _check_on(on, today)
    if t.kind != TransferKind.IN or t.status != TransferStatus.PENDING:
        raise ServiceError.single("status", "not_allowed", _("只有待接收的转入可以退回"))
    proc.return_step(actor=_on_behalf(actor), instance_id=t.procedure_id, to_step="register", reason=reason, on=on)
    t.procedure = _instance(t)
    t.status = TransferStatus.RETURNED
    t.return_reason = reason
    t.save(update_fields=["status", "return_reason", "updated_at"])
    audit.record(actor, "transfer.return", t, org_path=t.to_path, data={"reason": reason})
    return t


def visible_q(actor: Actor):
    """Both sides see a transfer: the sender's subtree and the receiver's."""
    from django.db.models import Q

    cond = Q(pk__in=[])
    for p in actor.subtree_paths():
        cond |= subtree_q(p, "from_path") | subtree_q(p, "to_path")
    if actor.self_member_ids:
        cond |= Q(member_id__in=actor.self_member_ids)
    return cond


# --- a member's request from the phone --------------------------------------------------------


def open_request(member: Member) -> ProcedureInstance | None:
    return (
        ProcedureInstance.objects.filter(kind=defs.REQUEST, status=ProcedureStatus.ACTIVE, subject_type="members.member", subject_id=str(member.pk))
        .order_by("-id")
        .first()
    )


@transaction.atomic
def request_transfer(*, actor: Actor, member_id: int, destination: str, text: str = "", on: dt.date | None = None, ref: str = "") -> ProcedureInstance:
    """The member asks the branch to transfer their organizational relation (党员教育管理工作条例第二十五条): the
    transfer-request procedure starts at the member's branch with the step "党员提出申请" done; the branch secretary
    is told at once (the kernel's step move) and accepts it (`accept_request`) or declines it with a reason.

    The actor is the member themselves (their own record) or staff who write at the member's branch; `ref` names the
    phone request it came from (selfservice)."""
    on = on or dt.date.today()
    try:
        member = Member.objects.select_for_update().select_related("org").get(pk=member_id)
    except (Member.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if member.pk not in actor.self_member_ids and not _writes(actor, member.org.path):
        raise NotFound()
    if member.standing != Standing.NORMAL:
        raise ServiceError.single("member", "not_allowed", _("党籍状态为“%(standing)s”，不能转接组织关系") % {"standing": member.get_standing_display()})
    destination = clean_text(destination)
    if not destination:
        raise ServiceError.single("destination", "required", _("请填写要转入的单位或党组织（如：某市某区某街道某社区党委）"))
    if len(destination) > 200:
        raise ServiceError.single("destination", "too_long", _("转入单位或党组织不能超过200字"))
    text = clean_text(text)
    if len(text) > 1000:
        raise ServiceError.single("text", "too_long", _("说明不能超过1000字"))
    if open_request(member) is not None:
        raise ServiceError.single("destination", "already_open", _("您已申请转接组织关系，支部尚未处理，无需重复申请"))
    if Transfer.objects.filter(member=member, status__in=OPEN_STATUSES).exists():
        raise ServiceError.single("destination", "already_open", _("您的组织关系转接正在办理中，无需重复申请"))
    instance = proc.start(
        actor=_on_behalf(actor), kind=defs.REQUEST, org_id=member.org_id, title=f"{member.name}申请转接组织关系", on=on, subject=member,
        data={"member_id": member.pk, "destination": destination, "ref": clean_text(ref)[:80]},
    )  # fmt: skip
    proc.complete_step(actor=_on_behalf(actor), instance_id=instance.pk, step="ask", done_on=on, data={"destination": destination, "text": text}, comment=text[:500])
    audit.record(actor, "transfer.request", instance, data={"member": member.pk, "destination": destination})
    return ProcedureInstance.objects.get(pk=instance.pk)


def _request(actor: Actor, request_id) -> tuple[ProcedureInstance, Member]:
    instance = proc.get_instance(actor, request_id)
    if instance.kind != defs.REQUEST:
        raise NotFound()
    if instance.status != ProcedureStatus.ACTIVE or instance.step != "accept":
        raise ServiceError.single("status", "not_allowed", _("该申请%(status)s，不能再受理") % {"status": instance.get_status_display()})
    if not proc.may_act(actor, instance.org, "branch"):
        raise PermissionDenied()
    member = Member.objects.select_related("org").get(pk=int(instance.subject_id))
    return instance, member


@transaction.atomic
def accept_request(
    *,
    actor: Actor,
    request_id: int,
    destination: str,
    on: dt.date,
    to_org_id: int | None = None,
    to_org_name: str = "",
    reason: str = "",
    valid_days: int | None = None,
    validity_reason: str = "",
    today: dt.date | None = None,
) -> Transfer:
    """The branch accepts the member's request, confirming where the relation goes: a branch of the deployment
    (destination "within": the transfer within starts) or an organization outside (destination "out": the letter is
    issued). The request's step "党支部受理" records the destination and the transfer it started."""
    today = _today(today)
    instance, member = _request(actor, request_id)
    reason = clean_text(reason) or clean_text((instance.data.get("steps") or {}).get("ask", {}).get("text", "")) or "本人申请"
    if destination == "within":
        if to_org_id is None:
            raise ServiceError.single("to_org", "required", _("请选择接收的党支部"))
        t = _start_within(actor=actor, member_id=member.pk, to_org_id=to_org_id, reason=reason[:500], on=on, today=today, data={"request_id": instance.pk})
    elif destination == "out":
        t = issue_letter(actor=actor, member_id=member.pk, to_org_name=to_org_name or instance.data.get("destination", ""), reason=reason[:500], on=on, valid_days=valid_days, validity_reason=validity_reason, today=today)
    else:
        raise ServiceError.single("destination", "bad_value", _("请选择转往本县党支部或系统外党组织"))
    proc.complete_step(
        actor=actor, instance_id=instance.pk, step="accept", done_on=on, today=today,
        data={"destination": destination, "to_org_name": t.to_org_name, "transfer": t.pk}, comment=f"转往{t.to_org_name}",
    )  # fmt: skip
    audit.record(actor, "transfer.request_accept", instance, data={"transfer": t.pk, "destination": destination})
    return t


@transaction.atomic
def decline_request(*, actor: Actor, request_id: int, reason: str, on: dt.date | None = None) -> ProcedureInstance:
    """The branch declines the member's request, with the reason the member reads on the phone."""
    instance, _member = _request(actor, request_id)
    reason = _reason(reason)
    proc.terminate(actor=actor, instance_id=instance.pk, reason=reason, on=on)
    audit.record(actor, "transfer.request_decline", instance, data={"reason": reason})
    return ProcedureInstance.objects.get(pk=instance.pk)
