"""Deadline providers of selections and honours (core.deadlines): the "光荣在党50年" list each spring, model sites
due for their yearly re-check."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext as _

from orgwork.core import deadlines
from orgwork.core.actor import Actor

from . import rules, selectors
from .models import ModelSite


@deadlines.provider("awards.honour50")
def honour_items(today: dt.date):
    """From the spring (rule data, default 1 March) to the cut-off: each branch with members reaching 50 years of
    party standing whose medal is not yet issued."""
    if not selectors.in_reminder_window(today):
        return
    rows = selectors.fifty_year_list(Actor.system_actor("awards.daily"), year=today.year)
    by_org = defaultdict(list)
    for r in rows:
        if r.honour is None or r.honour.status != "issued":
            by_org[r.member.org_id].append(r)
    cut = rules.cutoff(today.year)
    for org_id, items in sorted(by_org.items()):
        names = "、".join(r.member.name for r in items[:10])
        if len(items) > 10:
            names = _("%(names)s等") % {"names": names}
        yield deadlines.Item(
            kind="awards.honour50", category="other",
            title=_("%(org)s有%(n)s名党员党龄满50年，请报送“光荣在党50年”纪念章名单") % {"org": items[0].member.org.name, "n": len(items)},
            body=_("%(names)s。党龄自转为正式党员之日起算，截止%(date)s。") % {"names": names, "date": _("%(year)s年%(month)02d月%(day)02d日") % {"year": cut.year, "month": cut.month, "day": cut.day}},
            org_id=org_id,
            url=reverse("awards:honours") + f"?year={today.year}", key=f"awards:honour50:{org_id}:{today.year}:{len(items)}", due_on=cut,
            escalate=False, subject=items[0].member.org.name,
        )  # fmt: skip


@deadlines.provider("awards.model_sites")
def recheck_items(today: dt.date):
    for s in ModelSite.objects.filter(withdrawn_on__isnull=True).select_related("org").order_by("id").iterator(chunk_size=500):
        due = selectors.recheck_due(s, today)
        if due - today > dt.timedelta(days=30):
            continue
        yield deadlines.Item(
            kind="awards.model_recheck", category="other", title=_("%(kind)s“%(title)s”年度复核") % {"kind": s.get_kind_display(), "title": s.title}, org_id=s.org_id,
            url=reverse("awards:model_sites"), key=f"awards:model:{s.pk}:{due}", due_on=due, level="committee", escalate=False, subject=s.org.name,
        )  # fmt: skip
