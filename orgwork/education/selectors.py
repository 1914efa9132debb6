"""Every read of remote education, scoped through core.scope."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from orgwork.core.actor import Actor
from orgwork.core.fields import subtree_q
from orgwork.core.scope import scope
from orgwork.orgs.models import Org
from orgwork.orgs.selectors import path_names

from .models import Course, StudySession, Venue, VenueKind
from .rules import education_rules


def venues(actor: Actor, *, under: Org | None = None, kind: str = "", open_only: bool = True) -> QuerySet:
    qs = scope(Venue.objects.select_related("org", "admin_member"), actor)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    if kind:
        qs = qs.filter(kind=kind)
    if open_only:
        qs = qs.filter(closed_on__isnull=True)
    return qs.order_by("org__path", "kind", "name")


def courses(actor: Actor, *, q: str = "", include_withdrawn: bool = False) -> QuerySet:
    """The catalogue: courses published by the actor's organizations and those above them (a county's courses serve
    every branch), besides those in its scope."""
    paths = set()
    for p in actor.subtree_paths():
        paths.update(p[:i] for i in range(4, len(p) + 1, 4))
    qs = Course.objects.select_related("org")
    if not actor.unrestricted:
        qs = qs.filter(Q(org__path__in=paths) | Q(pk__in=scope(Course.objects.all(), actor).values("pk")) | Q(org__path__in=actor.self_org_paths()))
    if not include_withdrawn:
        qs = qs.filter(withdrawn_on__isnull=True)
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(topic__contains=q))
    return qs.order_by("-created_at", "-id")


def sessions(actor: Actor, *, under: Org | None = None) -> QuerySet:
    qs = scope(StudySession.objects.select_related("venue__org", "course"), actor)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "venue__org__path"))
    return qs.annotate(attendees=Count("attendance")).order_by("-held_on", "-id")


@dataclass
class ActivityRow:
    venue: Venue
    path: str
    sessions: int
    attendees: int
    hours: float
    inactive: bool


def monthly_activity(actor: Actor, *, year: int, month: int, under: Org | None = None, kind: str = VenueKind.REMOTE_SITE) -> list[ActivityRow]:
    """Each open venue of the kind (remote-education sites by default) with its sessions and attendance in the month;
    fewer sessions than the rule's minimum → inactive."""
    start = dt.date(year, month, 1)
    end = dt.date(year, month, calendar.monthrange(year, month)[1])
    minimum = education_rules(end)["min_sessions_per_month"]
    vs = list(venues(actor, under=under, kind=kind).filter(Q(opened_on__isnull=True) | Q(opened_on__lte=end)))
    stats = {}
    for vid, n, people in (
        StudySession.objects.filter(venue__in=vs, held_on__gte=start, held_on__lte=end).values("venue_id").annotate(n=Count("id", distinct=True), people=Count("attendance")).values_list("venue_id", "n", "people")
    ):
        stats[vid] = (n, people)
    hours = {}
    for vid, h in StudySession.objects.filter(venue__in=vs, held_on__gte=start, held_on__lte=end).values_list("venue_id", "hours"):
        hours[vid] = hours.get(vid, 0) + float(h)
    names = path_names([v.org for v in vs])
    out = []
    for v in vs:
        n, people = stats.get(v.pk, (0, 0))
        out.append(ActivityRow(v, names.get(v.org_id, v.org.name), n, people, hours.get(v.pk, 0.0), n < minimum))
    return out
