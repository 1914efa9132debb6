"""Rebuild the counters from the member table and report any drift from what was stored."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F
from django.db.models.functions import ExtractYear

from orgwork.core import distribution
from orgwork.members.models import Member
from orgwork.orgs.models import STEP, Org

from .counters import contribution
from .models import OrgStats


@dataclass
class Drift:
    org_id: int
    field: str  # own | total
    key: str
    stored: int
    actual: int


DRIFT_SAMPLE = 200  # drifted counters kept for the report; the rest are counted (a province's rebuild after a loss
# of its counters drifts on every key of every org: tens of millions of entries would not fit in memory)
CHUNK = 2000  # orgs compared and stored per round trip


@dataclass
class RecountResult:
    orgs: int = 0
    members: int = 0
    drift: list[Drift] = field(default_factory=list)  # the first DRIFT_SAMPLE drifted counters
    drifted: int = 0  # every drifted counter

    def note(self, d: Drift) -> None:
        self.drifted += 1
        if len(self.drift) < DRIFT_SAMPLE:
            self.drift.append(d)


def compute() -> tuple[dict[int, Counter], dict[int, Counter]]:
    """(own, total) counters computed from scratch with one grouped scan of the member table."""
    own: dict[int, Counter] = defaultdict(Counter)
    rows = (
        Member.objects.values("org_id", "standing", "category", "gender", "education", "ethnicity", "lost_contact")
        .annotate(by=ExtractYear("birth_date"), jy=ExtractYear("joined_on"), cy=ExtractYear("confirmed_on"), sector=F("org__sector"), c=Count("id"))
        .order_by()
    )
    for r in rows.iterator(chunk_size=5000):
        c = contribution(
            standing=r["standing"],
            category=r["category"],
            gender=r["gender"],
            education=r["education"],
            ethnicity=r["ethnicity"],
            lost_contact=r["lost_contact"],
            birth_year=r["by"],
            joined_year=r["jy"],
            confirmed_year=r["cy"],
            sector=r["sector"],
        )
        n = r["c"]
        own[r["org_id"]].update({k: v * n for k, v in c.items()})
    paths = dict(Org.objects.values_list("pk", "path"))
    by_path = {p: pk for pk, p in paths.items()}
    total: dict[int, Counter] = defaultdict(Counter)
    for oid, counts in own.items():
        p = paths[oid]
        for i in range(STEP, len(p) + 1, STEP):
            total[by_path[p[:i]]].update(counts)
    return own, total


def _clean(c) -> dict:
    return {k: v for k, v in sorted(c.items()) if v}


@transaction.atomic
def recount(*, fix: bool = True) -> RecountResult:
    """Compare the stored counters with a fresh count; with fix, store the fresh count. Reports the drift (the first
    DRIFT_SAMPLE counters and how many in all). Stored rows are read, compared and written CHUNK orgs at a time."""
    # Lock all counter rows for the duration so a concurrent write can't slip between count and store (ids only:
    # the counters themselves are read chunk by chunk below).
    stored_ids = set(OrgStats.objects.select_for_update().values_list("org_id", flat=True))
    own, total = compute()
    result = RecountResult(orgs=len(set(own) | set(total)), members=sum(c["all"] for c in own.values()))
    ids = sorted(stored_ids | set(own) | set(total))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        stored = {r.org_id: r for r in OrgStats.objects.filter(org_id__in=[i for i in chunk if i in stored_ids])}
        changed = []
        for oid in chunk:
            row = stored.get(oid)
            new_own, new_total = _clean(own.pop(oid, {})), _clean(total.pop(oid, {}))
            old_own, old_total = (row.own, row.total) if row else ({}, {})
            dirty = False
            for name, old, new in (("own", old_own, new_own), ("total", old_total, new_total)):
                if old == new:
                    continue
                for key in sorted(set(old) | set(new)):
                    if old.get(key, 0) != new.get(key, 0):
                        result.note(Drift(oid, name, key, old.get(key, 0), new.get(key, 0)))
                        dirty = True
            if dirty and fix:
                if row is None:
                    row = OrgStats(org_id=oid)
                row.own, row.total = new_own, new_total
                changed.append(row)
        if fix and changed:
            new = [r for r in changed if r.org_id not in stored_ids]
            distribution.fill(new)
            OrgStats.objects.bulk_create(new, batch_size=1000)
            OrgStats.objects.bulk_update([r for r in changed if r.org_id in stored_ids], ["own", "total"], batch_size=500)
    return result
