"""Every dues write: keyword-only arguments, one transaction, an audit event inside it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from orgwork.core import audit, params
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, ServiceError
from orgwork.core.normalize import add_months, clean_text
from orgwork.core.scope import scope
from orgwork.members.models import Member, Standing
from orgwork.orgs.models import Org

from .calc import assess, money, month_start, quarter_end
from .models import BranchDuesSetting, DuesBase, DuesMonth, DuesPayment, DuesRelief, Method, Payer, PaymentKind, ReliefKind, ReliefStatus
from .rules import dues_rules, to_fen


def _locked_member(actor: Actor, member_id) -> Member:
    """The member row locked for the rest of the transaction: payments for one member are serialized."""
    try:
        return scope(Member.objects.select_for_update().select_related("org"), actor, write=True).get(pk=member_id)
    except (Member.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _today(today):
    return today or dt.date.today()


@transaction.atomic
def set_base(
    *,
    actor: Actor,
    member_id: int,
    category: str,
    declared_on: dt.date,
    base=None,
    amount=None,
    quarter_incomes=None,
    note: str = "",
) -> DuesBase:
    """Declare a member's dues base; it is used from the month it is first paid (组通字〔2008〕3号 一)."""
    member = _locked_member(actor, member_id)
    if member.standing != Standing.NORMAL:
        raise ServiceError.single("member", "not_allowed", _("只有党籍正常的党员需核定党费"))
    if declared_on is None:
        raise ServiceError.single("declared_on", "required", _("请填写核定日期"))
    rules = dues_rules(on=declared_on)
    a = assess(rules, category=category, base=base, amount=amount, quarter_incomes=quarter_incomes)
    # An earlier declaration never paid is replaced, not kept waiting.
    DuesBase.objects.filter(member=member, effective_from__isnull=True, superseded=False).update(superseded=True)
    row = DuesBase.objects.create(
        member=member,
        category=a.category,
        base=a.base,
        rate=a.rate,
        monthly_amount=a.monthly_amount,
        detail=a.detail,
        declared_on=declared_on,
        rule_version=a.rule_version,
        note=clean_text(note)[:200],
        actor_label=actor.label,
    )
    audit.record(
        actor,
        "dues.base",
        row,
        org_path=member.org.path,
        data={"member": member.pk, "category": a.category, "base": a.base, "rate": a.rate, "monthly_amount": a.monthly_amount, "rule_version": a.rule_version},
    )
    return row


def _bases(member) -> tuple[list[DuesBase], DuesBase | None]:
    rows = list(DuesBase.objects.filter(member=member, superseded=False).order_by("effective_from", "id"))
    effective = [b for b in rows if b.effective_from is not None]
    pending = [b for b in rows if b.effective_from is None]
    return effective, (pending[-1] if pending else None)


def _base_for(month: dt.date, effective: list[DuesBase], pending: DuesBase | None) -> DuesBase | None:
    """The base for a month: the last one in effect by then; a declared-but-unpaid base for months from its declaration."""
    if pending is not None and (not effective or month >= month_start(pending.declared_on)):
        return pending
    chosen = None
    for b in effective:
        if b.effective_from <= month:
            chosen = b
    if chosen is None and effective:
        chosen = effective[0]  # a back month before the first base took effect
    return chosen


def dues_start(member: Member) -> dt.date:
    """Probationary members pay from the month of the admission meeting (组通字〔2008〕3号 二)."""
    return month_start(member.joined_on)


def due_for_months(member: Member, months: list[dt.date]) -> list[tuple[dt.date, Decimal, DuesBase | None, DuesRelief | None]]:
    effective, pending = _bases(member)
    reliefs = list(DuesRelief.objects.filter(member=member, status=ReliefStatus.APPROVED))
    out = []
    for m in months:
        base = _base_for(m, effective, pending)
        if base is None:
            raise ServiceError.single("base", "no_base", f"{m:%Y年%m月}尚未核定党费交纳基数，请先核定")
        relief = next((r for r in sorted(reliefs, key=lambda r: r.id, reverse=True) if r.covers(m)), None)
        amount = base.monthly_amount
        if relief is not None:
            amount = Decimal("0.00") if relief.kind == ReliefKind.EXEMPT else min(amount, relief.monthly_amount)
        out.append((m, to_fen(amount), base, relief))
    return out


def quarterly_allowed(org: Org) -> bool:
    s = BranchDuesSetting.objects.filter(org=org).first()
    return bool(s and s.quarterly_allowed)


@transaction.atomic
def record_payment(
    *,
    actor: Actor,
    member_id: int,
    from_month: dt.date,
    months: int = 1,
    paid_on: dt.date,
    payer: str = Payer.SELF,
    proxy_name: str = "",
    method: str = Method.CASH,
    receipt_no: str = "",
    amount=None,
    note: str = "",
    today: dt.date | None = None,
    base_category: str = "",
    base=None,
    base_amount=None,
    quarter_incomes=None,
) -> DuesPayment:
    """Record dues for `months` consecutive months from `from_month`.

    A member without a base (or whose base changed) has it declared here, with the payment, in the same
    transaction: `base_category` with `base` (wage-based categories), `base_amount` (farmers) or `quarter_incomes`
    (self-employed). The new base applies from the first month paid with it (组通字〔2008〕3号 一).

    Monthly as a rule; months ahead only within the quarter and only where the branch allows quarterly payment;
    back months at most 6 (组通字〔2008〕3号 二). Two clerks recording the same months at once: the member row lock
    serializes them and the second is told the months are already paid; the unique (member, month) index backs it.
    """
    member = _locked_member(actor, member_id)
    today = _today(today)
    rules = dues_rules(on=paid_on or today)
    errors: list[FieldError] = []
    if member.standing != Standing.NORMAL:
        raise ServiceError.single("member", "not_allowed", f"党籍状态为“{member.get_standing_display()}”，不能登记党费")
    if paid_on is None:
        errors.append(FieldError("paid_on", "required", _("请填写交纳日期")))
    elif paid_on > today:
        errors.append(FieldError("paid_on", "future_date", _("交纳日期不能晚于今天")))
    if from_month is None:
        errors.append(FieldError("from_month", "required", _("请填写所属月份")))
    if not isinstance(months, int) or months < 1 or months > 12:
        errors.append(FieldError("months", "bad_value", _("月数应为1至12")))
    if payer not in Payer.values:
        errors.append(FieldError("payer", "bad_value", _("交纳人应为本人或代交")))
    proxy_name = clean_text(proxy_name)
    if payer == Payer.PROXY and not proxy_name:
        errors.append(FieldError("proxy_name", "required", _("委托代交时请填写代交人姓名")))
    if method not in Method.values:
        errors.append(FieldError("method", "bad_value", _("交纳方式无效")))
    if errors:
        raise ServiceError(errors)
    base_category = clean_text(base_category)
    if base_category:
        set_base(
            actor=actor, member_id=member.pk, category=base_category, declared_on=paid_on, base=base, amount=base_amount,
            quarter_incomes=quarter_incomes, note="登记党费时核定",
        )  # fmt: skip
    elif not DuesBase.objects.filter(member=member, superseded=False).exists():
        raise ServiceError.single("base_category", "no_base", f"{member.name}尚未核定党费交纳基数：请在本表选择交纳类别并填写基数")
    first = month_start(from_month)
    wanted = [add_months(first, i) for i in range(months)]
    current = month_start(paid_on)
    if first < dues_start(member):
        errors.append(FieldError("from_month", "before_start", f"党员自{dues_start(member):%Y年%m月}起交纳党费"))
    earliest = add_months(current, -rules["back_payment_max_months"])
    if first < earliest:
        errors.append(FieldError("from_month", "back_payment_limit", f"补交党费不得超过{rules['back_payment_max_months']}个月（最早{earliest:%Y年%m月}）"))
    if wanted[-1] > current:
        if not quarterly_allowed(member.org):
            errors.append(FieldError("months", "quarterly_not_allowed", _("党费按月交纳；预交须经支部同意按季度交纳")))
        elif wanted[-1] > quarter_end(current):
            errors.append(FieldError("months", "beyond_quarter", f"按季度交纳最多预交到本季度末（{quarter_end(current):%Y年%m月}）"))
    if errors:
        raise ServiceError(errors)
    paid_months = set(DuesMonth.objects.filter(member=member, month__in=wanted).values_list("month", flat=True))
    if paid_months:
        listed = "、".join(f"{m:%Y年%m月}" for m in sorted(paid_months))
        raise ServiceError.single("from_month", "already_paid", f"{listed}的党费已登记")
    lines = due_for_months(member, wanted)
    total = to_fen(sum((x[1] for x in lines), Decimal("0")))
    if amount not in (None, ""):
        given = to_fen(money(amount, field="amount"))
        if given != total:
            raise ServiceError.single("amount", "amount_mismatch", f"应交{total}元，实收{given}元，金额不符")
    # A pending (newly declared) base becomes effective at the first month paid with it.
    for m, _due, base, _relief in lines:
        if base is not None and base.effective_from is None:
            base.effective_from = m
            base.save(update_fields=["effective_from"])
    payment = DuesPayment.objects.create(
        member=member,
        org=member.org,
        kind=PaymentKind.REGULAR,
        paid_on=paid_on,
        amount=total,
        months=months,
        payer=payer,
        proxy_name=proxy_name if payer == Payer.PROXY else "",
        method=method,
        receipt_no=clean_text(receipt_no)[:60],
        note=clean_text(note)[:200],
        recorded_by_id=actor.user_id,
        actor_label=actor.label,
    )
    rows = [
        DuesMonth(
            member=member,
            month=m,
            org=member.org,
            due=due,
            paid=due,
            paid_on=paid_on,
            base=base,
            relief=relief,
            payment=payment,
            rule_version=base.rule_version if base else rules.version,
        )
        for m, due, base, relief in lines
    ]
    try:
        with transaction.atomic():
            DuesMonth.objects.bulk_create(rows)
    except IntegrityError:
        raise ServiceError.single("from_month", "already_paid", _("所选月份的党费已由他人登记，请刷新后核对")) from None
    audit.record(
        actor,
        "dues.pay",
        payment,
        org_path=member.org.path,
        data={"member": member.pk, "months": [f"{m:%Y-%m}" for m in wanted], "amount": total, "payer": payer, "method": method, "receipt_no": payment.receipt_no},
    )
    return payment


@transaction.atomic
def record_voluntary(*, actor: Actor, member_id: int, amount, paid_on: dt.date, method: str = Method.CASH, receipt_no: str = "", note: str = "", today=None) -> DuesPayment:
    """A voluntary extra payment; 1,000 yuan or more goes entirely to the centre (组通字〔2008〕3号 三)."""
    member = _locked_member(actor, member_id)
    value = to_fen(money(amount, field="amount"))
    if value <= 0:
        raise ServiceError.single("amount", "bad_value", _("金额应大于0"))
    if paid_on is None or paid_on > _today(today):
        raise ServiceError.single("paid_on", "future_date", _("交纳日期不能晚于今天"))
    payment = DuesPayment.objects.create(
        member=member,
        org=member.org,
        kind=PaymentKind.VOLUNTARY,
        paid_on=paid_on,
        amount=value,
        months=0,
        method=method,
        receipt_no=clean_text(receipt_no)[:60],
        note=clean_text(note)[:200],
        recorded_by_id=actor.user_id,
        actor_label=actor.label,
    )
    audit.record(actor, "dues.voluntary", payment, org_path=member.org.path, data={"member": member.pk, "amount": value})
    return payment


@transaction.atomic
def propose_relief(
    *,
    actor: Actor,
    member_id: int,
    kind: str,
    from_month: dt.date,
    reason: str,
    branch_decided_on: dt.date,
    to_month: dt.date | None = None,
    monthly_amount=None,
) -> DuesRelief:
    """The branch decides a hardship reduction or exemption; it applies once the next committee up approves."""
    member = _locked_member(actor, member_id)
    reason = clean_text(reason)
    errors = []
    if kind not in ReliefKind.values:
        errors.append(FieldError("kind", "bad_value", _("类型应为减交或免交")))
    if not reason:
        errors.append(FieldError("reason", "required", _("请填写困难情况")))
    if from_month is None:
        errors.append(FieldError("from_month", "required", _("请填写起始月份")))
    if branch_decided_on is None:
        errors.append(FieldError("branch_decided_on", "required", _("请填写支部决定日期")))
    if errors:
        raise ServiceError(errors)
    if to_month is not None and month_start(to_month) < month_start(from_month):
        raise ServiceError.single("to_month", "date_order", _("截止月份不能早于起始月份"))
    amount = Decimal("0.00")
    if kind == ReliefKind.REDUCE:
        amount = to_fen(money(monthly_amount, field="monthly_amount"))
    rules = dues_rules(on=branch_decided_on)
    relief = DuesRelief.objects.create(
        member=member,
        kind=kind,
        monthly_amount=amount,
        from_month=month_start(from_month),
        to_month=month_start(to_month) if to_month else None,
        reason=reason[:500],
        branch_decided_on=branch_decided_on,
        rule_version=rules.version,
        proposed_by=actor.label,
    )
    audit.record(actor, "dues.relief.propose", relief, org_path=member.org.path, data={"member": member.pk, "kind": kind, "monthly_amount": amount})
    return relief


@transaction.atomic
def decide_relief(*, actor: Actor, relief_id: int, approve: bool, on: dt.date, comment: str = "") -> DuesRelief:
    """The next committee up (write scope over the branch's parent) approves or rejects."""
    try:
        relief = DuesRelief.objects.select_for_update().select_related("member__org").get(pk=relief_id)
    except (DuesRelief.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    branch = relief.member.org
    if not scope(Org.objects.filter(pk=relief.member.org_id), actor).exists():
        raise NotFound()
    if branch.parent_id is None or not scope(Org.objects.filter(pk=branch.parent_id), actor, write=True).exists():
        raise ServiceError.single("relief", "needs_higher_committee", _("党费减免须由上一级党委审批"))
    if relief.status != ReliefStatus.PROPOSED:
        raise ServiceError.single("relief", "not_allowed", _("该申请已审批"))
    relief.status = ReliefStatus.APPROVED if approve else ReliefStatus.REJECTED
    relief.decided_on = on
    relief.decided_by = actor.label
    relief.decision_comment = clean_text(comment)[:500]
    relief.save(update_fields=["status", "decided_on", "decided_by", "decision_comment"])
    audit.record(actor, "dues.relief.decide", relief, org_path=branch.path, data={"status": relief.status, "comment": relief.decision_comment})
    return relief


@transaction.atomic
def set_branch_quarterly(*, actor: Actor, org_id: int, allowed: bool, decided_on: dt.date | None, note: str = "") -> BranchDuesSetting:
    org = params.writable_org(actor, org_id, active=False, missing="not_found")
    if not org.is_branch:
        raise ServiceError.single("org", "bad_value", _("按季度交纳由党支部决定"))
    setting, _created = BranchDuesSetting.objects.get_or_create(org=org)
    before = setting.quarterly_allowed
    setting.quarterly_allowed = bool(allowed)
    setting.decided_on = decided_on
    setting.note = clean_text(note)[:200]
    setting.save()
    audit.record(actor, "dues.quarterly", setting, org_path=org.path, changes={"quarterly_allowed": [before, setting.quarterly_allowed]})
    return setting
