"""Deadline providers (core.deadlines): secondments past their end without the assessment, probations due, reserve
cadres' placements past their end, first secretaries' yearly assessments, pairings not visited in time."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

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
            kind="villages.assessment", category="other", title=f"{s.name}（{kind_label(s.kind, rules)}）期满考核未完成",
            body=f"{path_names([s.org])[s.org_id]}：挂职选派已于{s.ends_on:%Y年%m月%d日}期满，请完成期满考核。",
            org_id=s.org_id, url=reverse("villages:secondment", args=[s.pk]), key=f"villages:assessment:{s.pk}",
            due_on=s.ends_on, level="committee", subject=s.name,
        )  # fmt: skip


@deadlines.provider("villages.probations")
def probation_items(today: dt.date):
    """New two-committee members whose probation has ended without the township's decision (试用期制度, seed 002)."""
    for c in selectors.probations_due(Actor.system_actor("villages.daily"), today=today).iterator(chunk_size=1000):
        yield deadlines.Item(
            kind="villages.probation", category="other", title=f"{c.name}试用期已满，待考察", subject=c.name,
            body=f"{path_names([c.org])[c.org_id]}：{c.name}的试用期已于{c.probation_ends_on:%Y年%m月%d日}期满，请作出试用期考察结论。",
            org_id=c.org_id, url=reverse("villages:cadre", args=[c.pk]), key=f"villages:probation:{c.pk}:{c.probation_ends_on}",
            due_on=c.probation_ends_on, level="committee",
        )  # fmt: skip


@deadlines.provider("villages.placements")
def placement_items(today: dt.date):
    """Reserve cadres' practice placements past their end without the assessment."""
    for p in selectors.placements_overdue(Actor.system_actor("villages.daily"), today=today).iterator(chunk_size=1000):
        r = p.reserve
        yield deadlines.Item(
            kind="villages.placement", category="other", title=f"{r.name}实践锻炼期满未考核", subject=r.name,
            body=f"{path_names([r.org])[r.org_id]}：后备干部{r.name}在{p.place}的实践锻炼已于{p.ends_on:%Y年%m月%d日}期满，请完成考核。",
            org_id=r.org_id, url=reverse("villages:reserve", args=[r.pk]), key=f"villages:placement:{p.pk}", due_on=p.ends_on, level="committee",
        )  # fmt: skip


@deadlines.provider("villages.year_assessments")
def year_assessment_items(today: dt.date):
    """First secretaries without last year's assessment (due from the new year)."""
    year = today.year - 1
    for s in selectors.year_assessments_due(Actor.system_actor("villages.daily"), today=today).iterator(chunk_size=1000):
        yield deadlines.Item(
            kind="villages.year_assessment", category="other", title=f"第一书记{s.name}{year}年度考核未完成", subject=s.name,
            body=f"{path_names([s.org])[s.org_id]}：驻村第一书记{s.name}的{year}年度考核尚未完成。",
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
            kind="villages.visit", category="other", title=f"{p.helper}—{p.target}逾期未走访", subject=p.helper,
            body=f"{path_names([p.org])[p.org_id]}：{labels.get(p.kind, p.kind)}“{p.helper}—{p.target}”应于{due:%Y年%m月%d日}前走访（至少每{rules['visit_every_days'][p.kind]}天一次）。",
            org_id=p.org_id, url=reverse("villages:pairing", args=[p.pk]), key=f"villages:visit:{p.pk}:{due}", due_on=due, level="branch",
        )  # fmt: skip
