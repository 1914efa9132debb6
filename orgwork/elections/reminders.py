"""Term reminders (rules.md §1, good practice): exactly 6 and 3 months before a term ends, then monthly while
it is overdue or while no term date is recorded. Built on the org.structure rule set's `term_reminder_months`.

A milestone is the reminder in force on a day; each is sent once (de-duplicated by its key), so a day the
job did not run is caught up the next day rather than lost. The election procedure's own steps are reminded by
the kernel's procedure provider; this module says where they are done (`procedure_link`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from orgwork.core import deadlines
from orgwork.core.normalize import add_months
from orgwork.orgs.models import Org, OrgKind
from orgwork.orgs.rules import structure_rules


@dataclass(frozen=True)
class Milestone:
    key: str
    since: dt.date | None
    message: str
    severity: str


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from start to end (add_months(start, n) <= end)."""
    n = (end.year - start.year) * 12 + end.month - start.month
    while n > 0 and add_months(start, n) > end:
        n -= 1
    return max(n, 0)


def term_milestone(ends: dt.date | None, today: dt.date, *, months=None, started: dt.date | None = None) -> Milestone | None:
    months = sorted(months if months is not None else structure_rules(today)["term_reminder_months"])
    if ends is None:
        return Milestone(f"unknown:{today:%Y-%m}", today.replace(day=1), _("未登记本届任期开始日期，请核实并登记"), "info")
    date = _("%(year)s年%(month)02d月%(day)02d日") % {"year": ends.year, "month": ends.month, "day": ends.day}
    if today >= ends:
        k = months_between(ends, today)
        since = add_months(ends, k)
        if k:
            message = _("任期已于%(date)s届满（已逾期%(months)s个月），应按期换届") % {"date": date, "months": k}
        else:
            message = _("任期已于%(date)s届满（今日届满），应按期换届") % {"date": date}
        return Milestone(f"overdue:{since:%Y-%m-%d}", since, message, "danger")
    for m in months:  # the nearest window first (3 months), then 6
        start = add_months(ends, -m)
        if today >= start:
            return Milestone(f"{m}m", start, _("任期将于%(date)s届满（距届满不足%(months)s个月），请做好换届准备") % {"date": date, "months": m}, "warning")
    return None


@deadlines.provider("elections.terms")
def term_items(today: dt.date):
    orgs = Org.objects.filter(abolished_on__isnull=True).exclude(kind=OrgKind.GROUP).only("id", "name", "kind", "sector", "term_started_on", "term_years").order_by("id")
    for o in orgs.iterator(chunk_size=1000):
        ms = term_milestone(o.term_ends_on(), today, started=o.term_started_on)
        if ms is None:
            continue
        yield deadlines.Item(
            kind="elections.term",
            category="terms",
            title=_("%(org)s：%(message)s") % {"org": o.name, "message": ms.message},
            body=ms.message,
            org_id=o.pk,
            url=reverse("elections:org", args=[o.pk]),
            key=f"term:{o.pk}:{o.term_started_on or '-'}:{ms.key}",
            phase="term",
            escalate=False,
            subject=o.name,
        )


@deadlines.procedure_link("election")
def election_link(instance) -> str:
    from .models import Election

    pk = Election.objects.filter(procedure_id=instance.pk).values_list("pk", flat=True).first()
    return reverse("elections:detail", args=[pk]) if pk else reverse("elections:org", args=[instance.org_id])


def send_term_reminders(*, today: dt.date | None = None, actor=None) -> int:
    """This provider alone (tests, a manual run): the daily job runs every provider."""
    return deadlines.run(today=today, only=["elections.terms"], actor=actor).new
