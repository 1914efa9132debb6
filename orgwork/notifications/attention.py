"""Home-page items: procedure steps waiting at the level the user answers for (a committee's 备案 or approval,
the county's review), from the kernel's deadline data (core.deadlines.waiting_procedures)."""

from __future__ import annotations

import datetime as dt

from orgwork.core import deadlines
from orgwork.core.registry import Item
from orgwork.core.registry import attention as register


@register("core.waiting")
def waiting_items(actor, under=None):
    today = dt.date.today()
    items = []
    for instance, item in deadlines.waiting_procedures(actor, under=under):
        late = item.due_on is not None and item.due_on < today
        items.append(
            Item(
                kind="procedure.waiting",
                title=f"待本级办理：{item.title}",
                detail=(f"期限 {item.due_on:%Y-%m-%d}" + ("，已逾期" if late else "")) if item.due_on else item.body,
                url=item.url,
                severity="danger" if late else "warning",
                due=item.due_on,
                org_id=instance.org_id,
            )
        )
    return items


@register("notifications.sms_approval")
def sms_approval_items(actor, under=None):
    """Bulk SMS waiting for this person's approval (the requester cannot approve their own)."""
    from . import selectors

    return [
        Item(
            kind="sms.campaign.approve",
            title=f"待审批的批量短信：{c.title}",
            detail=f"{c.org.name}，{c.recipients}人，约{c.cost_yuan}元",
            url=f"/inbox/sms/{c.pk}/",
            severity="warning",
            org_id=c.org_id,
        )
        for c in selectors.campaigns_to_approve(actor)
    ]
