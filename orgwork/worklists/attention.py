"""Home-page items: overdue assigned matters and overdue issues in the actor's scope."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from orgwork.core.errors import NotFound, ServiceError
from orgwork.core.registry import Item
from orgwork.core.registry import attention as register

from . import selectors


@register("worklists.overdue")
def overdue(actor, under=None):
    try:
        counts = selectors.open_counts(actor, under=under, today=dt.date.today())
    except (NotFound, ServiceError):
        return []
    out = []
    if counts["matters_overdue"]:
        out.append(Item(kind="worklists.matters", title=_("%(matters_overdue)s件交办事项逾期未办") % {"matters_overdue": counts['matters_overdue']}, detail=_("按13710等时限模板办理"), url=reverse("worklists:matters") + "?open=1", severity="danger"))
    if counts["issues_overdue"]:
        out.append(Item(kind="worklists.issues", title=_("%(issues_overdue)s个问题逾期未整改销号") % {"issues_overdue": counts['issues_overdue']}, detail=_("问题清单与整改台账"), url=reverse("worklists:issues") + "?status=open", severity="danger"))
    return out
