"""Every dues read, scoped to the actor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Min, Q, QuerySet, Sum

from orgwork.core.actor import Actor
from orgwork.core.fields import subtree_q
from orgwork.core.normalize import add_months
from orgwork.core.scope import scope
from orgwork.members.models import Member, Standing
from orgwork.orgs.models import Org

from .calc import month_start, months_between
from .models import DuesBase, DuesMonth, DuesPayment, DuesRelief, PaymentKind, ReliefStatus
from .rules import dues_rules, to_fen

ZERO = Decimal("0.00")


def payments(actor: Actor) -> QuerySet[DuesPayment]:
    return scope(DuesPayment.objects.select_related("member", "org"), actor)


def ledger_rows(actor: Actor) -> QuerySet[DuesMonth]:
    return scope(DuesMonth.objects.all(), actor)


def reliefs(actor: Actor) -> QuerySet[DuesRelief]:
    return scope(DuesRelief.objects.select_related("member", "member__org"), actor)


def pending_reliefs(actor: Actor) -> QuerySet[DuesRelief]:
    return reliefs(actor).filter(status=ReliefStatus.PROPOSED).order_by("branch_decided_on", "id")


def current_base(member: Member) -> DuesBase | None:
    return DuesBase.objects.filter(member=member, superseded=False).order_by("-id").first()


@dataclass
class LedgerMonth:
    month: dt.date
    due: Decimal | None
    paid: Decimal | None
    paid_on: dt.date | None = None
    payer: str = ""
    method: str = ""
    receipt_no: str = ""


def member_ledger(actor: Actor, member: Member, *, year: int) -> list[LedgerMonth]:
    """Twelve months of one member: what was paid; unpaid months show the amount due now (None before the start)."""
    from .services import due_for_months, dues_start

    paid = {
        r.month: r
        for r in scope(DuesMonth.objects.filter(member=member, month__year=year).select_related("payment"), actor)
    }
    start = dues_start(member)
    out = []
    unpaid = [dt.date(year, m, 1) for m in range(1, 13) if dt.date(year, m, 1) not in paid and dt.date(year, m, 1) >= start]
    dues = {}
    if unpaid and current_base(member) is not None:
        dues = {m: d for m, d, _b, _r in due_for_months(member, unpaid)}
    for mo in range(1, 13):
        m = dt.date(year, mo, 1)
        r = paid.get(m)
        if r is not None:
            out.append(LedgerMonth(m, r.due, r.paid, r.paid_on, r.payment.get_payer_display(), r.payment.get_method_display(), r.payment.receipt_no))
        else:
            out.append(LedgerMonth(m, dues.get(m), None))
    return out


@dataclass
class Arrear:
    member_id: int
    name: str
    org_id: int
    org_name: str
    last_paid: dt.date | None
    months: int
    flagged: bool  # 6 consecutive months: the branch considers treating it as self-exit (a person decides)


def arrears(actor: Actor, *, under: Org | None = None, min_months: int | None = None, today: dt.date | None = None) -> list[Arrear]:
    """Members in good standing with `min_months` (default: the rule table's first listing threshold)
    or more consecutive unpaid months up to last month.

    A member enters the ledger with their first declared base or first payment; members not yet in it are
    not in arrears (they are listed by `members_without_base`).
    """
    today = today or dt.date.today()
    rules = dues_rules(on=today)
    if min_months is None:
        min_months = rules["arrears_list_months"][0]
    last_complete = add_months(month_start(today), -1)
    qs = scope(Member.objects.filter(standing=Standing.NORMAL), actor)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    # Three grouped scans instead of a correlated subquery per member.
    members = list(qs.values("pk", "name", "org_id", "org__name", "joined_on").order_by("org__path", "name_pinyin", "pk"))
    ids = qs.values("pk")
    last_paid = dict(DuesMonth.objects.filter(member_id__in=ids).values("member_id").annotate(m=Max("month")).values_list("member_id", "m"))
    first_declared = dict(DuesBase.objects.filter(member_id__in=ids).values("member_id").annotate(d=Min("declared_on")).values_list("member_id", "d"))
    rows = []
    for r in members:
        lp, fd = last_paid.get(r["pk"]), first_declared.get(r["pk"])
        if lp is None and fd is None:
            continue
        rows.append({**r, "last_paid": lp, "first_declared": fd})
    out = []
    for r in rows:
        if r["last_paid"] is not None:
            first_unpaid = add_months(r["last_paid"], 1)
        else:
            first_unpaid = max(month_start(r["first_declared"]), month_start(r["joined_on"]))
        n = months_between(first_unpaid, last_complete)
        if n >= min_months:
            out.append(Arrear(r["pk"], r["name"], r["org_id"], r["org__name"], r["last_paid"], n, n >= rules["self_exit_unpaid_months"]))
    out.sort(key=lambda a: -a.months)
    return out


def members_without_base(actor: Actor, *, under: Org | None = None) -> QuerySet[Member]:
    qs = scope(Member.objects.filter(standing=Standing.NORMAL, dues_bases__isnull=True), actor).select_related("org")
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    return qs.order_by("org__path", "name_pinyin")


@dataclass
class ReportRow:
    org_id: int | None
    org_name: str
    members: int = 0
    payers: int = 0
    month_count: int = 0
    regular: Decimal = ZERO
    voluntary_small: Decimal = ZERO
    voluntary_large: Decimal = ZERO
    remit: Decimal = ZERO

    @property
    def collected(self) -> Decimal:
        return self.regular + self.voluntary_small + self.voluntary_large


@dataclass
class CollectionReport:
    year: int
    month: int | None
    rule_version: str
    remit_rate: Decimal
    remit_deadline: dt.date
    rows: list[ReportRow] = field(default_factory=list)
    total: ReportRow | None = None


def collection_report(actor: Actor, *, year: int, month: int | None = None, under: Org | None = None) -> CollectionReport:
    """Collections per branch (by date paid) for a month or a year, with the share to remit to the centre.

    Remit = 5% of ordinary collections (voluntary payments under 1,000 count as ordinary) + every voluntary
    payment of 1,000 or more (组通字〔2008〕3号 三).
    """
    rules = dues_rules(on=dt.date(year, month or 12, 1))
    rate = Decimal(rules["central_remit_rate"])
    big = Decimal(rules["voluntary_all_to_centre_from"])
    dm, dd = rules["central_remit_deadline"]
    report = CollectionReport(year, month, rules.version, rate, dt.date(year + 1, dm, dd))
    pay = payments(actor).filter(paid_on__year=year)
    if month:
        pay = pay.filter(paid_on__month=month)
    mem = scope(Member.objects.filter(standing=Standing.NORMAL), actor)
    if under is not None:
        pay = pay.filter(subtree_q(under.path, "org__path"))
        mem = mem.filter(subtree_q(under.path, "org__path"))
    grouped = pay.values("org_id").annotate(
        payers=Count("member_id", distinct=True, filter=Q(kind=PaymentKind.REGULAR)),
        month_count=Sum("months"),
        regular=Sum("amount", filter=Q(kind=PaymentKind.REGULAR)),
        vsmall=Sum("amount", filter=Q(kind=PaymentKind.VOLUNTARY, amount__lt=big)),
        vlarge=Sum("amount", filter=Q(kind=PaymentKind.VOLUNTARY, amount__gte=big)),
    )
    by_org: dict[int, ReportRow] = {}
    for r in grouped:
        by_org[r["org_id"]] = ReportRow(
            r["org_id"], "", 0, r["payers"] or 0, r["month_count"] or 0, r["regular"] or ZERO, r["vsmall"] or ZERO, r["vlarge"] or ZERO
        )
    for r in mem.values("org_id").annotate(n=Count("pk")):
        by_org.setdefault(r["org_id"], ReportRow(r["org_id"], "")).members = r["n"]
    names = dict(Org.objects.filter(pk__in=by_org).values_list("pk", "name"))
    paths = dict(Org.objects.filter(pk__in=by_org).values_list("pk", "path"))
    total = ReportRow(None, "合计")
    for oid, row in sorted(by_org.items(), key=lambda kv: paths.get(kv[0], "")):
        row.org_name = names.get(oid, "")
        row.remit = to_fen((row.regular + row.voluntary_small) * rate) + row.voluntary_large
        report.rows.append(row)
        for f in ("members", "payers", "month_count", "regular", "voluntary_small", "voluntary_large"):
            setattr(total, f, getattr(total, f) + getattr(row, f))
    total.remit = to_fen((total.regular + total.voluntary_small) * rate) + total.voluntary_large
    report.total = total
    return report
