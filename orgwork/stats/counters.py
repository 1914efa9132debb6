"""Exact per-org member counters, written in the same transaction as the change that moves them.

Each member contributes a small set of keys to its org's `own` counters and to the `total` counters of
the org and every ancestor:

    all               every member record, whatever the standing
    n                 members in good standing (在册党员)
    st:full / st:probationary          in good standing, by category
    st:suspended / st:removed / …      other standings
    lost              in good standing but out of contact
    g:M / g:F         gender               (in good standing, as every key below)
    edu:<code>        education ("edu:none" when unknown)
    eth:han / eth:minority / eth:none    ethnicity
    sec:<sector>      the sector of the member's org
    by:<year>         birth year
    sy:<year>         year party standing started (full membership, 党章第七条; full members only)
    dev:<year>        year of joining, whatever the standing now (development trend)

Age and party-age bands are not stored: they are derived when read from the birth-year and standing-year
cohorts, as age at 31 December of the statistics year (the convention of the annual party statistics,
党内统计年报). A cohort never changes, so the counters do not drift with time; a nightly `recount` job
checks them anyway (orgwork.stats.tasks).
"""

from __future__ import annotations

from collections import Counter, _count_elements, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import orjson
from django.db import transaction

from orgwork.core import distribution, forked
from orgwork.members.rules import party_standing_year
from orgwork.orgs.models import STEP, Org

from .models import OrgStats

NORMAL = "normal"


def contribution_keys(*, standing, category, gender, education, ethnicity, lost_contact, birth_year, joined_year, sector, confirmed_year=None) -> list[str]:
    """The keys one member counts for (each once), see the module docstring."""
    return [
        *_base_keys(standing, category, gender, education, ethnicity, lost_contact, sector),
        *_year_keys(standing == NORMAL, category, birth_year, joined_year, confirmed_year),
    ]


def _base_keys(standing, category, gender, education, ethnicity, lost_contact, sector) -> list[str]:
    """The keys of contribution_keys that depend on no year (a few dozen combinations in a whole county)."""
    keys = ["all"]
    if standing != NORMAL:
        keys.append(f"st:{standing}")
        return keys
    keys += ("n", f"st:{category}", f"g:{gender}", f"edu:{education or 'none'}", f"sec:{sector}")
    if lost_contact:
        keys.append("lost")
    if not ethnicity:
        keys.append("eth:none")
    else:
        keys.append("eth:han" if ethnicity == "汉族" else "eth:minority")
    return keys


def contribution(**kwargs) -> Counter:
    return Counter(contribution_keys(**kwargs))


def member_contribution(member, sector: str | None = None) -> Counter:
    if sector is None:
        sector = member.org.sector
    return contribution(
        standing=member.standing,
        category=member.category,
        gender=member.gender,
        education=member.education,
        ethnicity=member.ethnicity,
        lost_contact=member.lost_contact,
        birth_year=member.birth_date.year if member.birth_date else None,
        joined_year=member.joined_on.year if member.joined_on else None,
        confirmed_year=member.confirmed_on.year if member.confirmed_on else None,
        sector=sector,
    )


@dataclass(frozen=True)
class Snapshot:
    """What a member counted for, and where, before a change."""

    org_id: int
    counts: Counter


def snapshot(member) -> Snapshot:
    return Snapshot(member.org_id, member_contribution(member))


def _ancestry(paths: Iterable[str]) -> dict[str, int]:
    """{path: org id} for the given paths and all their ancestors."""
    wanted = set()
    for p in paths:
        for i in range(STEP, len(p) + 1, STEP):
            wanted.add(p[:i])
    return dict(Org.objects.filter(path__in=wanted).values_list("path", "pk"))


class _Row:
    """A counter row as read for an update (no model instance: an import touches thousands)."""

    __slots__ = ("org_id", "own", "total")

    def __init__(self, org_id, own, total):
        self.org_id, self.own, self.total = org_id, own, total


class Loaded(dict):
    """{org id: _Row} as load_for_update read them, with the paths it read on the way: `paths` {org id: path} of the
    orgs asked for, `ids` {path: org id} of them and every ancestor (so adding to them asks the database nothing
    more)."""

    paths: dict[int, str]
    ids: dict[str, int]


def load_for_update(org_ids, have=None) -> Loaded:
    """Lock and read the counter rows of these orgs and all their ancestors (created where missing), in id order so
    writers never deadlock. A bulk import calls it before its rows are ready, so the read is off its critical path,
    and passes the result to members_added(loaded=...); `have`: rows loaded already (not read again)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("counters must change inside the service's transaction")
    paths = dict(Org.objects.filter(pk__in=list(org_ids)).values_list("pk", "path"))
    ids = _ancestry(paths.values())
    out = Loaded(_load(sorted(set(ids.values()) - set(have or ()))))
    out.paths, out.ids = paths, ids
    return out


def _load(ids: list[int]) -> dict[int, _Row]:
    conn = transaction.get_connection()
    qn = conn.ops.quote_name
    table = qn(OrgStats._meta.db_table)
    pg = conn.vendor == "postgresql"
    cast = "::text" if pg else ""
    out: dict[int, _Row] = {}
    loads = orjson.loads
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        have = set(OrgStats.objects.filter(org_id__in=chunk).values_list("org_id", flat=True))
        missing = [OrgStats(org_id=i) for i in chunk if i not in have]
        if missing:  # a concurrent writer may create the same rows: ignore_conflicts
            distribution.fill(missing)
            OrgStats.objects.bulk_create(missing, ignore_conflicts=True)
        marks = ", ".join(["%s"] * len(chunk))
        lock = " FOR UPDATE" if pg else ""  # SQLite: the transaction holds the database's write lock already
        with conn.cursor() as cur:
            # the documents as text, parsed here: the JSON field's converters cost more than the parsing
            # an org without suborgs has the same total as own: parsed once (NULL stands for "the same")
            cur.execute(
                f"SELECT {qn('org_id')}, {qn('own')}{cast}, CASE WHEN {qn('total')} = {qn('own')} THEN NULL ELSE {qn('total')}{cast} END "
                f"FROM {table} WHERE {qn('org_id')} IN ({marks}) ORDER BY {qn('org_id')}{lock}",
                chunk,
            )
            for org_id, own, total in cur.fetchall():
                own = loads(own)
                out[org_id] = _Row(org_id, own, own if total is None else loads(total))  # one document until it parts
    return out


def _write(own: dict[int, Counter], total: dict[int, Counter], loaded: dict[int, _Row] | None = None) -> None:
    """Add the deltas to the stored counters, locking the rows (in id order, so writers never deadlock); rows the
    caller locked and read already (`loaded`, from load_for_update) are not read again."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("counters must change inside the service's transaction")
    ids = sorted({*own, *total})
    if not ids:
        return
    rows = {**(loaded or {}), **_load([i for i in ids if i not in (loaded or {})])}
    _save(_texts(_added(own, total, rows, ids)))


def _added(own: dict, total: dict, rows: dict[int, _Row], ids: list[int]):
    """The rows of `ids` (in that order) with their deltas added."""
    for org_id in ids:
        row = rows[org_id]
        d_own, d_total = own.get(org_id), total.get(org_id)
        # An org without suborgs (most of the orgs an import touches) has the same total as own, and the same
        # delta for both: added once, and written as one document (see _save).
        # (identity first: _summed gives a leaf the same delta for both, _load the same document; Counter's own ==
        # walks in Python)
        leaf = (
            d_own is not None and d_total is not None and (d_own is d_total or dict.__eq__(d_own, d_total))
            and (row.own is row.total or dict.__eq__(row.own, row.total))
        )
        if not leaf and row.total is row.own:
            row.total = dict(row.own)  # one document until now: the two part here
        if d_own:
            row.own = _add(row.own, d_own)
        if leaf:
            row.total = row.own
        elif d_total:
            row.total = _add(row.total, d_total)
        yield row


def _add(doc: dict, delta) -> dict:
    """The counter document plus the delta (in place), no zeros. Its keys stay in the order they came: `_texts`
    writes them sorted (the C encoder sorts; re-sorting the dict here whenever a key came cost an import of 10,000
    orgs more than the adding)."""
    get = doc.get
    zero = False
    for k, v in delta.items():
        n = get(k, 0) + v
        doc[k] = n
        if not n:
            zero = True
    if zero:
        return {k: v for k, v in doc.items() if v}
    return doc


def _merge(into: dict, delta) -> None:
    """Add the delta's counts into `into` (zeros kept: the caller drops empty deltas)."""
    get = into.get
    for k, v in delta.items():
        into[k] = get(k, 0) + v


def _save(texts: Iterable[tuple[int, str, str | None]]) -> None:
    """One prepared UPDATE run for all rows (bulk_update's CASE expressions cost more than the counting); `texts` as
    _texts gives them."""
    from django.utils import timezone

    conn = transaction.get_connection()
    now = OrgStats._meta.get_field("updated_at").get_db_prep_save(timezone.now(), conn)
    qn = conn.ops.quote_name
    table = qn(OrgStats._meta.db_table)
    with conn.cursor() as cur:
        if conn.vendor == "postgresql":
            # The documents cast on the server, one prepared UPDATE per row in one pipeline (psycopg's executemany;
            # measured at 1,000 and 5,000 rows: faster than one jsonb_to_recordset document or unnest of them all).
            # An org without suborgs sends its one document once, parsed once for both columns (total NULL): 5,081
            # rows in 0.27 s against 0.44 s with both parsed.
            sql = (
                f"UPDATE {table} SET {qn('own')} = d.doc, {qn('total')} = COALESCE(%s::jsonb, d.doc), {qn('updated_at')} = %s "
                f"FROM (SELECT %s::jsonb AS doc) AS d WHERE {qn('org_id')} = %s"
            )
            cur.executemany(sql, ((total, now, own, org_id) for org_id, own, total in texts))
        else:
            sql = f"UPDATE {table} SET {qn('own')} = %s, {qn('total')} = %s, {qn('updated_at')} = %s WHERE {qn('org_id')} = %s"
            cur.executemany(sql, [(own, own if total is None else total, now, org_id) for org_id, own, total in texts])


def _texts(rows: Iterable[_Row]):
    """(org id, own as JSON, total as JSON or None when it is the same document: an org without suborgs): keys
    sorted, as stored before (see _add); orjson writes a {str: int} document as json.dumps does, without the spaces,
    five times faster (an import writes 10,000 of them)."""
    dumps, sort = orjson.dumps, orjson.OPT_SORT_KEYS
    for r in rows:
        own = dumps(r.own, option=sort).decode()
        yield r.org_id, own, None if r.total is r.own else dumps(r.total, option=sort).decode()


def apply_own_deltas(deltas: dict[int, Counter], loaded: dict[int, _Row] | None = None) -> None:
    """Add per-org deltas of direct members; the totals of the org and its ancestors follow."""
    _apply([deltas], loaded)


# Counter rows from which add_counts(meanwhile=...) adds up and writes out the documents in a forked process.
FORK_MIN_ORGS = 1000


def _apply(parts: list[dict], loaded: dict[int, _Row] | None = None, meanwhile=None) -> None:
    """The parts' per-org deltas of direct members, summed, added to the counters with the totals of every ancestor.

    The reads (paths, ancestors, the counter rows not `loaded`) and the write happen here; the adding up and the
    JSON between them is plain computing on what was read, which, with `meanwhile` and enough rows, runs in a forked
    process while meanwhile() runs in this one."""
    parts = [p for p in parts if p]
    org_ids = {oid for part in parts for oid, d in part.items() if any(d.values())}  # a change of no count reads nothing
    if not org_ids:
        if meanwhile is not None:
            meanwhile()
        return
    known = getattr(loaded, "paths", None)
    if known is not None and org_ids <= known.keys():  # read with the rows (load_for_update): every path and ancestor
        paths, ids = known, loaded.ids
    else:
        paths = dict(Org.objects.filter(pk__in=org_ids).values_list("pk", "path"))
        ids = _ancestry(paths.values())
    rows = dict(loaded or {})
    rows.update(_load(sorted(i for i in ids.values() if i not in rows)))

    def texts():
        return list(_texts(_summed(parts, paths, ids, rows)))

    if meanwhile is None:
        _save(texts())
    else:
        _save(forked.call(texts, fork=len(ids) >= FORK_MIN_ORGS, meanwhile=meanwhile))


def _summed(parts: list[dict], paths: dict[int, str], ids: dict[str, int], rows: dict[int, _Row]):
    """The counter rows changed by the parts (added into the first, which is changed; zeros kept, orgs whose sum is
    nothing dropped), in id order, their own deltas and every ancestor's total added."""
    deltas = parts[0]
    for part in parts[1:]:
        for oid, d in part.items():
            into = deltas.get(oid)
            if into is None:
                deltas[oid] = dict(d)
            else:
                _merge(into, d)
    deltas = {oid: d for oid, d in deltas.items() if any(d.values())}
    # Totals bottom-up: each org's own delta, then every node's finished total added once to its parent's (deepest
    # first), instead of each delta once per ancestor: an import touching thousands of branches sums far less.
    # Plain dicts added with _merge (Counter.update walks each delta through more Python per key).
    # An org's total delta is its own delta itself (no copy) until a suborg's is added to it: then it is copied
    # first. An org without suborgs (most of an import's) so has one delta object for both (see _added).
    by_path: dict[str, dict] = {}
    shared: set[str] = set()  # paths whose total delta is still the org's own delta object
    for oid, d in deltas.items():
        p = paths[oid]
        by_path[p] = d
        shared.add(p)
    for node in sorted({p[:i] for p in map(paths.__getitem__, deltas) for i in range(STEP, len(p) + 1, STEP)}, key=len, reverse=True):
        if len(node) > STEP and node in by_path:
            up = node[:-STEP]
            parent = by_path.get(up)
            if parent is None:
                by_path[up] = dict(by_path[node])
            else:
                if up in shared:
                    by_path[up] = parent = dict(parent)
                    shared.discard(up)
                _merge(parent, by_path[node])
    total = {ids[p]: d for p, d in by_path.items() if any(d.values())}
    return _added(deltas, total, rows, sorted({*deltas, *total}))


def apply_member_change(before: Snapshot | None, after) -> None:
    """Call after saving a member: `before` from snapshot() (None for a new member), `after` the member (None if gone)."""
    deltas: dict[int, Counter] = defaultdict(Counter)
    if before is not None:
        deltas[before.org_id].subtract(before.counts)
    if after is not None:
        deltas[after.org_id].update(member_contribution(after))
    apply_own_deltas(deltas)


ROW_FIELDS = ("org_id", "standing", "category", "gender", "education", "ethnicity", "lost_contact", "birth_year", "joined_year", "confirmed_year")


def members_added(members: Iterable, sectors: dict[int, str] | None = None, *, rows: Iterable[tuple] | None = None, loaded=None) -> None:
    """New members, many at once (imports): one read and one write of the counter rows of every touched org.

    `members` are objects with the counted attributes (and `org` when no `sectors` are given); `rows` gives them as
    tuples in ROW_FIELDS order instead (an import's rows, no object per member)."""
    sectors = dict(sectors or {})
    tuples = list(rows or ())
    for m in members:
        if m.org_id not in sectors:
            sectors[m.org_id] = m.org.sector
        tuples.append(
            (
                m.org_id, m.standing, m.category, m.gender, m.education, m.ethnicity, m.lost_contact,
                m.birth_date.year if m.birth_date else None, m.joined_on.year if m.joined_on else None,
                m.confirmed_on.year if m.confirmed_on else None,
            )
        )
    apply_own_deltas(count_rows(tuples, sectors), loaded)


def add_counts(*parts: dict[int, dict[str, int]], loaded: dict[int, _Row] | None = None, meanwhile=None) -> None:
    """New members counted elsewhere already (count_rows or tally_rows, e.g. by an import's check processes, in
    parts, which are added up into the first: it is changed): add them. `meanwhile()`, if given, runs while they are
    added up (in a forked process for a big import: see _apply)."""
    _apply(list(parts), loaded, meanwhile)


def count_rows(rows: Iterable[tuple], sectors: dict[int, str]) -> dict[int, Counter]:
    """{org id: the sum of contribution_keys of its rows} for rows in ROW_FIELDS order, without a key list per row:
    the keys that do not depend on a year come from contribution_keys once per distinct combination (a few dozen),
    the year cohorts are added per row. Tested equal to summing contribution_keys row by row."""
    out: dict[int, dict[str, int]] = {}
    tally_rows(rows, sectors, out)
    return {oid: Counter(d) for oid, d in out.items()}


def tally_rows(rows: Iterable[tuple], sectors: dict[int, str], out: dict[int, dict[str, int]], memo: dict | None = None) -> None:
    """count_rows added into `out` ({org id: {key: count}}), so rows can be counted as they come (an import's check
    process counts each chunk as it makes it); `memo` (any dict, kept by the caller) keeps the per-combination keys
    from one call to the next."""
    memo = {} if memo is None else memo
    base_of: dict[tuple, list[str]] = memo.setdefault("base", {})
    years_of: dict[tuple, tuple[str, ...]] = memo.setdefault("years", {})
    count = _count_elements  # Counter.update's C loop: each key's count + 1, into any dict
    for org_id, standing, category, gender, education, ethnicity, lost, by, jy, cy in rows:
        combo = (standing, category, gender, education, ethnicity, lost, sectors[org_id])
        base = base_of.get(combo)
        if base is None:
            base = base_of[combo] = _base_keys(*combo)
        d = out.get(org_id)
        if d is None:
            d = out[org_id] = {}
        count(d, base)
        cohort = (standing == NORMAL, category, by, jy, cy)
        years = years_of.get(cohort)
        if years is None:
            years = years_of[cohort] = _year_keys(*cohort)
        count(d, years)


def _year_keys(normal: bool, category, by, jy, cy) -> tuple[str, ...]:
    """The keys of contribution_keys that depend on a year: joining (every member), birth and party standing (members
    in good standing)."""
    keys = [f"dev:{jy}"] if jy else []
    if normal:
        if by:
            keys.append(f"by:{by}")
        sy = party_standing_year(category=category, joined_year=jy, confirmed_year=cy)
        if sy:
            keys.append(f"sy:{sy}")
    return tuple(keys)


def subtree_moved(*, org_id: int, old_path: str, new_path: str) -> None:
    """Call after an org and its subtree moved: its totals leave the old ancestors and join the new ones."""
    row = OrgStats.objects.filter(org_id=org_id).first()
    if row is None or not row.total:
        return
    counts = Counter(row.total)
    old_ids = _ancestry([old_path[:-STEP]]) if len(old_path) > STEP else {}
    new_ids = _ancestry([new_path[:-STEP]]) if len(new_path) > STEP else {}
    total: dict[int, Counter] = defaultdict(Counter)
    for oid in old_ids.values():
        total[oid].subtract(counts)
    for oid in new_ids.values():
        total[oid].update(counts)
    _write({}, {k: v for k, v in total.items() if any(v.values())})


def sector_changed(*, org: Org, old: str, new: str) -> None:
    """An org's sector changed: its direct members in good standing move from one sector key to the other."""
    if old == new:
        return
    row = OrgStats.objects.filter(org_id=org.pk).first()
    k = (row.own.get(f"sec:{old}", 0) if row else 0)
    if not k:
        return
    apply_own_deltas({org.pk: Counter({f"sec:{old}": -k, f"sec:{new}": k})})
