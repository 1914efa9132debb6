"""Delegate reads through the scope: composition against targets, who has had no reception this year, yearly report."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from orgwork.core.actor import Actor
from orgwork.core.scope import scope

from .models import Congress, Delegate, Occupation, Office, Opinion, OpinionState, Proposal, Question, Reception


def congresses(actor: Actor):
    return scope(Congress.objects.select_related("org"), actor)


def delegates(actor: Actor, congress: Congress | None = None):
    qs = scope(Delegate.objects.select_related("org", "congress"), actor).filter(active=True)
    return qs.filter(congress=congress) if congress is not None else qs


def offices(actor: Actor):
    return scope(Office.objects.select_related("org"), actor)


def receptions(actor: Actor):
    return scope(Reception.objects.select_related("office__org").prefetch_related("delegates"), actor)


def opinions(actor: Actor):
    return scope(Opinion.objects.select_related("org", "delegate"), actor)


def proposals(actor: Actor):
    return scope(Proposal.objects.select_related("delegate", "congress"), actor)


def questions(actor: Actor):
    return scope(Question.objects.select_related("org"), actor)


def public_questions():
    return Question.objects.filter(answered_on__isnull=False).select_related("org").order_by("-answered_on", "-pk")


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def composition(congress: Congress, on: dt.date | None = None) -> dict:
    """Shares of workers, farmers, women and under-35s among the active delegates, against the congress's targets."""
    on = on or dt.date.today()
    rows = list(Delegate.objects.filter(congress=congress, active=True).values("occupation", "female", "birth_date"))
    n = len(rows)
    counts = {
        "workers": sum(1 for r in rows if r["occupation"] == Occupation.WORKER),
        "farmers": sum(1 for r in rows if r["occupation"] == Occupation.FARMER),
        "women": sum(1 for r in rows if r["female"]),
        "under_35": sum(1 for r in rows if age_on(r["birth_date"], on) < 35),
    }
    labels = {"workers": _("工人"), "farmers": _("农民"), "women": _("女性"), "under_35": _("35岁以下")}
    out = []
    for key, count in counts.items():
        share = count / n if n else 0.0
        target = congress.targets.get(key)
        out.append({"key": key, "label": labels[key], "count": count, "share": share, "target": target, "met": target is None or share >= float(target)})
    ages = [age_on(r["birth_date"], on) for r in rows]
    return {"total": n, "rows": out, "mean_age": round(sum(ages) / n, 1) if n else None, "note": congress.targets.get("note", "")}


def without_reception(qs, year: int):
    """Delegates with no reception day in `year` (rule: at least one a year)."""
    return qs.annotate(n=Count("receptions", filter=Q(receptions__day__year=year))).filter(n=0)


def yearly_report(delegate: Delegate, year: int) -> dict:
    recs = list(delegate.receptions.filter(day__year=year).select_related("office").order_by("day"))
    ops = Opinion.objects.filter(delegate=delegate, received_on__year=year)
    props = Proposal.objects.filter(delegate=delegate, submitted_on__year=year)
    return {
        "year": year, "receptions": recs, "visitors": sum(r.visitors for r in recs),
        "opinions": ops.count(), "opinions_closed": ops.filter(state=OpinionState.CLOSED).count(),
        "proposals": list(props), "proposals_replied": props.filter(replied_on__isnull=False).count(),
    }  # fmt: skip
