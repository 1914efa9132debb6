"""Reads of the scoring engine (scoped through core.scope where they list records)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, Sum

from ..actor import Actor
from ..fields import subtree_q
from ..scope import scope
from . import calc
from .calc import bucket_month, bucket_quarter, bucket_year, grade_for  # noqa: F401
from .models import (
    EntryState,
    Indicator,
    IndicatorSet,
    IndicatorSetVersion,
    ScoreAppeal,
    ScoreEntry,
    ScorePeriod,
    ScoreTotal,
    VersionState,
)
from .services import locked_period  # noqa: F401


def get_set(code: str) -> IndicatorSet | None:
    return IndicatorSet.objects.select_related("org").filter(code=code).first()


def sets(actor: Actor, *, purpose: str | None = None):
    """Sets the actor may read: shipped defaults (no org) and sets owned in scope."""
    qs = IndicatorSet.objects.select_related("org")
    if purpose:
        qs = qs.filter(purpose=purpose)
    if actor.unrestricted:
        return qs.order_by("purpose", "code")
    return (scope(qs, actor) | qs.filter(org__isnull=True)).order_by("purpose", "code")


def version_on(indicator_set: IndicatorSet, day: dt.date) -> IndicatorSetVersion | None:
    return indicator_set.versions.filter(state=VersionState.IN_FORCE, effective_from__lte=day).order_by("-effective_from", "-id").first()


def indicators_on(set_code: str, day: dt.date, *, source: str | None = None) -> list[Indicator]:
    s = get_set(set_code)
    ver = version_on(s, day) if s else None
    if ver is None:
        return []
    qs = ver.indicators.all()
    if source:
        qs = qs.filter(source=source)
    return list(qs.order_by("order", "id"))


def entries(actor: Actor, *, set_code: str | None = None, state: str | None = None, under=None, subject=None, write: bool = False):
    qs = ScoreEntry.objects.select_related("indicator", "org", "version")
    if set_code:
        qs = qs.filter(indicator_set__code=set_code)
    if state:
        qs = qs.filter(state=state)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    if subject is not None:
        qs = qs.filter(subject_type=subject._meta.label_lower, subject_id=subject.pk)
        if not write and actor.user_id is not None and getattr(subject, "user_id", None) == actor.user_id:
            return qs.order_by("-occurred_on", "-id")  # one's own entries
    return scope(qs, actor, write=write).order_by("-occurred_on", "-id")


def pending(actor: Actor, *, set_code: str | None = None, under=None):
    """Submitted entries waiting in the actor's write scope (oldest first)."""
    return entries(actor, set_code=set_code, state=EntryState.SUBMITTED, under=under, write=True).order_by("submitted_at", "id")


def total(set_code: str, subject, bucket: str) -> Decimal:
    row = ScoreTotal.objects.filter(indicator_set__code=set_code, bucket=bucket, subject_type=subject._meta.label_lower, subject_id=subject.pk).values_list("total", flat=True).first()
    return row if row is not None else Decimal("0.00")


def totals_for(set_code: str, subject) -> dict[str, ScoreTotal]:
    rows = ScoreTotal.objects.filter(indicator_set__code=set_code, subject_type=subject._meta.label_lower, subject_id=subject.pk)
    return {r.bucket: r for r in rows}


def sum_of_approved(set_code: str, subject, start: dt.date, end: dt.date) -> Decimal:
    """The slow, obvious answer the counters must equal (tests and the benchmark's check)."""
    v = ScoreEntry.objects.filter(
        indicator_set__code=set_code, subject_type=subject._meta.label_lower, subject_id=subject.pk, state=EntryState.APPROVED, occurred_on__gte=start, occurred_on__lte=end
    ).aggregate(s=Sum("points"))["s"]
    return v if v is not None else Decimal("0.00")


def breakdown(set_code: str, subject, start: dt.date, end: dt.date) -> list[dict]:
    """Approved points per area and indicator for one subject in [start, end]."""
    rows = (
        ScoreEntry.objects.filter(
            indicator_set__code=set_code, subject_type=subject._meta.label_lower, subject_id=subject.pk, state=EntryState.APPROVED, occurred_on__gte=start, occurred_on__lte=end
        )
        .values("indicator__area", "indicator__name", "indicator_code")
        .annotate(points=Sum("points"))
        .order_by("indicator__area", "indicator_code")
    )
    return [{"area": r["indicator__area"], "indicator": r["indicator__name"], "code": r["indicator_code"], "points": r["points"]} for r in rows]


@dataclass(frozen=True)
class RankRow:
    rank: int
    subject_type: str
    subject_id: int
    subject_label: str
    org_id: int
    org_path: str
    total: Decimal
    added: Decimal
    deducted: Decimal
    entries: int
    grade: str = ""


@dataclass(frozen=True)
class Ranking:
    count: int
    page: int
    page_size: int
    rows: list[RankRow]


def ranking_queryset(indicator_set_id, bucket: str, under_path: str | None = None):
    qs = ScoreTotal.objects.filter(indicator_set_id=indicator_set_id, bucket=bucket)
    if under_path:
        qs = qs.filter(subtree_q(under_path, "org_path"))
    return qs


RANK_BY_SORT_MAX = 50_000  # a subtree of up to this many counter rows is ranked by sorting its range (see ranking)


def ranking(actor: Actor, *, set_code: str, bucket: str, under=None, page: int = 1, page_size: int = 50, grades=None) -> Ranking:
    """One page of the ranking by total (highest first) within `under`'s subtree (default: the actor's scope).

    Reads the counter rows only: the page by the (set, bucket, -total) index, the count by the (set, bucket, path)
    index, and the rank of the page's first row as 1 + the number of higher totals (ties share a rank).
    """
    set_id = IndicatorSet.objects.filter(code=set_code).values_list("pk", flat=True).first()
    if set_id is None:
        return Ranking(0, page, page_size, [])
    base = ScoreTotal.objects.filter(indicator_set_id=set_id, bucket=bucket)
    # the count: a range on the (set, bucket, path) index; the page: the (set, bucket, -total) index walked in order
    # with the subtree as a row filter (a LIKE prefix, which SQLite's planner does not turn into a range scan that
    # would then sort the whole subtree; PostgreSQL chooses by cost either way)
    qs = scope(base.filter(subtree_q(under.path, "org_path")) if under is not None else base, actor)
    ordered = scope(base.filter(org_path__startswith=under.path) if under is not None else base, actor)
    count = qs.count()
    order = ("-total", "subject_id")
    if under is not None and count <= RANK_BY_SORT_MAX:
        # A small subtree of a large set (a county of a province): walking the set-wide rank index and dropping the
        # rows of other subtrees reads (set size / subtree size) rows per row shown — 172 ms at 10^7 members. Read the
        # subtree's range from the (set, bucket, path) index and sort it instead. NULLS LAST (totals are never NULL,
        # so the order is the same) is an order the rank index cannot give, so neither planner walks it.
        ordered = qs
        order = (F("total").desc(nulls_last=True), "subject_id")
    offset = (page - 1) * page_size
    rows = list(ordered.order_by(*order).values("subject_type", "subject_id", "subject_label", "org_id", "org_path", "total", "added", "deducted", "entries")[offset : offset + page_size])
    out: list[RankRow] = []
    prev_total, rank = None, 0
    for i, r in enumerate(rows):
        if i == 0:
            rank = ordered.filter(total__gt=r["total"]).count() + 1
        elif r["total"] != prev_total:
            rank = offset + i + 1
        prev_total = r["total"]
        out.append(RankRow(rank=rank, grade=grade_for(grades, r["total"]) if grades else "", **r))
    return Ranking(count, page, page_size, out)


def rank_of(set_code: str, subject, bucket: str, under_path: str | None = None) -> tuple[int, int]:
    """(rank, out of) of one subject within a subtree."""
    s = get_set(set_code)
    if s is None:
        return 0, 0
    qs = ranking_queryset(s.pk, bucket, under_path)
    mine = total(set_code, subject, bucket)
    return qs.filter(total__gt=mine).count() + 1, qs.count()


def periods(actor: Actor, *, set_code: str | None = None, under=None, state: str | None = None):
    qs = ScorePeriod.objects.select_related("org", "indicator_set")
    if set_code:
        qs = qs.filter(indicator_set__code=set_code)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    if state:
        qs = qs.filter(state=state)
    return scope(qs, actor).order_by("-starts_on", "org__path")


def appeals(actor: Actor, *, set_code: str | None = None, under=None, state: str | None = None, period=None):
    qs = ScoreAppeal.objects.select_related("org", "period", "entry")
    if set_code:
        qs = qs.filter(period__indicator_set__code=set_code)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    if state:
        qs = qs.filter(state=state)
    if period is not None:
        qs = qs.filter(period=period)
    return scope(qs, actor).order_by("-filed_on", "-id")


def subject_q(subject) -> Q:
    return Q(subject_type=subject._meta.label_lower, subject_id=subject.pk)


def bucket_total_of(period: ScorePeriod) -> str:
    """The counter bucket matching a period (month/quarter/year) for reading published totals."""
    if period.kind == "month":
        return calc.bucket_month(period.starts_on)
    if period.kind == "quarter":
        return calc.bucket_quarter(period.starts_on)
    return calc.bucket_year(period.starts_on)
