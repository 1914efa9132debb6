"""Deadline providers of this module (core.deadlines): transfers waiting to be received (notified to the receiving
organization at once, when the kernel moves the procedure to that step), receipts of transfer letters due within 1 month (条例第25条),
incoming letters about to expire, and mobile members out of contact. Exit procedures are reminded by the kernel's
procedure provider; this module says where they are done (`procedure_link`)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from orgwork.core import deadlines
from orgwork.core.actor import Actor

from . import selectors
from .models import Transfer, TransferKind
from .procedures import KINDS, REQUEST
from .services.exits import KINDS as EXIT_KINDS


def _fmt(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def transfer_item(t: Transfer, instance=None) -> deadlines.Item | None:
    """The one thing an open transfer waits for, as a deadline item (None when it waits for nothing): from the step its
    procedure instance stands at, addressed to the side that answers it (the receiving organization for a receipt)."""
    instance = instance if instance is not None else t.procedure
    if instance is None or instance.status != "active":
        return None
    url = reverse("lifecycle:transfer", args=[t.pk])
    name = t.person_name
    step, due = instance.step, instance.due_on
    if t.kind == TransferKind.WITHIN and step == "receive" and t.to_org_id:
        return deadlines.Item(
            kind="transfer.receive",
            category="transfers",
            title=f"{name}的组织关系由{t.from_org_name}转入{t.to_org_name}，待接收",
            body=f"请在{_fmt(due)}前办理接收。接收方不得拒绝接收；材料有问题的，退回并说明原因（党员教育管理工作条例第25条）。",
            org_id=t.to_org_id,
            url=url,
            key=f"transfer:{t.pk}:receive:{t.to_org_id}:{due}",
            due_on=due,
            waiting=True,
            subject=name,
        )
    if t.kind == TransferKind.WITHIN and step == "approve" and t.from_org_id:
        return deadlines.Item(
            kind="transfer.approve",
            category="transfers",
            title=f"{name}的组织关系由{t.from_org_name}转往{t.to_org_name}，待上级党委审核",
            body="审核同意后，接收党组织即收到待接收通知。",
            org_id=t.from_org_id,
            url=url,
            key=f"transfer:{t.pk}:approve:{instance.step_since}",
            level="committee",
            waiting=True,
            subject=name,
        )
    if t.kind == TransferKind.WITHIN and step == "send" and t.from_org_id:  # returned for correction
        return deadlines.Item(
            kind="transfer.returned",
            category="transfers",
            title=f"{name}的组织关系转接被{t.to_org_name}退回，待补正",
            body=f"退回原因：{t.return_reason or '未填写'}。请在{_fmt(due)}前补正后重新提交。" if due else f"退回原因：{t.return_reason or '未填写'}。请补正后重新提交。",
            org_id=t.from_org_id,
            url=url,
            key=f"transfer:{t.pk}:returned:{instance.step_since}:{due}",
            due_on=due,
            waiting=True,
            subject=name,
        )
    if t.kind == TransferKind.OUT and step == "receipt" and t.from_org_id:
        return deadlines.Item(
            kind="transfer.receipt",
            category="transfers",
            title=f"{name}的组织关系介绍信回执待返回（{t.letter_number}）",
            body=f"介绍信于{_fmt(t.letter_issued_on)}开具，回执应于{_fmt(due)}前返回（党员教育管理工作条例第25条）。逾期未返回的，请与{t.to_org_name}联系催办。",
            org_id=t.from_org_id,
            url=url,
            key=f"transfer:{t.pk}:receipt:{due}",
            due_on=due,
            subject=name,
        )
    if t.kind == TransferKind.IN and step == "receive" and t.to_org_id:
        return deadlines.Item(
            kind="transfer.incoming",
            category="transfers",
            title=f"{name}的转入介绍信（{t.letter_number}）待接收",
            body=f"介绍信有效期至{_fmt(t.valid_until)}，请在有效期内办理接收；过期的，退回补正。",
            org_id=t.to_org_id,
            url=url,
            key=f"transfer:{t.pk}:incoming:{due}",
            due_on=due,
            subject=name,
        )
    return None


def _transfer_reminder(instance, step):
    t = Transfer.objects.filter(procedure=instance).select_related("member").first()
    return transfer_item(t, instance) if t is not None else None


for _kind in KINDS:
    deadlines.procedure_reminder(_kind)(_transfer_reminder)


@deadlines.procedure_reminder(REQUEST)
def request_item(instance, step) -> deadlines.Item | None:
    """A member's request waits for the branch's acceptance: the secretary is told at once."""
    if instance.step != "accept":
        return None
    name = instance.title.removesuffix("申请转接组织关系")
    return deadlines.Item(
        kind="transfer.request",
        category="transfers",
        title=f"{name}申请转接组织关系，待支部受理",
        body=f"转入单位或党组织：{instance.data.get('destination', '')}。请确定转往的党组织后发起转接，或说明原因不予受理。",
        org_id=instance.org_id,
        url=reverse("lifecycle:request", args=[instance.pk]),
        key=f"transfer:request:{instance.pk}",
        waiting=True,
        escalate=False,
        subject=name,
    )


@deadlines.provider("lifecycle.transfers")
def transfer_items(today: dt.date):
    """Transfers due or overdue at their current step (the kernel's instances; core.deadlines.procedure_items_of)."""
    yield from deadlines.procedure_items_of(today, (*KINDS, REQUEST))


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


def send_lifecycle_reminders(*, today: dt.date | None = None, actor: Actor | None = None) -> int:
    """These providers alone (tests, a manual run): the daily job runs every provider."""
    return deadlines.run(today=today, only=["lifecycle.transfers", "lifecycle.mobile"], actor=actor).new
