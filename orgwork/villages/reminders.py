"""Deadline providers (core.deadlines): secondments past their end without the assessment, probations due, reserve
cadres' placements past their end, first secretaries' yearly assessments, pairings not visited in time."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from orgwork.core import deadlines
from orgwork.core.actor import Actor
from orgwork.orgs.selectors import path_names

from . import selectors
from .rules import kind_label, kind_rules, pairing_rules


@deadlines.provider("villages.assessments")
def overdue_assessment_items(today: dt.date):
    rules = kind_rules(on=today)
    for s in selectors.overdue_assessments(Actor.system_actor("villages.daily"), today=today).iterator(chunk_size=1000):
        yield deadlines.Item(
            kind="villages.assessment", category="other", title=_("%(name)s（%(kind)s）期满考核未完成") % {"name": s.name, "kind": kind_label(s.kind, rules)},
            body=_("%(org)s：挂职选派已于%(year)s年%(month)02d月%(day)02d日期满，请完成期满考核。") % {
                "org": path_names([s.org])[s.org_id], "year": s.ends_on.year, "month": s.ends_on.month, "day": s.ends_on.day},
            org_id=s.org_id, url=reverse("villages:secondment", args=[s.pk]), key=f"villages:assessment:{s.pk}",
            due_on=s.ends_on, level="committee", subject=s.name,
        )  # fmt: skip


@deadlines.provider("villages.probations")
def probation_items(today: dt.date):
    """New two-committee members whose probation has ended without the township's decision (试用期制度, seed 002)."""
    for c in selectors.probations_due(Actor.system_actor("villages.daily"), today=today).iterator(chunk_size=1000):
        yield deadlines.Item(
            kind="villages.probation", category="other", title=_("%(name)s试用期已满，待考察") % {"name": c.name}, subject=c.name,
            body=_("%(org)s：%(name)s的试用期已于%(year)s年%(month)02d月%(day)02d日期满，请作出试用期考察结论。") % {
                "org": path_names([c.org])[c.org_id], "name": c.name, "year": c.probation_ends_on.year, "month": c.probation_ends_on.month, "day": c.probation_ends_on.day},
            org_id=c.org_id, url=reverse("villages:cadre", args=[c.pk]), key=f"villages:probation:{c.pk}:{c.probation_ends_on}",
            due_on=c.probation_ends_on, level="committee",
        )  # fmt: skip


@deadlines.provider("villages.placements")
def placement_items(today: dt.date):
    """Reserve cadres' practice placements past their end without the assessment."""
    for p in selectors.placements_overdue(Actor.system_actor("villages.daily"), today=today).iterator(chunk_size=1000):
        r = p.reserve
        yield deadlines.Item(
            kind="villages.placement", category="other", title=_("%(name)s实践锻炼期满未考核") % {"name": r.name}, subject=r.name,
            body=_("%(org)s：后备干部%(name)s在%(place)s的实践锻炼已于%(year)s年%(month)02d月%(day)02d日期满，请完成考核。") % {
                "org": path_names([r.org])[r.org_id], "name": r.name, "place": p.place, "year": p.ends_on.year, "month": p.ends_on.month, "day": p.ends_on.day},
            org_id=r.org_id, url=reverse("villages:reserve", args=[r.pk]), key=f"villages:placement:{p.pk}", due_on=p.ends_on, level="committee",
        )  # fmt: skip


@deadlines.provider("villages.year_assessments")
def year_assessment_items(today: dt.date):
    """First secretaries without last year's assessment (due from the new year)."""
    year = today.year - 1
    for s in selectors.year_assessments_due(Actor.system_actor("villages.daily"), today=today).iterator(chunk_size=1000):
        yield deadlines.Item(
            kind="villages.year_assessment", category="other", title=_("第一书记%(name)s%(year)s年度考核未完成") % {"name": s.name, "year": year}, subject=s.name,
            body=_("%(org)s：驻村第一书记%(name)s的%(year)s年度考核尚未完成。") % {"org": path_names([s.org])[s.org_id], "name": s.name, "year": year},
            org_id=s.org_id, url=reverse("villages:secondment", args=[s.pk]), key=f"villages:year:{s.pk}:{year}", due_on=dt.date(year + 1, 1, 1), level="committee",
        )  # fmt: skip


@deadlines.provider("villages.visits")
def visit_items(today: dt.date):
    """Pairings, contact points and members' households not visited within the rule's days."""
    rules = pairing_rules(on=today)
    labels = dict(rules["kinds"])
    for p in selectors.visits_overdue(Actor.system_actor("villages.daily"), today=today):
        due = selectors.visit_due(p, rules)
        yield deadlines.Item(
            kind="villages.visit", category="other", title=_("%(helper)s—%(target)s逾期未走访") % {"helper": p.helper, "target": p.target}, subject=p.helper,
            body=_("%(org)s：%(kind)s“%(helper)s—%(target)s”应于%(year)s年%(month)02d月%(day)02d日前走访（至少每%(days)s天一次）。") % {
                "org": path_names([p.org])[p.org_id], "kind": labels.get(p.kind, p.kind), "helper": p.helper, "target": p.target,
                "year": due.year, "month": due.month, "day": due.day, "days": rules["visit_every_days"][p.kind]},
            org_id=p.org_id, url=reverse("villages:pairing", args=[p.pk]), key=f"villages:visit:{p.pk}:{due}", due_on=due, level="branch",
        )  # fmt: skip
