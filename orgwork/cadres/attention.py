"""Home-page items of the cadres app: the daily registry checks (任职回避, 交流, 退休, 职数), side jobs not allowed,
key moments due, and flagged selections."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

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
        out.append(Item(kind="cadres.registry", title=f"干部名册检查发现{len(warnings)}个问题", detail="；".join(w["text"] for w in warnings[:3]) + ("等" if len(warnings) > 3 else ""), url=reverse("cadres:units"), severity="warning"))
    over = [q for q in selectors.quota_status(actor) if q["state"] == "over"]
    if over:
        out.append(Item(kind="cadres.quota", title=f"{len(over)}个单位领导职数超配", detail="、".join(f"{q['unit'].name}{q['kind']}" for q in over[:5]), url=reverse("cadres:units"), severity="danger"))
    bad_jobs = selectors.flagged_side_jobs(actor)
    if bad_jobs:
        out.append(Item(kind="cadres.side_jobs", title=f"{len(bad_jobs)}项干部兼职不符合规定", detail="、".join(f"{r['job'].cadre.name}（{r['job'].organization}）" for r in bad_jobs[:3]) + ("等" if len(bad_jobs) > 3 else ""),
                        url=reverse("cadres:oversight"), severity="danger"))
    due = selectors.moments(actor).filter(on__lte=dt.date.today()).count()
    if due:
        out.append(Item(kind="cadres.moments", title=f"{due}个干部监督关键节点待办结", url=reverse("cadres:oversight"), severity="warning"))
    flagged = selectors.selections(actor, in_flight=True).filter(open_flags__gt=0).count()
    if flagged:
        out.append(Item(kind="cadres.flags", title=f"{flagged}项选拔任用有待整改的问题", url=reverse("cadres:selections"), severity="warning"))
    return out
