"""Deadline provider `disclosure`: routine items not published for the last closed period (due a rule-data number
of working days after it ends), and on-request disclosures waiting for their answer (due on their time limit)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from orgwork.core import deadlines

from . import selectors
from .models import CatalogueEntry


@deadlines.provider("disclosure")
def disclosure_items(today: dt.date):
    entries = CatalogueEntry.objects.filter(active=True, org__abolished_on__isnull=True).exclude(frequency="").select_related("org").order_by("pk")
    for row in selectors.routine_rows(entries.iterator(chunk_size=500), today):
        if row.item is not None or row.due_on is None or today < row.due_on - dt.timedelta(days=7):
            continue
        e = row.entry
        yield deadlines.Item(
            kind="disclosure.routine", category="other", title=_("例行公开：%(title)s（%(period)s）") % {"title": e.title, "period": row.period_label}, org_id=e.org_id,
            url=f"/disclosure/catalogue/?org={e.org_id}", key=f"disclosure.routine:{e.pk}:{row.period}", due_on=row.due_on, subject=e.org.name,
        )  # fmt: skip
    for req in selectors.overdue_requests(today):
        yield deadlines.Item(
            kind="disclosure.request", category="other", title=_("依申请公开待答复（%(date)s收到）") % {"date": req.received_on.isoformat()}, org_id=req.org_id,
            url=f"/disclosure/requests/{req.pk}/", key=f"disclosure.request:{req.pk}", due_on=req.due_on, subject=req.org.name,
        )  # fmt: skip
