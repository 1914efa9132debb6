"""Writes to the party-building funds ledger: each one validated, in one transaction, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from orgwork.core import audit, params
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, ServiceError
from orgwork.core.scope import get_in_scope
from orgwork.orgs.models import Org, OrgKind

from .models import ExpenseCategory, FundEntry, FundKind

MAX_AMOUNT = Decimal("100000000.00")


def _fields(entry: FundEntry) -> dict:
    return {
        "org": entry.org_id, "kind": entry.kind, "amount": entry.amount, "on": entry.on, "category": entry.category,
        "purpose": entry.purpose, "voucher": entry.voucher, "counterpart": entry.counterpart_id,
    }  # fmt: skip


@transaction.atomic
def record_entry(
    *,
    actor: Actor,
    org_id,
    kind: str,
    amount,
    on: dt.date | None,
    purpose: str = "",
    category: str = "",
    voucher: str = "",
    counterpart_id=None,
    today: dt.date | None = None,
) -> FundEntry:
    """Add a ledger line. Money passed down (拨付下级) names a lower org and adds its 上级下拨 line in the same
    transaction, so what left one ledger always arrives in the other."""
    today = today or dt.date.today()
    org = params.writable_org(actor, org_id)
    errors: list[FieldError] = []
    if kind not in FundKind.values:
        errors.append(FieldError("kind", "bad_value", _("请选择经费类别")))
    if kind == FundKind.RECEIVED:
        errors.append(FieldError("kind", "not_allowed", _("上级下拨由上级党组织登记“拨付下级”时自动生成")))
    try:
        value = params.to_decimal(amount, field="amount", label=_("金额"), required=True, min_value=Decimal("0.01"), max_value=MAX_AMOUNT)
    except ServiceError as e:
        errors.extend(e.errors)
        value = None
    if on is None:
        errors.append(FieldError("on", "required", _("请填写日期")))
    elif on > today:
        errors.append(FieldError("on", "future_date", _("日期不能晚于今天")))
    purpose = (purpose or "").strip()
    voucher = (voucher or "").strip()
    if len(purpose) > 200:
        errors.append(FieldError("purpose", "too_long", _("事由不能超过200字")))
    if len(voucher) > 60:
        errors.append(FieldError("voucher", "too_long", _("凭证号不能超过60字")))
    if kind == FundKind.EXPENSE:
        if category not in ExpenseCategory.values:
            errors.append(FieldError("category", "required", _("请选择支出用途")))
        if not purpose:
            errors.append(FieldError("purpose", "required", _("请填写支出事由")))
    else:
        category = ""
    counterpart = None
    if kind == FundKind.PASSED_DOWN:
        if not counterpart_id:
            errors.append(FieldError("counterpart", "required", _("请选择接收经费的下级党组织")))
        else:
            try:
                counterpart = get_in_scope(Org.objects.all(), actor, write=True, pk=params.to_id(counterpart_id, field="counterpart", label=_("下级党组织"), required=True))
            except (NotFound, ServiceError):  # missing, out of scope or malformed: the same answer, no existence leak
                counterpart = None
            if counterpart is None or not counterpart.path.startswith(org.path) or counterpart.pk == org.pk:
                errors.append(FieldError("counterpart", "bad_value", _("接收经费的应是本组织的下级党组织")))
            elif not counterpart.is_active or counterpart.kind == OrgKind.GROUP:
                errors.append(FieldError("counterpart", "bad_value", _("“%(name)s”已撤销或是党小组，不能接收经费") % {"name": counterpart.name}))
    if errors:
        raise ServiceError(errors)
    entry = FundEntry.objects.create(
        org=org, year=on.year, on=on, kind=kind, amount=value, category=category, purpose=purpose, voucher=voucher,
        counterpart=counterpart, actor_label=actor.label,
    )  # fmt: skip
    audit.record(actor, "funds.entry", entry, changes=audit.diff({}, _fields(entry)))
    if counterpart is not None:
        mirror = FundEntry.objects.create(
            org=counterpart, year=on.year, on=on, kind=FundKind.RECEIVED, amount=value, purpose=purpose or f"{org.name}下拨",
            voucher=voucher, counterpart=org, pair=entry, actor_label=actor.label,
        )  # fmt: skip
        entry.pair = mirror
        entry.save(update_fields=["pair"])
        audit.record(actor, "funds.entry", mirror, changes=audit.diff({}, _fields(mirror)), data={"pair": entry.pk})
    return entry


@transaction.atomic
def void_entry(*, actor: Actor, entry_id, reason: str, today: dt.date | None = None) -> FundEntry:
    """Void a wrong line (and its counterpart line) with a reason; the line stays in the ledger, struck through."""
    pk = params.to_id(entry_id, field="entry", label=_("台账记录"), required=True)
    entry = get_in_scope(FundEntry.objects.select_for_update(), actor, write=True, pk=pk)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError.single("reason", "required", _("请填写作废原因"))
    if len(reason) > 200:
        raise ServiceError.single("reason", "too_long", _("作废原因不能超过200字"))
    if entry.voided_on:
        raise ServiceError.single("entry", "not_allowed", _("该记录已作废"))
    if entry.kind == FundKind.RECEIVED:
        raise ServiceError.single("entry", "not_allowed", _("上级下拨记录由拨付的上级党组织作废"))
    day = today or dt.date.today()
    for line in (entry, entry.pair) if entry.pair_id else (entry,):
        line.voided_on = day
        line.void_reason = reason
        line.save(update_fields=["voided_on", "void_reason"])
        audit.record(actor, "funds.void", line, changes={"voided_on": [None, day]}, data={"reason": reason})
    return entry


@transaction.atomic
def post_dues_kept(*, actor: Actor, org_id, year: int, today: dt.date | None = None) -> FundEntry | None:
    """Post the dues an org kept in a year (the dues collection report, per the province's shares) to its ledger;
    a second call posts only the difference from what was already posted."""
    from .selectors import dues_kept_by_org

    org = params.writable_org(actor, org_id)
    today = today or dt.date.today()
    if year > today.year:
        raise ServiceError.single("year", "out_of_range", _("年度不能晚于今年"))
    kept = dues_kept_by_org(actor, under=org, year=year).get(org.pk, Decimal("0.00"))
    posted = sum(
        (e.amount for e in FundEntry.objects.filter(org=org, year=year, kind=FundKind.DUES_KEPT, voided_on__isnull=True)), Decimal("0.00")
    )
    diff = kept - posted
    if diff <= 0:
        return None
    on = min(today, dt.date(year, 12, 31))
    return record_entry(actor=actor, org_id=org.pk, kind=FundKind.DUES_KEPT, amount=diff, on=on, purpose=f"{year}年党费留存（按党费收缴统计）", today=today)
