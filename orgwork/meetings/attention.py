"""Late branches and groups feed the home page's attention list."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from orgwork.core.registry import Item
from orgwork.core.registry import attention as register

from . import selectors

LIMIT = 200


@register("meetings.compliance")
def late_branches(actor, under=None):
    out = []
    for late in selectors.late_orgs(actor, under=under, cached=True)[:LIMIT]:
        r = late.org
        url = reverse("meetings:org_compliance", args=[r.org_id])
        if late.overdue:
            detail = "；".join(_("%(period)s%(item)s未开展（%(held)s/%(required)s）") % {"period": i.period.label, "item": _(i.label), "held": i.held, "required": i.required} for i in late.overdue)
            out.append(Item(kind="meetings", title=_("%(name)s：组织生活逾期") % {"name": r.name}, detail=detail, url=url, severity="danger", due=min(i.period.end for i in late.overdue), org_id=r.org_id))
        elif late.due_soon:
            detail = "；".join(_("%(item)s须在%(date)s前完成") % {"item": _(i.label), "date": _("%(month)02d月%(day)02d日") % {"month": i.period.end.month, "day": i.period.end.day}} for i in late.due_soon)
            out.append(Item(kind="meetings", title=_("%(name)s：组织生活即将到期") % {"name": r.name}, detail=detail, url=url, severity="warning", due=min(i.period.end for i in late.due_soon), org_id=r.org_id))
    return out
