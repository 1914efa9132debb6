"""Compliance computed from the meetings held, never typed in (rules.md §5, the `org.life` rule table).

For each org the rules apply to and each period of each item: what was required, what was held, and
whether the item is done, still due, or overdue. A meeting counts only for the org it was held in —
a group meeting for its group, a general meeting for its branch. The scan reads aggregates only
(one grouped query per item and period, answered from the `meeting_scan` index), so a county or a
province is scanned in seconds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Count, Q
from django.utils.translation import gettext, gettext_noop

from orgwork.core.fields import subtree_q
from orgwork.core.rules import RuleSet
from orgwork.members.models import Member, Standing
from orgwork.orgs.models import Org, OrgOfficer
from orgwork.orgs.rules import structure_rules

from .models import Attendance, AttendanceStatus, Meeting
from .periods import Period
from .rules import life_rules

DONE, DUE, OVERDUE, NA = "done", "due", "overdue", "na"
STATE_LABELS = {DONE: gettext_noop("已完成"), DUE: gettext_noop("待完成"), OVERDUE: gettext_noop("逾期未完成"), NA: gettext_noop("不适用")}  # the exported documents keep the Chinese
STATE_RANK = {OVERDUE: 0, DUE: 1, DONE: 2, NA: 3}
# Below this many orgs the scan filters meetings by org id; above it, it reads the period's index range
# and keeps the orgs in question (cheaper than a huge IN list).
SMALL_SCOPE = 2000


@dataclass(slots=True, frozen=True)
class ItemResult:
    code: str
    label: str
    period: Period
    required: int
    held: int
    state: str
    citation: str = ""

    @property
    def state_label(self) -> str:
        return gettext(STATE_LABELS[self.state])


@dataclass(slots=True)
class OrgResult:
    org_id: int
    parent_id: int | None
    path: str
    name: str
    kind: str
    items: list[ItemResult] = field(default_factory=list)

    @property
    def state(self) -> str:
        states = [i.state for i in self.items if i.state != NA]
        if not states:
            return NA
        return min(states, key=STATE_RANK.__getitem__)

    @property
    def state_label(self) -> str:
        return gettext(STATE_LABELS[self.state])

    def overdue(self) -> list[ItemResult]:
        return [i for i in self.items if i.state == OVERDUE]

    def due(self) -> list[ItemResult]:
        return [i for i in self.items if i.state == DUE]

    def item(self, code: str, period_key: str | None = None) -> ItemResult | None:
        for i in self.items:
            if i.code == code and (period_key is None or i.period.key == period_key):
                return i
        return None


@dataclass(slots=True)
class _OrgRow:
    id: int
    parent_id: int | None
    path: str
    name: str
    kind: str
    founded_on: dt.date | None
    abolished_on: dt.date | None


def applies(row: _OrgRow, period: Period, rules: RuleSet) -> bool:
    """Whether an org owes a period at all: it existed for enough of it and was not abolished in it."""
    if row.abolished_on is not None and row.abolished_on <= period.end:
        return False
    if row.founded_on is not None and row.founded_on > period.start:
        if row.founded_on > period.end:
            return False
        existed = (period.end - row.founded_on).days + 1
        return existed >= rules["first_period_min_share"] * period.days
    return True


def state_of(required: int, held: int, period: Period, as_of: dt.date) -> str:
    if required <= 0:
        return NA
    if held >= required:
        return DONE
    return OVERDUE if period.end < as_of else DUE


def paths_q(paths: list[str] | None, field: str = "path") -> Q | None:
    """Subtrees as one condition (None: the whole tree)."""
    if paths is None:
        return None
    q = Q(pk__in=[])
    for p in paths:
        q |= subtree_q(p, field)
    return q


def _rows(qs) -> list[tuple]:
    """The rows of a values_list query as the driver gives them: no per-row converters (the scan reads hundreds of thousands)."""
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _org_rows(paths: list[str] | None, kinds: set[str], earliest: dt.date) -> list[tuple]:
    """(id, parent_id, path, name, kind, founded_on, abolished_on) as the driver gives them (dates may be text on
    SQLite: `_date` them before use)."""
    qs = Org.objects.filter(kind__in=kinds).filter(Q(abolished_on__isnull=True) | Q(abolished_on__gt=earliest))
    if paths is not None:
        qs = qs.filter(paths_q(paths))
    return _rows(qs.order_by("path").values_list("id", "parent_id", "path", "name", "kind", "founded_on", "abolished_on"))


def _restrict(qs, id_field: str, ids: list[int], paths: list[str] | None, path_field: str):
    if len(ids) <= SMALL_SCOPE:
        return qs.filter(**{f"{id_field}__in": ids})
    if paths is not None:
        return qs.filter(paths_q(paths, path_field))
    return qs


def scan(
    *,
    periods: dict[str, list[Period]],
    as_of: dt.date,
    paths: list[str] | None = None,
    rules: RuleSet | None = None,
    items: list[str] | None = None,
) -> list[OrgResult]:
    """Compliance of every applicable org (in the given subtrees, or all) for the given periods of each item."""
    rules = rules or life_rules(as_of)
    table = rules["items"]
    codes = [c for c in (items or table) if c in table and periods.get(c) and table[c].get("computed", True)]
    if not codes:
        return []
    kinds = {k for c in codes for k in table[c]["applies_to"]}
    earliest = min(p.start for c in codes for p in periods[c])
    rows = _org_rows(paths, kinds, earliest)
    ids = [r[0] for r in rows]
    wanted = set(ids)

    # Which branches have a committee (支委会 is owed only where there is one).
    committee: set[int] = set()
    if any(table[c].get("needs_committee") for c in codes):
        min_size = structure_rules(as_of)["committee_min_size"]
        qs = OrgOfficer.objects.filter(ended_on__isnull=True).exclude(post="group_leader")
        qs = _restrict(qs, "org_id", ids, paths, "org__path")
        committee = {org_id for org_id, n in _rows(qs.values("org_id").annotate(n=Count("*")).order_by().values_list("org_id", "n")) if n >= min_size and org_id in wanted}

    # Meetings held: one grouped query per (kinds, period, by_secretary).
    held: dict[tuple, dict[int, int]] = {}
    for c in codes:
        spec = table[c]
        if spec["measure"] != "count":
            continue
        for p in periods[c]:
            key = (tuple(spec["kinds"]), p, bool(spec.get("by_secretary")))
            if key in held:
                continue
            qs = Meeting.objects.filter(kind__in=spec["kinds"], held_on__gte=p.start, held_on__lte=p.end)
            if spec.get("by_secretary"):
                # IN, not `= True`: Django writes a boolean test as the bare column, which SQLite does not match to
                # the meeting_sec_lecture index (a scan of the year's lectures: 1.7 s vs 0.12 s at 60,000 orgs).
                qs = qs.filter(speaker_is_secretary__in=[True])
            qs = _restrict(qs, "org_id", ids, paths, "org__path")
            held[key] = dict(_rows(qs.values("org_id").annotate(n=Count("*")).order_by().values_list("org_id", "n")))

    # Coverage items (talks): distinct members who took part, rolled up from groups to their branch.
    parent_of = {r[0]: r[1] for r in rows if r[4] == "group"}
    covered: dict[tuple, dict[int, int]] = {}
    members_total: dict[int, int] = {}
    if any(table[c]["measure"] == "coverage" for c in codes):
        mq = Member.objects.filter(standing=Standing.NORMAL)
        mq = _restrict(mq, "org_id", ids, paths, "org__path")
        for org_id, n in _rows(mq.values("org_id").annotate(n=Count("*")).order_by().values_list("org_id", "n")):
            target = parent_of.get(org_id, org_id)
            members_total[target] = members_total.get(target, 0) + n
        for c in codes:
            spec = table[c]
            if spec["measure"] != "coverage":
                continue
            for p in periods[c]:
                # Distinct members present, from the attendance records themselves (the covering index
                # attendance_cover): reading the derived TalkCoverage table instead was cheaper only while its
                # upkeep on every recorded talk was left out of the count (bench/compliance.py counts it).
                aq = Attendance.objects.filter(
                    status=AttendanceStatus.PRESENT, meeting__kind__in=spec["kinds"], meeting__held_on__gte=p.start, meeting__held_on__lte=p.end
                )
                aq = _restrict(aq, "meeting__org_id", ids, paths, "meeting__org__path")
                counts: dict[int, int] = defaultdict(int)
                for org_id, n in _rows(aq.values("meeting__org_id").annotate(n=Count("member_id", distinct=True)).order_by().values_list("meeting__org_id", "n")):
                    counts[parent_of.get(org_id, org_id)] += n
                covered[(c, p)] = counts

    # One slot per (item, period), with its counts looked up once, listed per org kind in item order: the loop over
    # the orgs touches only the slots of the org's kind, with plain tuples and ints (no per-org filtering of items,
    # no hashing of periods).
    by_kind: dict[str, list[tuple]] = {}
    n_slots = 0
    for c in codes:
        spec = table[c]
        coverage = spec["measure"] == "coverage"
        for p in periods[c]:
            counts = covered[(c, p)] if coverage else held[(tuple(spec["kinds"]), p, bool(spec.get("by_secretary")))]
            n_slots += 1
            slot = (n_slots, c, spec["label"], spec["citation"], p, counts, p.end < as_of, coverage, spec["min"], bool(spec.get("needs_committee")))
            for k in spec["applies_to"]:
                by_kind.setdefault(k, []).append(slot)
    # Item results are immutable and repeat across orgs (the same item, period, counts and state): each distinct
    # one is built once and shared, so a scan of 60,000 orgs builds a few thousand objects instead of half a million.
    # (slot, required, held) decides the result: the state follows from them and the slot's period.
    made: dict[tuple, ItemResult] = {}
    out: list[OrgResult] = []
    no_members = 0
    for org_id, parent_id, path, name, kind, founded_on, abolished_on in rows:
        slots = by_kind.get(kind)
        if not slots:
            continue
        items: list[ItemResult] = []
        always = founded_on is None and abolished_on is None
        row = None if always else _OrgRow(org_id, parent_id, path, name, kind, _date(founded_on), _date(abolished_on))
        has_committee = org_id in committee
        members = members_total.get(org_id, no_members)
        for key0, c, label, citation, p, counts, closed, coverage, minimum, needs_committee in slots:
            if needs_committee and not has_committee:
                continue
            if row is not None and not applies(row, p, rules):
                key = (key0, 0, 0)
            elif coverage:
                n = counts.get(org_id, 0)
                key = (key0, members, n if n < members else members)
            else:
                key = (key0, minimum, counts.get(org_id, 0))
            item = made.get(key)
            if item is None:
                required, n = key[1], key[2]
                state = NA if required <= 0 else DONE if n >= required else OVERDUE if closed else DUE
                item = made[key] = ItemResult(c, label, p, required, n, state, citation)
            items.append(item)
        if items:
            out.append(OrgResult(org_id, parent_id, path, name, kind, items))
    return out


# --- the views of the scan the console and the jobs use ----------------------------------------
def month_periods(year: int, month: int, rules: RuleSet) -> dict[str, list[Period]]:
    """月调度: the month's monthly items, the quarter and the year the month falls in."""
    day = dt.date(year, month, 1)
    return {code: [Period.containing(spec["period"], day)] for code, spec in rules["items"].items()}


def quarter_periods(year: int, quarter: int, rules: RuleSet) -> dict[str, list[Period]]:
    """季通报: each month of the quarter for monthly items, the quarter, and the year so far."""
    q = Period.quarter(year, quarter)
    out = {}
    for code, spec in rules["items"].items():
        if spec["period"] == "month":
            out[code] = q.months()
        elif spec["period"] == "quarter":
            out[code] = [q]
        else:
            out[code] = [Period.year(year)]
    return out


def late_periods(as_of: dt.date, rules: RuleSet) -> dict[str, list[Period]]:
    """The last closed period of each item, while it is recent enough to act on, plus the current one."""
    window = dt.timedelta(days=rules["late_window_days"])
    out = {}
    for code, spec in rules["items"].items():
        current = Period.containing(spec["period"], as_of)
        prev = current.previous()
        out[code] = [prev, current] if as_of - prev.end <= window else [current]
    return out


def monthly_check(*, year: int, month: int, as_of: dt.date | None = None, paths: list[str] | None = None, rules: RuleSet | None = None) -> list[OrgResult]:
    as_of = as_of or dt.date.today()
    rules = rules or life_rules(dt.date(year, month, 1))
    return scan(periods=month_periods(year, month, rules), as_of=as_of, paths=paths, rules=rules)


def quarterly_report(*, year: int, quarter: int, as_of: dt.date | None = None, paths: list[str] | None = None, rules: RuleSet | None = None) -> list[OrgResult]:
    as_of = as_of or dt.date.today()
    rules = rules or life_rules(Period.quarter(year, quarter).start)
    return scan(periods=quarter_periods(year, quarter, rules), as_of=as_of, paths=paths, rules=rules)


@dataclass
class Lateness:
    org: OrgResult
    overdue: list[ItemResult]
    due_soon: list[ItemResult]


def late_orgs(*, as_of: dt.date | None = None, paths: list[str] | None = None, rules: RuleSet | None = None) -> list[Lateness]:
    """Orgs with an item overdue in its last closed period, or due within `due_soon_days` and still missing."""
    as_of = as_of or dt.date.today()
    rules = rules or life_rules(as_of)
    soon = dt.timedelta(days=rules["due_soon_days"])
    out = []
    for r in scan(periods=late_periods(as_of, rules), as_of=as_of, paths=paths, rules=rules):
        overdue = r.overdue()
        due_soon = [i for i in r.due() if i.period.end - as_of <= soon]
        if overdue or due_soon:
            out.append(Lateness(r, overdue, due_soon))
    return out


@dataclass
class GridCell:
    org_id: int
    name: str
    total: int
    overdue: int
    due: int

    @property
    def rate(self) -> float:
        return 1.0 if not self.total else (self.total - self.overdue) / self.total

    @property
    def colour(self) -> str:
        if not self.total:
            return "grey"
        if self.overdue == 0:
            return "green"
        return "yellow" if self.rate >= 0.8 else "red"


def grid(results: list[OrgResult], children: list[Org]) -> list[GridCell]:
    """The map-like grid: each sub-org coloured by the share of its branches and groups with nothing overdue."""
    cells = []
    by_path = sorted(results, key=lambda r: r.path)
    for child in children:
        lo, hi = child.path, child.path[:-1] + chr(ord(child.path[-1]) + 1)
        inside = [r for r in by_path if lo <= r.path < hi and r.state != NA]
        cells.append(
            GridCell(child.pk, child.name, len(inside), sum(1 for r in inside if r.state == OVERDUE), sum(1 for r in inside if r.state == DUE))
        )
    return cells

