"""Home-page item: units short of full-time party-affairs staff (rules.md §1)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from orgwork.core.errors import NotFound, ServiceError
from orgwork.core.registry import Item
from orgwork.core.registry import attention as register

from . import selectors


@register("staffing.gaps")
def staff_gaps(actor, under=None):
    try:
        rows = selectors.gaps(actor, under=under)
    except (NotFound, ServiceError):
        return []
    if not rows:
        return []
    try:
        url = reverse("staffing:report") + (f"?org={under.pk}" if under is not None else "")
    except NoReverseMatch:
        url = ""
    missing = sum(r.gap for r in rows)
    return [
        Item(
            kind="staffing.gaps",
            title=_("%(n)s个单位专职党务工作者未配齐（共缺%(missing)s人）") % {"n": len(rows), "missing": missing},
            detail=_("%(names)s等") % {"names": "、".join(r.name for r in rows[:5])} if len(rows) > 5 else "、".join(r.name for r in rows[:5]),
            url=url,
            severity="warning",
        )
    ]
