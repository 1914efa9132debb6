"""Reads of the party-building funds ledger, all through the actor's scope: the ledger, the report per scope,
and the automatic indicator "funds reaching branches" (经费落实到支部) a scoring engine can call."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from orgwork.core import params
from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound
from orgwork.core.fields import subtree_q
from orgwork.core.rules import UnknownRule
from orgwork.core.scope import scope
from orgwork.dues import selectors as dues_selectors
from orgwork.orgs.models import BRANCH_KINDS, Org, OrgKind
from orgwork.stats import selectors as stats_selectors

from .models import INCOME_KINDS, ExpenseCategory, FundEntry, FundKind
from .rules import allocation_rules

ZERO = Decimal("0.00")


def entries(actor: Actor):
    return scope(FundEntry.objects.select_related("org", "counterpart"), actor)


def ledger(actor: Actor, *, org: Org, year: int):
    """One org's ledger lines of a year, in date order (voided lines included, marked)."""
    return entries(actor).filter(org=org, year=year).order_by("on", "id")


def rules_for(year: int):
    try:
        return allocation_rules(on=dt.date(year, 12, 31))
    except UnknownRule:
        raise params.ParamError("year", "no_rule_in_force", _("%(year)s年没有适用的党建经费保障标准") % {"year": year}, label=_("年度")) from None


def dues_kept_by_org(actor: Actor, *, under: Org | None, year: int) -> dict[int, Decimal]:
    """What each org kept of the year's dues (collected + received from below − passed up, per the province's
    shares in the dues app's rule table `dues.remittance`)."""
    report = dues_selectors.collection_report(actor, year=year, under=under)
    return {r.org_id: r.kept for r in report.rows if r.org_id is not None}


@dataclass
class OrgRow:
    org_id: int
    name: str
    kind: str
    path: str
    depth: int
    members: int = 0
    income: dict = field(default_factory=dict)  # kind -> Decimal
    passed_down: Decimal = ZERO
    expense: Decimal = ZERO
    dues_kept: Decimal = ZERO  # from the dues collection report
    dues_remitted: Decimal = ZERO
    floor: Decimal | None = None  # branches: members × per-member floor
    reached: Decimal = ZERO  # income of the kinds that count as reaching the org

    @property
    def income_total(self) -> Decimal:
        return sum(self.income.values(), ZERO)

    @property
    def balance(self) -> Decimal:
        return self.income_total - self.passed_down - self.expense

    @property
    def is_branch(self) -> bool:
        return self.kind in BRANCH_KINDS

    @property
    def meets_floor(self) -> bool | None:
        if self.floor is None:
            return None
        return self.reached >= self.floor

    @property
    def dues_posted_ok(self) -> bool:
        return self.income.get(FundKind.DUES_KEPT, ZERO) == self.dues_kept


@dataclass
class FundsReport:
    year: int
    rule_version: str
    rule_source: str
    per_member_floor: Decimal
    rows: list[OrgRow]
    expenses: list[tuple[str, Decimal]]
    totals: dict
    branches: int = 0
    branches_reached: int = 0

    @property
    def failing_branches(self) -> list[OrgRow]:
        return [r for r in self.rows if r.is_branch and r.members and not r.meets_floor]


def report_roots(actor: Actor, under: Org | None) -> list[Org]:
    if under is not None:
        return [under]
    if not actor.unrestricted and not actor.subtree_paths():
        raise NotFound()
    qs = Org.objects.filter(abolished_on__isnull=True)
    tops = list(qs.filter(depth=1)) if actor.unrestricted else list(qs.filter(path__in=actor.subtree_paths()))
    if not tops:
        raise NotFound()
    return sorted(tops, key=lambda o: o.path)


def report(actor: Actor, *, under: Org | None, year: int) -> FundsReport:
    """Per org of the scope: funds received by kind, passed down, spent, balance, dues kept and passed up; for
    branches the per-member floor and whether the year's funds reached it."""
    rules = rules_for(year)
    per_member = Decimal(rules["per_member_floor"])
    reaching = set(rules["reaching_kinds"])
    roots = report_roots(actor, under)
    area = subtree_q(roots[0].path, "path")
    for r in roots[1:]:
        area |= subtree_q(r.path, "path")
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    orgs = scope(Org.objects.filter(area).exclude(kind=OrgKind.GROUP), actor).exclude(abolished_on__lt=start).exclude(founded_on__gt=end)
    rows = {o["pk"]: OrgRow(o["pk"], o["name"], o["kind"], o["path"], o["depth"]) for o in orgs.values("pk", "name", "kind", "path", "depth")}
    members = stats_selectors.member_totals(rows)
    for oid, row in rows.items():
        row.members = members.get(oid, 0)
        if row.is_branch:
            row.floor = (per_member * row.members).quantize(Decimal("0.01"))
    lines = entries(actor).filter(org_id__in=list(rows), year=year, voided_on__isnull=True)
    for r in lines.values("org_id", "kind").annotate(s=Sum("amount")).order_by():
        row = rows[r["org_id"]]
        if r["kind"] in INCOME_KINDS:
            row.income[r["kind"]] = r["s"]
            if r["kind"] in reaching:
                row.reached += r["s"]
        elif r["kind"] == FundKind.PASSED_DOWN:
            row.passed_down = r["s"]
        else:
            row.expense = r["s"]
    spent = defaultdict(lambda: ZERO)
    for r in lines.filter(kind=FundKind.EXPENSE).values("category").annotate(s=Sum("amount")).order_by():
        spent[r["category"]] += r["s"]
    for root in roots:
        dues = dues_selectors.collection_report(actor, year=year, under=root)
        for d in dues.rows:
            if d.org_id in rows:
                rows[d.org_id].dues_kept = d.kept
                rows[d.org_id].dues_remitted = d.remit
    ordered = sorted(rows.values(), key=lambda r: r.path)
    branch_rows = [r for r in ordered if r.is_branch and r.members]
    totals = {
        "income": sum((r.income_total for r in ordered), ZERO),
        "passed_down": sum((r.passed_down for r in ordered), ZERO),
        "expense": sum((r.expense for r in ordered), ZERO),
        "dues_kept": sum((r.dues_kept for r in ordered), ZERO),
        "dues_remitted": sum((r.dues_remitted for r in roots_rows(ordered, roots)), ZERO),
        "members": sum(members.get(r.pk, 0) for r in roots),
    }
    return FundsReport(
        year=year,
        rule_version=rules.version,
        rule_source=rules.source,
        per_member_floor=per_member,
        rows=ordered,
        expenses=[(str(label), spent.get(v, ZERO)) for v, label in ExpenseCategory.choices],
        totals=totals,
        branches=len(branch_rows),
        branches_reached=sum(1 for r in branch_rows if r.meets_floor),
    )


def roots_rows(rows: list[OrgRow], roots: list[Org]) -> list[OrgRow]:
    ids = {r.pk for r in roots}
    return [r for r in rows if r.org_id in ids]


INDICATOR_CODE = "funds_reaching_branches"


def branch_funding_indicator(actor: Actor, *, under: Org | None = None, year: int) -> dict:
    """The automatic standardization indicator 经费落实到支部: the share of branches (with members) whose funds
    in the year reached the per-member floor (rule `funds.allocation`), with the branches that fall short.

    A scoring engine calls it with the actor it scores for and reads `value` (0–1) and `failing`."""
    data = report(actor, under=under, year=year)
    failing = data.failing_branches
    return {
        "code": INDICATOR_CODE,
        "label": _("党建经费落实到支部"),
        "year": year,
        "value": round(data.branches_reached / data.branches, 4) if data.branches else None,
        "numerator": data.branches_reached,
        "denominator": data.branches,
        "rule_version": data.rule_version,
        "rule_source": data.rule_source,
        "per_member_floor": str(data.per_member_floor),
        "failing": [
            {"org_id": r.org_id, "name": r.name, "members": r.members, "reached": str(r.reached), "floor": str(r.floor)} for r in failing
        ],
    }
