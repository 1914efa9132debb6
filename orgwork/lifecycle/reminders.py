"""Deadline providers of this module (core.deadlines): transfers waiting to be received (notified to the receiving
organization at once, by the transfer service), receipts of transfer letters due within 1 month (条例第25条),
incoming letters about to expire, and mobile members out of contact. Exit procedures are reminded by the kernel's
procedure provider; this module says where they are done (`procedure_link`)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from orgwork.core import deadlines
from orgwork.core.actor import Actor

from . import selectors
from .models import Transfer, TransferKind, TransferStatus
from .services.exits import KINDS as EXIT_KINDS


def _fmt(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def transfer_item(t: Transfer) -> deadlines.Item | None:
    """The one thing an open transfer waits for, as a deadline item (None when it waits for nothing)."""
    url = reverse("lifecycle:transfer", args=[t.pk])
    name = t.person_name
    if t.kind == TransferKind.WITHIN and t.status == TransferStatus.PENDING and t.to_org_id:
        return deadlines.Item(
            kind="transfer.receive",
            category="transfers",
            title=f"{name}的组织关系由{t.from_org_name}转入{t.to_org_name}，待接收",
            body=f"请在{_fmt(t.receive_due_on)}前办理接收。接收方不得拒绝接收；材料有问题的，退回并说明原因（党员教育管理工作条例第25条）。",
            org_id=t.to_org_id,
            url=url,
            key=f"transfer:{t.pk}:receive:{t.to_org_id}:{t.receive_due_on}",
            due_on=t.receive_due_on,
            waiting=True,
            subject=name,
        )
    if t.kind == TransferKind.WITHIN and t.status == TransferStatus.RETURNED and t.from_org_id:
        return deadlines.Item(
            kind="transfer.returned",
            category="transfers",
            title=f"{name}的组织关系转接被{t.to_org_name}退回，待补正",
            body=f"退回原因：{t.return_reason or '未填写'}。请补正后重新提交。",
            org_id=t.from_org_id,
            url=url,
            key=f"transfer:{t.pk}:returned:{t.receive_due_on}",
            due_on=t.receive_due_on,
            subject=name,
        )
    if t.kind == TransferKind.OUT and t.status == TransferStatus.LETTER_ISSUED and t.from_org_id:
        return deadlines.Item(
            kind="transfer.receipt",
            category="transfers",
            title=f"{name}的组织关系介绍信回执待返回（{t.letter_number}）",
            body=f"介绍信于{_fmt(t.letter_issued_on)}开具，回执应于{_fmt(t.receipt_due_on)}前返回（党员教育管理工作条例第25条）。逾期未返回的，请与{t.to_org_name}联系催办。",
            org_id=t.from_org_id,
            url=url,
            key=f"transfer:{t.pk}:receipt:{t.receipt_due_on}",
            due_on=t.receipt_due_on,
            subject=name,
        )
    if t.kind == TransferKind.IN and t.status == TransferStatus.PENDING and t.to_org_id:
        return deadlines.Item(
            kind="transfer.incoming",
            category="transfers",
            title=f"{name}的转入介绍信（{t.letter_number}）待接收",
            body=f"介绍信有效期至{_fmt(t.valid_until)}，请在有效期内办理接收；过期的，退回补正。",
            org_id=t.to_org_id,
            url=url,
            key=f"transfer:{t.pk}:incoming:{t.valid_until}",
            due_on=t.valid_until,
            subject=name,
        )
    return None


@deadlines.provider("lifecycle.transfers")
def transfer_items(today: dt.date):
    qs = selectors.transfers(Actor.system_actor("lifecycle.daily")).filter(
        status__in=[TransferStatus.PENDING, TransferStatus.RETURNED, TransferStatus.LETTER_ISSUED]
    )
    for t in qs.order_by("id").iterator(chunk_size=500):
        item = transfer_item(t)
        if item is not None:
            yield item


@deadlines.provider("lifecycle.mobile")
def mobile_items(today: dt.date):
    month = f"{today:%Y-%m}"
    url = reverse("lifecycle:mobile")
    for f in selectors.mobile_flags(Actor.system_actor("lifecycle.daily"), today=today, only_flagged=True):
        if not f.no_contact_flag:
            continue
        r = f.registration
        yield deadlines.Item(
            kind="mobile.no_contact",
            category="mobile",
            title=f"流动党员{r.member.name}已6个月未联系",
            body=f"最近联系：{_fmt(r.contact_anchor)}。可提出停止党籍的建议，由支部研究决定。",
            org_id=r.member.org_id,
            url=url,
            key=f"mobile:{r.pk}:no_contact:{month}",
            escalate=False,
            subject=r.member.name,
        )


def _exit_link(instance) -> str:
    return reverse("lifecycle:exit", args=[instance.pk])


for _kind in EXIT_KINDS:
    deadlines.procedure_link(f"member_{_kind}")(_exit_link)


def notify_waiting(t: Transfer, *, actor: Actor | None = None, today: dt.date | None = None) -> int:
    """The transfer service's hook: a transfer now waiting for the receiving organization is notified to it at once."""
    item = transfer_item(t)
    return deadlines.notify_now([item], actor=actor, today=today) if item is not None and item.waiting else 0


def send_lifecycle_reminders(*, today: dt.date | None = None, actor: Actor | None = None) -> int:
    """These providers alone (tests, a manual run): the daily job runs every provider."""
    return deadlines.run(today=today, only=["lifecycle.transfers", "lifecycle.mobile"], actor=actor).new
