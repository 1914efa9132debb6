"""Deadline provider `delegates`: online questions waiting for their public answer (due on their time limit), and
— from the rule's month — each org with delegates who have had no reception day this year (due 31 December)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.utils.translation import gettext as _

from orgwork.core import deadlines

from . import selectors
from .models import Delegate, Question
from .rules import delegate_rules


@deadlines.provider("delegates")
def delegate_items(today: dt.date):
    for q in Question.objects.filter(answered_on__isnull=True).select_related("org").order_by("due_on").iterator(chunk_size=500):
        yield deadlines.Item(kind="delegates.question", category="other", title=_("网络问政待答复：%(title)s") % {"title": q.title[:30]}, org_id=q.org_id, url=f"/delegates/questions/{q.pk}/",
                             key=f"delegates.question:{q.pk}", due_on=q.due_on, subject=q.org.name)  # fmt: skip
    rules = delegate_rules(on=today)
    if today.month < rules["flag_from_month"]:
        return
    missing = Counter(selectors.without_reception(Delegate.objects.filter(active=True), today.year).values_list("org_id", flat=True))
    for org_id, n in sorted(missing.items()):
        yield deadlines.Item(kind="delegates.reception", category="other", title=_("%(year)s年有%(n)s名党代表尚未参加接待日活动") % {"year": today.year, "n": n}, org_id=org_id,
                             url="/delegates/", key=f"delegates.reception:{org_id}:{today.year}:{n}", due_on=dt.date(today.year, 12, 31), subject=_("%(n)s人") % {"n": n})  # fmt: skip
