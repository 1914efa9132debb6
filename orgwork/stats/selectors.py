"""Statistics read from the per-org counters: never a scan of the member table, whatever its size."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections import Counter

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound
from orgwork.core.scope import covers, scope
from orgwork.members.bands import AGE_BANDS, PARTY_AGE_BANDS, band_of
from orgwork.members.models import Category, Education, Gender, Standing
from orgwork.members.rules import statistics_rules
from orgwork.orgs.models import Org, OrgKind, Sector

from .models import OrgStats

TREND_YEARS = 15
COLLEGE_AND_ABOVE = ("doctorate", "master", "bachelor", "college")
STATUS_ROWS = [  # lazy labels, read in the reader's language
    ("st:full", Category.FULL.label),
    ("st:probationary", Category.PROBATIONARY.label),
    *[(f"st:{v}", label) for v, label in Standing.choices if v != Standing.NORMAL],
]


def roots(actor: Actor) -> list[Org]:
    """The highest orgs the actor's statistics cover (the roots of their scope)."""
    qs = Org.objects.filter(abolished_on__isnull=True)
    if actor.unrestricted:
        return list(qs.filter(depth=1).order_by("path"))
    return list(qs.filter(path__in=actor.subtree_paths()).order_by("path"))


def stats_org(actor: Actor, org_id) -> Org:
    """An org whose statistics the actor may read (a whole-subtree role at it or above); NotFound otherwise."""
    if not actor.unrestricted and not actor.subtree_paths():
        raise NotFound()
    try:
        org = scope(Org.objects.all(), actor).get(pk=org_id)
    except (Org.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not actor.unrestricted and not any(org.path.startswith(p) for p in actor.subtree_paths()):
        raise NotFound()
    return org


def _age_bands(counts: dict, prefix: str, bands, year: int) -> list[tuple[str, str, int]]:
    out = Counter()
    for key, n in counts.items():
        if key.startswith(prefix):
            out[band_of(max(0, year - int(key[len(prefix):])), bands)] += n
    return [(code, label, out.get(code, 0)) for code, label, _lo, _hi in bands]


def _ratio(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def figures(counts: dict, *, year: int) -> dict:
    """Everything a statistics page shows, from one org's (or several orgs' summed) total counters."""
    n = counts.get("n", 0)
    age = _age_bands(counts, "by:", AGE_BANDS, year)
    # 党龄 from full membership (党章第七条): the standing-year cohorts; probationary members have none yet
    party_age = _age_bands(counts, "sy:", PARTY_AGE_BANDS, year)
    cohorts = statistics_rules(dt.date(year, 12, 31))
    youth_max, elderly_min = cohorts["youth_age_max"], cohorts["elderly_age_min"]
    ages = [(year - int(k[3:]), v) for k, v in counts.items() if k.startswith("by:")]
    young = sum(v for a, v in ages if a <= youth_max)
    old = sum(v for a, v in ages if a >= elderly_min)
    college = sum(counts.get(f"edu:{e}", 0) for e in COLLEGE_AND_ABOVE)
    women = counts.get("g:F", 0)
    minority = counts.get("eth:minority", 0)
    probationary = counts.get("st:probationary", 0)
    first_year = year - TREND_YEARS + 1
    return {
        "year": year,
        "members": n,
        "full": counts.get("st:full", 0),
        "probationary": probationary,
        "lost_contact": counts.get("lost", 0),
        "records": counts.get("all", 0),
        "status": [{"code": k[3:], "label": str(label), "count": counts.get(k, 0)} for k, label in STATUS_ROWS],
        "gender": [{"code": v, "label": str(label), "count": counts.get(f"g:{v}", 0)} for v, label in Gender.choices],
        "education": [{"code": v, "label": str(label), "count": counts.get(f"edu:{v}", 0)} for v, label in Education.choices]
        + [{"code": "none", "label": _("未填写"), "count": counts.get("edu:none", 0)}],
        "ethnicity": [
            {"code": "han", "label": _("汉族"), "count": counts.get("eth:han", 0)},
            {"code": "minority", "label": _("少数民族"), "count": minority},
            {"code": "none", "label": _("未填写"), "count": counts.get("eth:none", 0)},
        ],
        "sector": [{"code": v, "label": str(label), "count": counts.get(f"sec:{v}", 0)} for v, label in Sector.choices],
        "age": [{"code": c, "label": label, "count": k} for c, label, k in age],
        "party_age": [{"code": c, "label": label, "count": k} for c, label, k in party_age]
        + [{"code": "probationary", "label": _("预备党员（不计党龄）"), "count": probationary}],
        "ratios": [
            {"code": "women", "label": _("女党员占比"), "percent": _ratio(women, n), "count": women},
            {"code": "minority", "label": _("少数民族党员占比"), "percent": _ratio(minority, n), "count": minority},
            {"code": "age_35_and_under", "label": _("%(age)s岁及以下党员占比") % {"age": youth_max}, "percent": _ratio(young, n), "count": young},
            {"code": "age_over_60", "label": _("%(age)s岁及以上党员占比") % {"age": elderly_min}, "percent": _ratio(old, n), "count": old},
            {"code": "college_and_above", "label": _("大专及以上学历占比"), "percent": _ratio(college, n), "count": college},
            {"code": "probationary", "label": _("预备党员占比"), "percent": _ratio(probationary, n), "count": probationary},
        ],
        # Members (whatever their standing now) by the year they joined: the development trend.
        "trend": [{"year": y, "count": counts.get(f"dev:{y}", 0)} for y in range(first_year, year + 1)],
    }


def _row_figures(counts: dict, year: int, youth_max: int | None = None) -> dict:
    n = counts.get("n", 0)
    if youth_max is None:
        youth_max = statistics_rules(dt.date(year, 12, 31))["youth_age_max"]
    young = sum(counts.get(f"by:{y}", 0) for y in range(year - youth_max, year + 1))
    college = sum(counts.get(f"edu:{e}", 0) for e in COLLEGE_AND_ABOVE)
    return {
        "members": n,
        "full": counts.get("st:full", 0),
        "probationary": counts.get("st:probationary", 0),
        "women": counts.get("g:F", 0),
        "minority": counts.get("eth:minority", 0),
        "age_35_and_under": young,
        "college_and_above": college,
        "developed_this_year": counts.get(f"dev:{year}", 0),
    }


def counter_rows_sql(org_id: int) -> tuple[str, list]:
    """(sql, params) of `_counter_rows` (the API sends it with the token lookup: core.tokens.prefetched)."""
    sql = (
        f"SELECT o.id, o.name, o.kind, o.abolished_on, CAST(CASE WHEN o.id = %s THEN s.own END AS TEXT), CAST(s.total AS TEXT), o.path "
        f"FROM {Org._meta.db_table} o LEFT JOIN {OrgStats._meta.db_table} s ON s.org_id = o.id "
        f"WHERE o.id = %s OR (o.parent_id = %s AND o.kind <> %s) ORDER BY o.path"
    )
    return sql, [org_id, org_id, org_id, str(OrgKind.GROUP)]


def _counter_rows(org_id: int, *, decode: bool = True) -> list[tuple]:
    """(id, name, kind, abolished, own, total, path) for the org (own counters too) and its children that are not
    party groups (totals only), in path order: one query. `decode=False` leaves the counters as the JSON text read."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(*counter_rows_sql(org_id))
        rows = cur.fetchall()
    if not decode:
        return rows

    return [(pk, name, kind, abolished, _doc(own), _doc(total), path) for pk, name, kind, abolished, own, total, path in rows]


# The API's dashboards by the exact rows they were computed from (see dashboard_of): a content-addressed memo, so a
# changed counter, name or year is a different key and never answers from an older computation.
_MEMO: dict[bytes, tuple] = {}
_MEMO_LOCK = threading.Lock()
MEMO_ENTRIES = 512  # per process; ~20 KB each; the oldest half is dropped when full


def dashboard(actor: Actor, *, org: Org | None = None, year: int | None = None) -> dict:
    """The statistics of one org's subtree (or the actor's whole scope), with a row per sub-org."""
    year = year or dt.date.today().year
    if org is None:
        tops = roots(actor)
        if len(tops) == 1:
            org = tops[0]
    if org is not None:
        return _subtree_dashboard(org.pk, org.name, org.path, _counter_rows(org.pk), year)
    youth_max = statistics_rules(dt.date(year, 12, 31))["youth_age_max"]
    table = []
    top_rows = {r.org_id: r for r in OrgStats.objects.filter(org_id__in=[o.pk for o in tops])}
    total = Counter()
    for o in tops:
        if o.pk in top_rows:
            total.update(top_rows[o.pk].total)
    for o in tops:
        counts = top_rows[o.pk].total if o.pk in top_rows else None
        if counts is None and o.abolished_on is not None:
            continue
        table.append({"org_id": o.pk, "name": o.name, "kind": str(OrgKind(o.kind).label), "own": False, **_row_figures(counts or {}, year, youth_max)})
    return {
        "org": None,
        "scope": [o.name for o in tops],
        **figures(dict(total), year=year),
        "sub_orgs": table,
        "basis": _("年龄、党龄按%(year)s年12月31日计算") % {"year": year},
    }


def dashboard_of(actor: Actor, org_id: int, *, year: int | None = None, render=None, rows: list[tuple] | None = None):
    """`dashboard(actor, org=stats_org(actor, org_id))` in one query: the org's row is read with its counters and
    its children's, then checked against the actor's scope (`core.scope.covers`); NotFound when missing or outside.

    With `render` (a function of the figures, e.g. the API's JSON renderer) returns (figures, render(figures)), the
    rendering memoized with them. `rows`: those of `counter_rows_sql(org_id)` if already read in this request."""
    if not actor.unrestricted and not actor.subtree_paths():
        raise NotFound()
    if rows is None:
        rows = _counter_rows(org_id, decode=False)
    head = next((r for r in rows if r[0] == org_id), None)
    if head is None or not covers(actor, head[6]):
        raise NotFound()
    year = year or dt.date.today().year
    # The figures are a pure function of these rows, the year and the language of the labels: computed once per
    # distinct input (decoding ~45 KB of counters and folding them costs more than reading them).
    h = hashlib.blake2b(f"{year}|{get_language()}|{render is not None and getattr(render, 'memo_key', id(render))}".encode(), digest_size=20)
    for row in rows:
        h.update(repr(row[:4] + row[6:]).encode())
        for text in row[4:6]:
            h.update(b"\x00" if text is None else b"\x01" + text.encode())
    key = h.digest()
    entry = _MEMO.get(key)
    if entry is None:
        decoded = [(pk, name, kind, abolished, _doc(own), _doc(total), path) for pk, name, kind, abolished, own, total, path in rows]
        data = _subtree_dashboard(org_id, head[1], head[6], decoded, year)
        entry = (data, render(data) if render is not None else None)
        with _MEMO_LOCK:
            if len(_MEMO) >= MEMO_ENTRIES:
                for old in list(_MEMO)[: MEMO_ENTRIES // 2]:
                    del _MEMO[old]
            _MEMO[key] = entry
    return entry if render is not None else entry[0]


def _doc(v):
    return v if v is None or isinstance(v, dict) else json.loads(v)


def _subtree_dashboard(org_id: int, name: str, path: str, rows: list[tuple], year: int) -> dict:
    youth_max = statistics_rules(dt.date(year, 12, 31))["youth_age_max"]
    table = []
    total = Counter()
    children = []
    for pk, child_name, kind, abolished, own, counts, _path in rows:
        if pk == org_id:
            total.update(counts or {})
            if own and own.get("all"):
                table.append({"org_id": org_id, "name": _("本级直属"), "kind": "", "own": True, **_row_figures(own, year, youth_max)})
        else:
            children.append((pk, child_name, kind, abolished, counts))
    for pk, child_name, kind, abolished, counts in children:
        if counts is None and abolished is not None:
            continue
        table.append({"org_id": pk, "name": child_name, "kind": str(OrgKind(kind).label), "own": False, **_row_figures(counts or {}, year, youth_max)})
    return {
        "org": {"id": org_id, "name": name, "path": path},
        "scope": [name],
        **figures(dict(total), year=year),
        "sub_orgs": table,
        "basis": _("年龄、党龄按%(year)s年12月31日计算") % {"year": year},
    }


def annual_roots(actor: Actor, org: Org | None) -> list[Org]:
    """The subtrees an annual report covers: the chosen org, or the roots of the actor's scope."""
    if org is not None:
        return [org]
    if not actor.unrestricted and not actor.subtree_paths():
        raise NotFound()
    tops = roots(actor)
    if not tops:
        raise NotFound()
    return tops


def latest_filing(org: Org, year: int):
    from .models import AnnualFiling

    return AnnualFiling.objects.filter(org=org, year=year).order_by("-filed_at", "-id").first()


def annual_report(actor: Actor, *, org: Org | None, year: int):
    """The annual statistics report (党内统计年报) for the org's subtree or the actor's scope, with its checks."""
    from .annual import compute

    tops = annual_roots(actor, org)
    previous = latest_filing(tops[0], int(year) - 1) if len(tops) == 1 and str(year).isdigit() else None
    return compute(roots=tops, year=year, previous_filing=previous)


def filings(actor: Actor, org: Org):
    from .models import AnnualFiling

    return scope(AnnualFiling.objects.filter(org=org), actor).order_by("-year", "-filed_at")


def member_totals(org_ids) -> dict[int, int]:
    """Members in good standing in each org's subtree, from the counters (for per-member figures elsewhere)."""
    return {oid: (total or {}).get("n", 0) for oid, total in OrgStats.objects.filter(org_id__in=list(org_ids)).values_list("org_id", "total")}
