"""Home-page items: members in dues arrears and relief requests waiting for approval."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from orgwork.core.registry import Item
from orgwork.core.registry import attention as register

from . import selectors
from .rules import dues_rules


def _url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register("dues.arrears")
def dues_arrears(actor, under=None):
    items = []
    rules = dues_rules()
    listed, flag = rules["arrears_list_months"][0], rules["self_exit_unpaid_months"]
    rows = selectors.arrears(actor, under=under, min_months=listed)
    flagged = [a for a in rows if a.flagged]
    if flagged:
        items.append(
            Item(
                kind="dues.arrears6",
                title=f"{len(flagged)}名党员连续{flag}个月以上未交党费",
                detail="按党章规定应视为自行脱党，由支部核实有无正当理由后研究决定",
                url=_url("dues:arrears") + f"?months={flag}",
                severity="danger",
            )
        )
    others = len(rows) - len(flagged)
    if others:
        items.append(Item(kind="dues.arrears3", title=f"{others}名党员连续{listed}个月以上未交党费", url=_url("dues:arrears"), severity="warning"))
    n = selectors.pending_reliefs(actor).count()
    if n:
        items.append(Item(kind="dues.relief", title=f"{n}项党费减免待上级党委审批", url=_url("dues:arrears"), severity="info"))
    return items
