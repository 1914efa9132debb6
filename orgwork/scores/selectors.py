"""Reads of the scores module, scoped (core.scope); rankings and totals come from the engine's counters."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from orgwork.core.actor import Actor
from orgwork.core.fields import subtree_q
from orgwork.core.scope import scope
from orgwork.core.scoring import calc
from orgwork.core.scoring import selectors as engine
from orgwork.core.scoring.models import ScoreEntry, Source
from orgwork.members.models import Member
from orgwork.orgs.models import BRANCH_KINDS, Org

from . import rules
from .models import Assessment, DutyPost, Rectification, StarRating


def own_members(actor: Actor) -> list[Member]:
    return list(Member.objects.filter(pk__in=actor.self_member_ids).select_related("org"))


def self_indicators(day: dt.date) -> list:
    return engine.indicators_on(rules.MEMBER_POINTS, day, source=Source.SELF)


def member_summary(member: Member, day: dt.date) -> dict:
    """What a member sees on the phone: year and month totals, the reference grade, the rank in the branch."""
    s = engine.get_set(rules.MEMBER_POINTS)
    ver = engine.version_on(s, day) if s else None
    year_total = engine.total(rules.MEMBER_POINTS, member, calc.bucket_year(day))
    rank, out_of = engine.rank_of(rules.MEMBER_POINTS, member, calc.bucket_year(day), member.org.path)
    return {
        "year_total": year_total,
        "month_total": engine.total(rules.MEMBER_POINTS, member, calc.bucket_month(day)),
        "grade": calc.grade_for(ver.grades, year_total) if ver else "",
        "rank": rank,
        "out_of": out_of,
    }


def member_entries(member: Member) -> QuerySet[ScoreEntry]:
    return (
        ScoreEntry.objects.filter(indicator_set__code=rules.MEMBER_POINTS, subject_type="members.member", subject_id=member.pk)
        .select_related("indicator")
        .prefetch_related("evidence")
        .order_by("-occurred_on", "-id")
    )


def queue(actor: Actor, *, under: Org | None = None, set_code: str | None = None) -> QuerySet[ScoreEntry]:
    return engine.pending(actor, set_code=set_code, under=under).select_related("indicator", "org", "indicator_set").prefetch_related("evidence")


def get_entry(actor: Actor, entry_id) -> ScoreEntry:
    """An entry for the evidence link: in read scope, or about the actor themself."""
    from orgwork.core.errors import NotFound

    try:
        pk = int(entry_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    e = ScoreEntry.objects.select_related("org", "indicator").filter(pk=pk).first()
    if e is None:
        raise NotFound()
    if e.subject_type == "members.member" and e.subject_id in actor.self_member_ids:
        return e
    if not scope(ScoreEntry.objects.filter(pk=pk), actor).exists():
        raise NotFound()
    return e


def ranking(actor: Actor, *, set_code: str, bucket: str, under: Org | None, page: int, page_size: int):
    s = engine.get_set(set_code)
    grades = None
    if s is not None and bucket.startswith("Y"):
        ver = engine.version_on(s, dt.date(int(bucket[1:5]), 12, 31))
        grades = ver.grades if ver else None
    return engine.ranking(actor, set_code=set_code, bucket=bucket, under=under, page=page, page_size=page_size, grades=grades)


def periods(actor: Actor, *, under: Org | None = None):
    return engine.periods(actor, under=under)


def appeals(actor: Actor, *, under: Org | None = None, state: str | None = None):
    return engine.appeals(actor, under=under, state=state)


def open_periods_for(member: Member):
    """Published periods covering the member's branch (for the appeal form on the phone)."""
    from orgwork.core.scoring.models import PeriodState, ScorePeriod

    paths = [member.org.path, *member.org.ancestor_paths()]
    return ScorePeriod.objects.filter(org__path__in=paths, state=PeriodState.PUBLISHED, indicator_set__code=rules.MEMBER_POINTS).order_by("-starts_on")


def branches(actor: Actor, *, under: Org | None = None) -> QuerySet[Org]:
    qs = Org.objects.filter(kind__in=BRANCH_KINDS, abolished_on__isnull=True)
    if under is not None:
        qs = qs.filter(subtree_q(under.path))
    return scope(qs, actor).order_by("path")


def star_ratings(actor: Actor, *, year: int, under: Org | None = None) -> dict[int, StarRating]:
    qs = StarRating.objects.filter(year=year)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    return {r.org_id: r for r in scope(qs, actor)}


def branch_totals(org_ids, year: int) -> dict[int, object]:
    from orgwork.core.scoring.models import ScoreTotal

    rows = ScoreTotal.objects.filter(indicator_set__code=rules.BRANCH_STARS, bucket=f"Y{year}", subject_type="orgs.org", subject_id__in=list(org_ids))
    return {r.subject_id: r.total for r in rows}


def cases(actor: Actor, *, under: Org | None = None, state: str | None = None) -> QuerySet[Rectification]:
    qs = Rectification.objects.select_related("org", "leader")
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    if state:
        qs = qs.filter(state=state)
    return scope(qs, actor).order_by("state", "deadline", "id")


def weak_branches(actor: Actor, *, year: int) -> QuerySet[StarRating]:
    """Branches flagged 软弱涣散 in a year (for the cadre module's first-secretary dispatch)."""
    return scope(StarRating.objects.filter(year=year, weak=True).select_related("org"), actor).order_by("org__path")


def assessments(actor: Actor, *, under: Org | None = None, year: int | None = None) -> QuerySet[Assessment]:
    qs = Assessment.objects.select_related("org", "member")
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    if year:
        qs = qs.filter(year=year)
    return scope(qs, actor).order_by("-year", "-score", "org__path")


def posts(actor: Actor, *, under: Org | None = None, active: bool = True) -> QuerySet[DutyPost]:
    qs = DutyPost.objects.select_related("member", "org")
    if active:
        qs = qs.filter(ended_on__isnull=True)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    return scope(qs, actor).order_by("org__path", "title", "id")
