"""Reads of petitions and the reception schedule, scoped; the gaps in leaders' reception against the rule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from orgwork.core.actor import Actor
from orgwork.core.models import Role
from orgwork.core.normalize import add_months
from orgwork.core.scope import get_in_scope, scope

from .models import Booking, Leader, Petition, ReceptionDay, Satisfaction, Status
from .rules import CATEGORIES, reception_rules

READ_ROLES = frozenset({Role.SYSADMIN, Role.DEPT_ADMIN, Role.ORG_ADMIN})


def petitions(actor: Actor) -> QuerySet:
    return scope(Petition.objects.select_related("org", "procedure", "repeat_of"), actor)


def get_petition(actor: Actor, pk) -> Petition:
    return get_in_scope(Petition.objects.select_related("org", "procedure", "repeat_of"), actor, pk=pk)


def leaders(actor: Actor) -> QuerySet:
    return scope(Leader.objects.select_related("org"), actor)


def days(actor: Actor) -> QuerySet:
    return scope(ReceptionDay.objects.select_related("leader", "leader__org"), actor)


def bookings(actor: Actor) -> QuerySet:
    return scope(Booking.objects.select_related("day", "day__leader"), actor)


def published_days(*, today: dt.date | None = None) -> QuerySet:
    """The public schedule: published days from today on (not scoped: it is public)."""
    today = today or dt.date.today()
    return ReceptionDay.objects.filter(published=True, date__gte=today, leader__active=True).select_related("leader").order_by("date", "id")


@dataclass(frozen=True)
class Gap:
    leader: Leader
    start: dt.date
    end: dt.date
    kind: str  # "missed" (period over, no reception held) | "unscheduled" (current period, nothing scheduled)

    @property
    def label(self) -> str:
        return _("未按期接访") if self.kind == "missed" else _("本期尚未安排接访")


def gaps(actor: Actor, *, today: dt.date | None = None, year: int | None = None) -> list[Gap]:
    """Every leader's periods (1 month for county leaders, 2 months for city leaders — rule data) in the year up to
    today without a reception day: past periods without one held, and the current period with none scheduled."""
    today = today or dt.date.today()
    year = year or today.year
    rules = reception_rules(today)
    out: list[Gap] = []
    rows = list(leaders(actor).filter(active=True))
    held: dict[int, list[ReceptionDay]] = {}
    for d in days(actor).filter(leader__in=rows, date__year=year):
        held.setdefault(d.leader_id, []).append(d)
    for leader in rows:
        months = rules["period_months"][leader.level]
        need = rules["days_per_period"][leader.level]
        start = dt.date(year, 1, 1)
        while start <= today and start.year == year:
            end = add_months(start, months) - dt.timedelta(days=1)
            in_period = [d for d in held.get(leader.pk, []) if start <= d.date <= end]
            if end < today:
                if sum(1 for d in in_period if d.held) < need:
                    out.append(Gap(leader, start, end, "missed"))
            elif len(in_period) < need:
                out.append(Gap(leader, start, end, "unscheduled"))
            start = add_months(start, months)
    return out


def statistics(actor: Actor, *, year: int | None = None) -> dict:
    qs = petitions(actor)
    if year:
        qs = qs.filter(received_on__year=year)

    def by(field, labels):
        rows = dict(qs.values_list(field).annotate(n=Count("id")).values_list(field, "n"))
        return [(labels.get(k, k), rows.get(k, 0)) for k in labels]

    return {
        "total": qs.count(),
        "repeats": qs.filter(repeat_of__isnull=False).count(),
        "by_category": by("category", dict(CATEGORIES)),
        "by_status": by("status", dict(Status.choices)),
        "by_satisfaction": by("satisfaction", dict(Satisfaction.choices)),
    }
