"""Disclosure reads: console lists through the scope; public and member views see published items only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from orgwork.core import calendar as workcal
from orgwork.core.actor import Actor
from orgwork.core.scope import scope
from orgwork.orgs.models import STEP, Org

from .models import Audience, CatalogueEntry, Item, ItemState, Request, RequestState
from .rules import disclosure_rules, last_closed_period, period_label


def items(actor: Actor):
    return scope(Item.objects.select_related("org", "entry"), actor).order_by("-created_at", "-pk")


def requests(actor: Actor):
    return scope(Request.objects.select_related("org"), actor).order_by("state", "due_on", "pk")


def catalogue(actor: Actor, org: Org):
    return scope(CatalogueEntry.objects.filter(org=org, active=True), actor)


def public_items(org: Org | None = None):
    qs = Item.objects.filter(state=ItemState.PUBLISHED, audience=Audience.PUBLIC).select_related("org").order_by("-published_at", "-pk")
    return qs.filter(org=org) if org is not None else qs


def public_orgs(q: str = ""):
    qs = Org.objects.filter(abolished_on__isnull=True).order_by("path")
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    return qs


def member_items(actor: Actor):
    """Items published to members of the member's own org and its ancestors, and public ones of those orgs."""
    paths = actor.self_org_paths()
    if not paths:
        return Item.objects.none()
    chain = {p[:i] for p in paths for i in range(STEP, len(p) + 1, STEP)}
    return Item.objects.filter(state=ItemState.PUBLISHED, org__path__in=chain).select_related("org").order_by("-published_at", "-pk")


@dataclass
class RoutineRow:
    entry: CatalogueEntry
    period: str
    due_on: dt.date | None
    item: Item | None

    @property
    def period_label(self) -> str:
        return period_label(self.period)

    def overdue(self, today: dt.date) -> bool:
        return self.item is None and self.due_on is not None and today > self.due_on


def routine_due(entry: CatalogueEntry, today: dt.date) -> tuple[str, dt.date | None]:
    key, _first, last = last_closed_period(entry.frequency, today)
    lag = disclosure_rules(on=today)["routine_lag_working_days"]
    try:
        due = workcal.add_workdays(last, lag)
    except Exception:  # a year the calendar does not know
        due = last + dt.timedelta(days=int(lag * 1.4) + 1)
    return key, due


def routine_rows(entries, today: dt.date) -> list[RoutineRow]:
    rows = []
    for e in entries:
        if not e.frequency:
            continue
        key, due = routine_due(e, today)
        done = Item.objects.filter(entry=e, period=key, state=ItemState.PUBLISHED).first()
        rows.append(RoutineRow(e, key, due, done))
    return rows


def overdue_requests(today: dt.date):
    return Request.objects.filter(state=RequestState.OPEN).select_related("org").order_by("due_on")
