"""Deadline provider (core.deadlines): secondments whose term has ended without the end assessment."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from orgwork.core import deadlines
from orgwork.core.actor import Actor
from orgwork.orgs.selectors import path_names

from . import selectors
from .rules import kind_label, kind_rules


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
