"""Deadline provider of remote education (core.deadlines): on the first days of a month, the remote-education sites
that held no study session the month before are reported to their organization (inactive sites, seed 002)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from orgwork.core import deadlines
from orgwork.core.actor import Actor

from . import selectors


@deadlines.provider("education.inactive_sites")
def inactive_items(today: dt.date):
    if today.day > 10:
        return
    last = today.replace(day=1) - dt.timedelta(days=1)
    for row in selectors.monthly_activity(Actor.system_actor("education.daily"), year=last.year, month=last.month):
        if not row.inactive:
            continue
        yield deadlines.Item(
            kind="education.inactive", category="other", title=_("远程教育站点“%(name)s”%(month)s月未组织学习") % {"name": row.venue.name, "month": last.month},
            body=_("%(path)s：%(year)s年%(month)02d月站点集中学习%(n)s次，低于每月要求。") % {"path": row.path, "year": last.year, "month": last.month, "n": row.sessions},
            org_id=row.venue.org_id,
            url=reverse("education:activity") + f"?year={last.year}&month={last.month}", key=f"education:inactive:{row.venue.pk}:{last:%Y-%m}",
            phase="notice", escalate=False, subject=row.venue.name,
        )  # fmt: skip
