"""Home-page item: branches whose party-building funds last year fell short of the per-member floor."""

from __future__ import annotations

import datetime as dt

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from orgwork.core.errors import NotFound, ServiceError
from orgwork.core.registry import Item
from orgwork.core.registry import attention as register

from . import selectors


@register("funds.branches")
def branches_short_of_funds(actor, under=None):
    year = dt.date.today().year - 1
    recorded = selectors.entries(actor).filter(year=year, voided_on__isnull=True)
    if under is not None:
        recorded = recorded.filter(org__path__startswith=under.path)
    if not recorded.exists():
        return []  # the ledger is not in use in this scope: no alarm about every branch
    try:
        data = selectors.report(actor, under=under, year=year)
    except (NotFound, ServiceError):
        return []
    failing = data.failing_branches
    if not failing:
        return []
    try:
        url = reverse("funds:report") + f"?year={year}" + (f"&org={under.pk}" if under is not None else "")
    except NoReverseMatch:
        url = ""
    return [
        Item(
            kind="funds.branches",
            title=_("%(n)s个党支部%(year)s年党建经费未达到每名党员%(per_member_floor)s元") % {"n": len(failing), "year": year, "per_member_floor": format(data.per_member_floor, '.0f')},
            detail=_("%(names)s等") % {"names": "、".join(r.name for r in failing[:5])} if len(failing) > 5 else "、".join(r.name for r in failing[:5]),
            url=url,
            severity="warning",
        )
    ]
