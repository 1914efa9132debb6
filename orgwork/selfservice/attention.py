"""Home-page item: requests members sent from their phones that the branch has not handled yet."""

from __future__ import annotations

from django.urls import reverse

from orgwork.core.fields import subtree_q
from orgwork.core.registry import Item
from orgwork.core.registry import attention as register

from . import selectors


@register("selfservice.requests")
def open_requests(actor, under=None):
    if actor is None or actor.user is None:
        return []
    qs = selectors.requests(actor, org_id=None)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    n = qs.count()
    if not n:
        return []
    return [Item(kind="selfservice.requests", title=f"{n}件党员自助申请待处理（更正档案、外出报告）", url=reverse("selfservice:requests"), severity="info")]


@register("selfservice.payments")
def waiting_payments(actor, under=None):
    """Dues members paid or reported from their phones that the branch has not confirmed yet."""
    if actor is None or actor.user is None or not actor.subtree_paths(write=True):
        return []
    from orgwork.dues import selectors as dues_selectors

    qs = dues_selectors.member_payments(actor, waiting=True)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    n = qs.count()
    if not n:
        return []
    return [Item(kind="selfservice.payments", title=f"{n}笔党员手机交纳的党费待确认", url=reverse("selfservice:payments"), severity="info")]
