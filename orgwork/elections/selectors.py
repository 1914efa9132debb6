from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from orgwork.core import procedures as proc
from orgwork.core.actor import Actor
from orgwork.core.scope import get_in_scope, scope
from orgwork.orgs import selectors as org_selectors

from .models import Election
from .reminders import term_milestone


def elections(actor: Actor) -> QuerySet[Election]:
    return scope(Election.objects.select_related("org__parent", "procedure"), actor).order_by("-created_at")


def get_election(actor: Actor, election_id) -> Election:
    return get_in_scope(Election.objects.select_related("org", "procedure"), actor, pk=election_id)


def term_board(actor: Actor, *, today: dt.date | None = None, limit: int = 300):
    """Orgs with a term reminder in force today: (org, milestone), most urgent first."""
    today = today or dt.date.today()
    rows = []
    qs = org_selectors.orgs(actor).exclude(kind="group").only("id", "name", "kind", "sector", "term_started_on", "term_years", "path", "parent_id")
    for o in qs.iterator(chunk_size=2000):
        ms = term_milestone(o.term_ends_on(), today)
        if ms is not None:
            rows.append((o, ms))
    rank = {"danger": 0, "warning": 1, "info": 2}
    rows.sort(key=lambda r: (rank[r[1].severity], r[0].term_ends_on() or dt.date.max, r[0].path))
    return rows[:limit], len(rows)


def timeline(e: Election):
    return proc.timeline(e.procedure)


def definition(e: Election):
    return proc.definition_for(e.procedure)
