"""Home-page items of the cadres app: the daily registry checks (任职回避, 交流, 退休, 职数), side jobs not allowed,
key moments due, and flagged selections."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from orgwork.core.registry import Item
from orgwork.core.registry import attention as register

from . import selectors


@register("cadres.registry")
def registry_checks(actor, under=None):
    if not selectors.may_read(actor):
        return []
    out = []
    warnings = selectors.registry_warnings(actor)
    if warnings:
        detail = "；".join(w["text"] for w in warnings[:3])
        if len(warnings) > 3:
            detail = _("%(items)s等") % {"items": detail}
        out.append(Item(kind="cadres.registry", title=_("干部名册检查发现%(n)s个问题") % {"n": len(warnings)}, detail=detail, url=reverse("cadres:units"), severity="warning"))
    over = [q for q in selectors.quota_status(actor) if q["state"] == "over"]
    if over:
        out.append(Item(kind="cadres.quota", title=_("%(n)s个单位领导职数超配") % {"n": len(over)}, detail="、".join(f"{q['unit'].name}{q['kind']}" for q in over[:5]), url=reverse("cadres:units"), severity="danger"))
    bad_jobs = selectors.flagged_side_jobs(actor)
    if bad_jobs:
        detail = "、".join(f"{r['job'].cadre.name}（{r['job'].organization}）" for r in bad_jobs[:3])
        if len(bad_jobs) > 3:
            detail = _("%(items)s等") % {"items": detail}
        out.append(Item(kind="cadres.side_jobs", title=_("%(n)s项干部兼职不符合规定") % {"n": len(bad_jobs)}, detail=detail, url=reverse("cadres:oversight"), severity="danger"))
    due = selectors.moments(actor).filter(on__lte=dt.date.today()).count()
    if due:
        out.append(Item(kind="cadres.moments", title=_("%(n)s个干部监督关键节点待办结") % {"n": due}, url=reverse("cadres:oversight"), severity="warning"))
    flagged = selectors.selections(actor, in_flight=True).filter(open_flags__gt=0).count()
    if flagged:
        out.append(Item(kind="cadres.flags", title=_("%(n)s项选拔任用有待整改的问题") % {"n": flagged}, url=reverse("cadres:selections"), severity="warning"))
    return out
