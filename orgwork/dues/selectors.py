"""Every dues read, scoped to the actor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Q, QuerySet, Sum

from orgwork.core.actor import Actor
from orgwork.core.fields import subtree_q
from orgwork.core.normalize import add_months
from orgwork.core.scope import scope
from orgwork.members.models import Member, Standing
from orgwork.orgs.models import Org

from .calc import month_start, months_between
from .models import DuesBase, DuesMonth, DuesPayment, DuesRelief, PaymentKind, ReliefStatus
from .rules import dues_rules, remittance_rules, to_fen

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
    flagged: bool  # 6 consecutive months with a base declared: the branch considers self-exit (a person decides)
    no_base: bool = False  # never had a base declared: the first arrears to settle (declared with the next payment)


def ledger_start() -> dt.date | None:
    """The month the county began keeping dues here (settings.DUES_LEDGER_START, "YYYY-MM-DD"); None = always."""
    from django.conf import settings

    value = getattr(settings, "DUES_LEDGER_START", None)
    if not value:
        return None
    return month_start(value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)))


def arrears(actor: Actor, *, under: Org | None = None, min_months: int | None = None, today: dt.date | None = None) -> list[Arrear]:
    """Members in good standing with `min_months` (default: the rule table's first listing threshold)
    or more consecutive unpaid months up to last month.

    Unpaid months count from the month after the last one paid; a member who never paid counts from the month
    dues start (the admission meeting, 组通字〔2008〕3号 二) or the ledger's start, whichever is later — whether
    or not a base was ever declared: a member without a base is the first arrears to settle, not absent.
    """
    today = today or dt.date.today()
    rules = dues_rules(on=today)
    if min_months is None:
        min_months = rules["arrears_list_months"][0]
    last_complete = add_months(month_start(today), -1)
    start = ledger_start()
    qs = scope(Member.objects.filter(standing=Standing.NORMAL), actor)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    # Three grouped scans instead of a correlated subquery per member.
    members = list(qs.values("pk", "name", "org_id", "org__name", "joined_on").order_by("org__path", "name_pinyin", "pk"))
    ids = qs.values("pk")
    last_paid = dict(DuesMonth.objects.filter(member_id__in=ids).values("member_id").annotate(m=Max("month")).values_list("member_id", "m"))
    declared = set(DuesBase.objects.filter(member_id__in=ids).values_list("member_id", flat=True).distinct())
    out = []
    for r in members:
        lp = last_paid.get(r["pk"])
        if lp is not None:
            first_unpaid = add_months(lp, 1)
        else:
            first_unpaid = month_start(r["joined_on"])
            if start is not None and start > first_unpaid:
                first_unpaid = start
        n = months_between(first_unpaid, last_complete)
        if n >= min_months:
            no_base = r["pk"] not in declared
            # Never told what to pay: the branch declares the base first; the self-exit flag (党章第九条) needs
            # months the member was due to pay and did not.
            flagged = n >= rules["self_exit_unpaid_months"] and not no_base
            out.append(Arrear(r["pk"], r["name"], r["org_id"], r["org__name"], lp, n, flagged, no_base=no_base))
    out.sort(key=lambda a: (not a.no_base, -a.months))
    return out


def members_with_base(member_ids) -> list[int]:
    """Which of these (already scoped) members have a declared base."""
    return list(DuesBase.objects.filter(member_id__in=member_ids, superseded=False).values_list("member_id", flat=True).distinct())


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
    received: Decimal = ZERO  # passed up from the orgs below
    remit: Decimal = ZERO  # passed up to the level above (the province: to the centre)
    level: str = ""
    share: Decimal | None = None  # the share of ordinary dues passed up at this level

    @property
    def collected(self) -> Decimal:
        return self.regular + self.voluntary_small + self.voluntary_large

    @property
    def kept(self) -> Decimal:
        return self.collected + self.received - self.remit


LEVEL_LABELS = {"branch": "党支部", "general_branch": "党总支", "committee": "基层党委", "county": "县级党委", "city": "市级党委", "province": "省级党委"}


@dataclass
class CollectionReport:
    year: int
    month: int | None
    rule_version: str
    remit_rate: Decimal
    remit_deadline: dt.date
    rows: list[ReportRow] = field(default_factory=list)
    total: ReportRow | None = None
    remittance_version: str = ""
    remittance_source: str = ""
    shares: list[tuple[str, Decimal | None]] = field(default_factory=list)


def org_level(kind: str, depth: int) -> str:
    """The remittance level of an org: the deployment's top org is settings.DUES_TOP_LEVEL (default county)."""
    from django.conf import settings

    from orgwork.orgs.models import COMMITTEE_KINDS, OrgKind

    if depth == 1 and kind in COMMITTEE_KINDS:
        return getattr(settings, "DUES_TOP_LEVEL", "county")
    if kind in COMMITTEE_KINDS:
        return "committee"
    if kind == OrgKind.GENERAL_BRANCH:
        return "general_branch"
    return "branch"


def level_share(remittance, dues, level: str) -> Decimal:
    """The share of ordinary dues an org at `level` passes up; the province passes the centre's share."""
    share = remittance["shares"].get(level)
    if share is None:
        return Decimal(dues["central_remit_rate"])
    return Decimal(share)


def collection_report(actor: Actor, *, year: int, month: int | None = None, under: Org | None = None) -> CollectionReport:
    """Collections per org (by date paid) for a month or a year, and what each level passes up.

    Each org passes up its level's share (rule table `dues.remittance`, set by the province) of the ordinary dues
    it collected or received from below and keeps the rest; voluntary one-off payments of 1,000 yuan or more pass
    up whole on the way to the centre; the province remits 5% of the year's dues to the centre (组通字〔2008〕3号 三).
    """
    on = dt.date(year, month or 12, 1)
    rules = dues_rules(on=on)
    remittance = remittance_rules(on=on)
    rate = Decimal(rules["central_remit_rate"])
    big = Decimal(rules["voluntary_all_to_centre_from"])
    dm, dd = rules["central_remit_deadline"]
    report = CollectionReport(year, month, rules.version, rate, dt.date(year + 1, dm, dd), remittance_version=remittance.version, remittance_source=remittance.source)
    report.shares = [(LEVEL_LABELS[k], level_share(remittance, rules, k)) for k in LEVEL_LABELS]
    pay = payments(actor).filter(paid_on__year=year)
    if month:
        pay = pay.filter(paid_on__month=month)
    mem = scope(Member.objects.filter(standing=Standing.NORMAL), actor)
    orgs_in_view = scope(Org.objects.all(), actor)
    if under is not None:
        pay = pay.filter(subtree_q(under.path, "org__path"))
        mem = mem.filter(subtree_q(under.path, "org__path"))
        orgs_in_view = orgs_in_view.filter(subtree_q(under.path, "path"))
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
    # The chain up from every collecting org, within the actor's view: money flows through these.
    own = {o["pk"]: o for o in Org.objects.filter(pk__in=by_org).values("pk", "path", "name", "kind", "depth", "parent_id")}
    chain_paths = {p for o in own.values() for p in Org(path=o["path"]).ancestor_paths()} - {o["path"] for o in own.values()}
    info = dict(own)
    if chain_paths:
        for o in orgs_in_view.filter(path__in=chain_paths).values("pk", "path", "name", "kind", "depth", "parent_id"):
            info[o["pk"]] = o
            by_org.setdefault(o["pk"], ReportRow(o["pk"], ""))
    ordinary: dict[int, Decimal] = {}
    large: dict[int, Decimal] = {}
    for oid, row in by_org.items():
        ordinary[oid] = row.regular + row.voluntary_small
        large[oid] = row.voluntary_large
    total = ReportRow(None, "合计")
    # Bottom-up: each org passes its share of what it holds up to its parent.
    for oid in sorted(by_org, key=lambda k: -info[k]["depth"] if k in info else 0):
        row = by_org[oid]
        o = info.get(oid)
        if o is None:
            continue
        row.org_name = o["name"]
        row.level = LEVEL_LABELS[org_level(o["kind"], o["depth"])]
        row.share = level_share(remittance, rules, org_level(o["kind"], o["depth"]))
        up_ordinary = to_fen(ordinary[oid] * row.share)
        row.remit = up_ordinary + large[oid]
        parent = o["parent_id"]
        if parent in by_org and parent in info:
            ordinary[parent] += up_ordinary
            large[parent] += large[oid]
            by_org[parent].received += row.remit
        else:
            total.remit += row.remit  # leaves the view: what this report's top passes up
    paths = {k: v["path"] for k, v in info.items()}
    for oid, row in sorted(by_org.items(), key=lambda kv: paths.get(kv[0], "")):
        if oid not in info:
            continue
        report.rows.append(row)
        for f in ("members", "payers", "month_count", "regular", "voluntary_small", "voluntary_large"):
            setattr(total, f, getattr(total, f) + getattr(row, f))
    report.total = total
    return report


def member_payments(actor: Actor, *, waiting: bool | None = None):
    """Dues paid or reported from the phone (scoped: the branch sees its members', a member their own)."""
    from .models import MemberPayment, MemberPaymentStatus

    qs = scope(MemberPayment.objects.select_related("member", "org", "payment"), actor)
    if waiting:
        qs = qs.filter(status__in=(MemberPaymentStatus.PAID, MemberPaymentStatus.REPORTED))
    return qs.order_by("-created_at", "-pk")


def own_arrears_months(actor: Actor, member: Member, *, today: dt.date | None = None) -> int:
    """Consecutive unpaid months up to last month for one member the actor sees (0 when none)."""
    today = today or dt.date.today()
    if not scope(Member.objects.filter(pk=member.pk), actor).exists():
        return 0
    last_complete = add_months(month_start(today), -1)
    lp = DuesMonth.objects.filter(member=member).aggregate(m=Max("month"))["m"]
    if lp is not None:
        first_unpaid = add_months(lp, 1)
    else:
        first_unpaid = month_start(member.joined_on)
        start = ledger_start()
        if start is not None and start > first_unpaid:
            first_unpaid = start
    return months_between(first_unpaid, last_complete)
