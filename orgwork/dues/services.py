"""Every dues write: keyword-only arguments, one transaction, an audit event inside it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from orgwork.core import audit, distribution, params
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


def _ym(month: dt.date) -> str:
    """A month as messages write it (2024年03月)."""
    return _("%(year)s年%(month)02d月") % {"year": month.year, "month": month.month}


def due_for_months(member: Member, months: list[dt.date]) -> list[tuple[dt.date, Decimal, DuesBase | None, DuesRelief | None]]:
    effective, pending = _bases(member)
    reliefs = list(DuesRelief.objects.filter(member=member, status=ReliefStatus.APPROVED))
    out = []
    for m in months:
        base = _base_for(m, effective, pending)
        if base is None:
            raise ServiceError.single("base", "no_base", _("%(month)s尚未核定党费交纳基数，请先核定") % {"month": _ym(m)})
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
        raise ServiceError.single("member", "not_allowed", _("党籍状态为“%(standing)s”，不能登记党费") % {"standing": member.get_standing_display()})
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
        raise ServiceError.single("base_category", "no_base", _("%(name)s尚未核定党费交纳基数：请在本表选择交纳类别并填写基数") % {"name": member.name})
    first = month_start(from_month)
    wanted = [add_months(first, i) for i in range(months)]
    current = month_start(paid_on)
    if first < dues_start(member):
        errors.append(FieldError("from_month", "before_start", _("党员自%(month)s起交纳党费") % {"month": _ym(dues_start(member))}))
    earliest = add_months(current, -rules["back_payment_max_months"])
    if first < earliest:
        errors.append(FieldError("from_month", "back_payment_limit", _("补交党费不得超过%(n)s个月（最早%(month)s）") % {"n": rules["back_payment_max_months"], "month": _ym(earliest)}))
    if wanted[-1] > current:
        if not quarterly_allowed(member.org):
            errors.append(FieldError("months", "quarterly_not_allowed", _("党费按月交纳；预交须经支部同意按季度交纳")))
        elif wanted[-1] > quarter_end(current):
            errors.append(FieldError("months", "beyond_quarter", _("按季度交纳最多预交到本季度末（%(month)s）") % {"month": _ym(quarter_end(current))}))
    if errors:
        raise ServiceError(errors)
    paid_months = set(DuesMonth.objects.filter(member=member, month__in=wanted).values_list("month", flat=True))
    if paid_months:
        listed = "、".join(_ym(m) for m in sorted(paid_months))
        raise ServiceError.single("from_month", "already_paid", _("%(months)s的党费已登记") % {"months": listed})
    lines = due_for_months(member, wanted)
    total = to_fen(sum((x[1] for x in lines), Decimal("0")))
    if amount not in (None, ""):
        given = to_fen(money(amount, field="amount"))
        if given != total:
            raise ServiceError.single("amount", "amount_mismatch", _("应交%(total)s元，实收%(given)s元，金额不符") % {"total": total, "given": given})
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
            distribution.fill(rows)  # the ledger rows carry the member's top-level org
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


# --- dues a member pays from the phone: provider orders, signed callbacks, the branch confirms ----------------


def _member_payment_item(mp, title: str):
    from django.urls import reverse

    from orgwork.core import deadlines

    return deadlines.Item(
        kind="dues.member_payment", category="dues", title=title, org_id=mp.org_id, url=reverse("selfservice:payments"),
        key=f"dues:member_payment:{mp.pk}:{mp.status}", body=_("%(month)s起%(months)s个月，%(amount)s元") % {"month": _ym(mp.from_month), "months": mp.months, "amount": mp.amount}, waiting=True,
        subject=mp.member.name, escalate=False,
    )  # fmt: skip


def _tell_branch_payment(mp, actor: Actor) -> None:
    from orgwork.core import deadlines

    deadlines.notify_now([_member_payment_item(mp, _("%(name)s交纳党费%(amount)s元，待支部确认") % {"name": mp.member.name, "amount": mp.amount})], actor=actor)


def payable_months(member: Member, *, today: dt.date | None = None) -> list[tuple[dt.date, Decimal]]:
    """The months a member may pay now from the phone, oldest first, with the amount due: unpaid months from the
    back-payment limit (组通字〔2008〕3号 二, at most 6 months back) or the month dues start, up to this month; months
    already in an open phone payment are left out. Empty when no base has been declared."""
    from .models import OPEN_MEMBER_PAYMENT, MemberPayment

    today = _today(today)
    if member.standing != Standing.NORMAL or not DuesBase.objects.filter(member=member, superseded=False).exists():
        return []
    rules = dues_rules(on=today)
    current = month_start(today)
    first = max(add_months(current, -rules["back_payment_max_months"]), dues_start(member))
    months, m = [], first
    while m <= current:
        months.append(m)
        m = add_months(m, 1)
    paid = set(DuesMonth.objects.filter(member=member, month__in=months).values_list("month", flat=True))
    held = set()
    for mp in MemberPayment.objects.filter(member=member, status__in=OPEN_MEMBER_PAYMENT):
        held.update(add_months(mp.from_month, i) for i in range(mp.months))
    free = [m for m in months if m not in paid and m not in held]
    return [(m, due) for m, due, _b, _r in due_for_months(member, free)] if free else []


def _new_order_no() -> str:
    import secrets

    from django.utils import timezone

    return f"DF{timezone.localtime():%Y%m%d%H%M%S}{secrets.token_hex(4).upper()}"


@transaction.atomic
def start_member_payment(
    *, actor: Actor, from_month: dt.date, months: int, channel: str, member_id: int | None = None, note: str = "", today: dt.date | None = None,
):  # fmt: skip
    """A member pays dues from the phone (online through the provider) or reports paying the branch (cash, bank
    transfer). With `member_id` a secretary acts for a member without a smartphone (assisted: recorded as such).
    Returns (member_payment, pay_url or ""). Nothing reaches the ledger until the branch confirms."""
    from django.urls import reverse

    from .models import MemberPayment, MemberPaymentChannel, MemberPaymentStatus
    from .providers import PaymentError, provider

    today = _today(today)
    assisted = member_id is not None
    if assisted:
        member = _locked_member(actor, member_id)
    else:
        own = list(Member.objects.select_for_update().select_related("org").filter(pk__in=actor.self_member_ids)[:2])
        if len(own) != 1:
            raise ServiceError.single("member", "no_record", _("您的账号尚未关联党员档案，请联系所在党支部"))
        member = own[0]
    if member.standing != Standing.NORMAL:
        raise ServiceError.single("member", "not_allowed", _("党籍状态为“%(standing)s”，不能交纳党费") % {"standing": member.get_standing_display()})
    if channel not in MemberPaymentChannel.values:
        raise ServiceError.single("channel", "bad_value", _("请选择交纳方式"))
    if from_month is None:
        raise ServiceError.single("from_month", "required", _("请选择从哪个月开始交纳"))
    if not isinstance(months, int) or months < 1 or months > 12:
        raise ServiceError.single("months", "bad_value", _("月数应为1至12"))
    if not DuesBase.objects.filter(member=member, superseded=False).exists():
        raise ServiceError.single("from_month", "no_base", _("尚未核定党费交纳基数，请先向支部申报"))
    payable = dict(payable_months(member, today=today))
    wanted = [add_months(month_start(from_month), i) for i in range(months)]
    missing = [m for m in wanted if m not in payable]
    if missing:
        listed = "、".join(_ym(m) for m in missing)
        raise ServiceError.single("months", "not_payable", _("%(months)s不能在手机上交纳（已交纳、已在办理中、超出补交期限或尚未到期）") % {"months": listed})
    amount = to_fen(sum((payable[m] for m in wanted), Decimal("0")))
    if amount <= 0:
        raise ServiceError.single("months", "nothing_due", _("所选月份无需交纳党费（已批准免交）"))
    mp = MemberPayment.objects.create(
        member=member, org=member.org, order_no=_new_order_no(), channel=channel, from_month=wanted[0], months=months, amount=amount,
        status=MemberPaymentStatus.PENDING if channel == MemberPaymentChannel.ONLINE else MemberPaymentStatus.REPORTED,
        note=clean_text(note)[:200], created_by_id=actor.user_id, assisted_by=actor.label if assisted else "",
    )  # fmt: skip
    pay_url = ""
    if channel == MemberPaymentChannel.ONLINE:
        p = provider()
        try:
            created = p.create_order(
                order_no=mp.order_no, amount=amount, subject=f"{member.name} 党费 {wanted[0]:%Y年%m月}起{months}个月",
                notify_url=reverse("dues:pay_notify", args=[p.name]), return_url=reverse("selfservice:dues") + f"?order={mp.order_no}",
            )  # fmt: skip
        except PaymentError as exc:
            raise ServiceError.single("channel", "provider_failed", _("支付渠道暂不可用：%(reason)s") % {"reason": exc.message}) from None
        mp.provider, mp.provider_ref = p.name, created.provider_ref
        mp.save(update_fields=["provider", "provider_ref"])
        pay_url = created.pay_url
    data = {"member": member.pk, "order_no": mp.order_no, "months": [f"{m:%Y-%m}" for m in wanted], "amount": amount, "channel": channel}
    if assisted:
        data["assisted_for"] = member.name
    audit.record(actor, "dues.member_payment.assisted" if assisted else "dues.member_payment.start", mp, data=data)
    if mp.status == MemberPaymentStatus.REPORTED:
        _tell_branch_payment(mp, actor)
    return mp, pay_url


def payment_notified(*, provider_name: str, values: dict):
    """A provider's signed callback: verified (signature, age), accepted once per notify id, the amount checked
    against the order; the order is then paid and waits for the branch. Returns the MemberPayment; raises
    PaymentError for a forged, stale, replayed or mismatched callback (recorded and audited, nothing paid)."""
    from .models import MemberPayment, MemberPaymentStatus, PaymentNotice
    from .providers import PaymentError, provider

    system = Actor.system_actor(f"支付渠道:{provider_name}"[:150])
    safe = {k: str(v)[:200] for k, v in values.items() if k != "sign"}

    def refuse(code: str, message: str, order_no: str = ""):
        with transaction.atomic():
            n = PaymentNotice.objects.create(provider=provider_name[:30], notify_id=str(values.get("notify_id") or "")[:64], order_no=order_no[:40], accepted=False, reason=code, data=safe)
            audit.record(system, "dues.pay_notice_refused", n, data={"reason": code, "order_no": order_no})
        raise PaymentError(code, message)

    try:
        p = provider(provider_name)
        notice = p.verify_notify(values)
    except PaymentError as exc:
        refuse(exc.code, exc.message, str(values.get("order_no") or ""))
    with transaction.atomic():
        mp = MemberPayment.objects.select_for_update().select_related("member", "org").filter(order_no=notice.order_no, provider=p.name).first()
        if mp is None:
            code, message = "unknown_order", "订单不存在"
        elif PaymentNotice.objects.filter(provider=p.name, notify_id=notice.notify_id, accepted=True).exists():
            code, message = "replayed", "该回调已处理过"
        elif to_fen(notice.amount) != mp.amount:
            code, message = "amount_mismatch", "回调金额与订单不符"
        elif mp.status in (MemberPaymentStatus.PAID, MemberPaymentStatus.CONFIRMED):
            # the provider repeats its notify until it is answered: a fresh, valid one for a paid order changes nothing
            PaymentNotice.objects.create(provider=p.name, notify_id=notice.notify_id, order_no=mp.order_no, accepted=True, reason="duplicate", data=safe)
            return mp
        elif mp.status != MemberPaymentStatus.PENDING:
            code, message = "not_pending", "订单已不是待支付状态"
        else:
            code = ""
        if not code:
            try:
                with transaction.atomic():
                    PaymentNotice.objects.create(provider=p.name, notify_id=notice.notify_id, order_no=mp.order_no, accepted=True, data=safe)
            except IntegrityError:
                code, message = "replayed", "该回调已处理过"
        if not code:
            mp.status, mp.paid_at = MemberPaymentStatus.PAID, notice.paid_at
            mp.provider_ref = notice.provider_ref or mp.provider_ref
            mp.save(update_fields=["status", "paid_at", "provider_ref"])
            audit.record(system, "dues.member_payment.paid", mp, data={"order_no": mp.order_no, "amount": mp.amount, "provider_ref": mp.provider_ref, "notify_id": notice.notify_id})
            _tell_branch_payment(mp, system)
            return mp
    refuse(code, message, notice.order_no)


@transaction.atomic
def confirm_member_payment(*, actor: Actor, member_payment_id: int, today: dt.date | None = None):
    """The branch confirms a phone payment: it is written to the ledger through `record_payment` (the console's
    rules: base, months, back-payment limit, amount), the receipt number being the order number. An online order is
    checked with the provider first."""
    from django.utils import timezone

    from orgwork.core.scope import get_in_scope

    from .models import MemberPayment, MemberPaymentChannel, MemberPaymentStatus
    from .providers import provider

    mp = get_in_scope(MemberPayment.objects.select_for_update(of=("self",)).select_related("member", "org"), actor, write=True, pk=member_payment_id)
    if mp.status not in (MemberPaymentStatus.PAID, MemberPaymentStatus.REPORTED):
        raise ServiceError.single("member_payment", "not_waiting", _("该交纳记录为“%(status)s”，无需确认") % {"status": mp.get_status_display()})
    method = {MemberPaymentChannel.CASH: Method.CASH, MemberPaymentChannel.BANK: Method.BANK}.get(mp.channel, Method.OTHER)
    if mp.channel == MemberPaymentChannel.ONLINE:
        p = provider(mp.provider)
        state = p.query(order_no=mp.order_no)
        if state.status != "paid" or (state.amount is not None and to_fen(state.amount) != mp.amount):
            raise ServiceError.single("member_payment", "provider_unconfirmed", _("支付渠道查询不到该笔已支付的订单，请核实后再确认"))
        method = p.method
    paid_on = timezone.localtime(mp.paid_at).date() if mp.paid_at else timezone.localtime(mp.created_at).date()
    note = "党员手机交纳" + (f"（{mp.assisted_by}代为办理）" if mp.assisted_by else "")
    payment = record_payment(
        actor=actor, member_id=mp.member_id, from_month=mp.from_month, months=mp.months, paid_on=paid_on, payer=Payer.SELF, method=method,
        receipt_no=mp.order_no, amount=mp.amount, note=note, today=today,
    )  # fmt: skip
    mp.status, mp.payment = MemberPaymentStatus.CONFIRMED, payment
    mp.decided_by, mp.decided_at = actor.label, timezone.now()
    mp.save(update_fields=["status", "payment", "decided_by", "decided_at"])
    audit.record(actor, "dues.member_payment.confirmed", mp, data={"order_no": mp.order_no, "payment": payment.pk, "amount": mp.amount})
    return mp


@transaction.atomic
def reject_member_payment(*, actor: Actor, member_payment_id: int, reason: str):
    """The branch does not confirm (no money received, wrong months): the member sees the reason; an online payment
    is refunded by the branch outside the system."""
    from django.utils import timezone

    from orgwork.core.scope import get_in_scope

    from .models import MemberPayment, MemberPaymentStatus

    mp = get_in_scope(MemberPayment.objects.select_for_update(of=("self",)).select_related("member", "org"), actor, write=True, pk=member_payment_id)
    if mp.status not in (MemberPaymentStatus.PAID, MemberPaymentStatus.REPORTED):
        raise ServiceError.single("member_payment", "not_waiting", _("该交纳记录为“%(status)s”，无需处理") % {"status": mp.get_status_display()})
    reason = clean_text(reason)
    if not reason:
        raise ServiceError.single("reason", "required", _("请填写未确认的原因"))
    mp.status, mp.reject_reason = MemberPaymentStatus.REJECTED, reason[:200]
    mp.decided_by, mp.decided_at = actor.label, timezone.now()
    mp.save(update_fields=["status", "reject_reason", "decided_by", "decided_at"])
    audit.record(actor, "dues.member_payment.rejected", mp, data={"order_no": mp.order_no, "reason": mp.reject_reason})
    return mp


@transaction.atomic
def cancel_member_payment(*, actor: Actor, member_payment_id: int):
    """The member gives up an order not paid yet (the fake cashier's trade is closed too)."""
    from orgwork.core.scope import get_in_scope

    from .models import MemberPayment, MemberPaymentStatus
    from .providers import provider

    mp = get_in_scope(MemberPayment.objects.select_for_update(of=("self",)), actor, pk=member_payment_id)
    if mp.member_id not in actor.self_member_ids and not scope(Member.objects.filter(pk=mp.member_id), actor, write=True).exists():
        raise NotFound()
    if mp.status != MemberPaymentStatus.PENDING:
        raise ServiceError.single("member_payment", "not_pending", _("只能取消尚未支付的订单"))
    if mp.provider:
        state = provider(mp.provider).query(order_no=mp.order_no)
        if state.status == "paid":
            raise ServiceError.single("member_payment", "already_paid", _("该订单已支付，正在等待到账通知，不能取消"))
        close = getattr(provider(mp.provider), "close", None)
        if close:
            close(mp.order_no)
    mp.status = MemberPaymentStatus.CANCELLED
    mp.save(update_fields=["status"])
    audit.record(actor, "dues.member_payment.cancelled", mp, org_path=mp.org.path, data={"order_no": mp.order_no})
    return mp
