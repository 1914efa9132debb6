"""Home-page items: transfers waiting or overdue, late letter receipts, mobile members needing attention."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from orgwork.core.registry import Item
from orgwork.core.registry import attention as register

from . import selectors


def _url(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@register("lifecycle.transfers")
def transfer_items(actor, under=None):
    items = []
    waiting = selectors.incoming_pending(actor).count()
    if waiting:
        items.append(Item(kind="transfer.incoming", title=_("%(n)s项组织关系转接待接收") % {"n": waiting}, detail=_("接收方不得拒绝接收；有问题的请退回并说明原因"), url=_url("lifecycle:transfers"), severity="warning"))
    late = selectors.overdue(actor, under=under)
    receipts = [o for o in late if o.transfer.kind == "out"]
    others = [o for o in late if o.transfer.kind != "out"]
    if receipts:
        items.append(Item(kind="transfer.receipt_late", title=_("%(n)s份组织关系介绍信回执逾期未返回") % {"n": len(receipts)}, detail=_("回执应在1个月内返回，请催办"), url=_url("lifecycle:transfers") + "?overdue=1", severity="danger", due=receipts[0].due))
    if others:
        items.append(Item(kind="transfer.overdue", title=_("%(n)s项组织关系转接逾期未办结") % {"n": len(others)}, url=_url("lifecycle:transfers") + "?overdue=1", severity="danger", due=others[0].due))
    return items


@register("lifecycle.mobile")
def mobile_items(actor, under=None):
    away, silent = selectors.flagged_counts(actor)
    items = []
    if silent:
        items.append(Item(kind="mobile.no_contact", title=_("%(n)s名流动党员6个月以上未联系") % {"n": silent}, detail=_("可提出停止党籍的建议，由支部研究决定"), url=_url("lifecycle:mobile"), severity="danger"))
    if away:
        items.append(Item(kind="mobile.away", title=_("%(n)s名党员外出流动满6个月") % {"n": away}, detail=_("在外地有固定工作或居所的，应转接组织关系"), url=_url("lifecycle:mobile"), severity="info"))
    return items


@register("lifecycle.suspended")
def suspended_items(actor, under=None):
    n = selectors.suspended_due_for_removal(actor).count()
    if not n:
        return []
    return [Item(kind="exit.suspended2y", title=_("%(n)s名党员停止党籍已满2年") % {"n": n}, detail=_("仍无联系的，支部可按程序研究除名（由支部决定）"), url=_url("lifecycle:exits"), severity="warning")]
