"""Deadline providers of this module (core.deadlines): transfers waiting to be received (notified to the receiving
organization at once, when the kernel moves the procedure to that step), receipts of transfer letters due within 1 month (条例第25条),
incoming letters about to expire, and mobile members out of contact. Exit procedures are reminded by the kernel's
procedure provider; this module says where they are done (`procedure_link`)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from orgwork.core import deadlines
from orgwork.core.actor import Actor
from orgwork.core.present import day_text

from . import selectors
from .models import Transfer, TransferKind
from .procedures import KINDS, REQUEST
from .services.exits import KINDS as EXIT_KINDS


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
            title=_("%(name)s的组织关系由%(from_org)s转入%(to_org)s，待接收") % {"name": name, "from_org": t.from_org_name, "to_org": t.to_org_name},
            body=_("请在%(due)s前办理接收。接收方不得拒绝接收；材料有问题的，退回并说明原因（党员教育管理工作条例第25条）。") % {"due": day_text(due)},
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
            title=_("%(name)s的组织关系由%(from_org)s转往%(to_org)s，待上级党委审核") % {"name": name, "from_org": t.from_org_name, "to_org": t.to_org_name},
            body=_("审核同意后，接收党组织即收到待接收通知。"),
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
            title=_("%(name)s的组织关系转接被%(to_org)s退回，待补正") % {"name": name, "to_org": t.to_org_name},
            body=(
                _("退回原因：%(reason)s。请在%(due)s前补正后重新提交。") % {"reason": t.return_reason or _("未填写"), "due": day_text(due)}
                if due
                else _("退回原因：%(reason)s。请补正后重新提交。") % {"reason": t.return_reason or _("未填写")}
            ),
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
            title=_("%(name)s的组织关系介绍信回执待返回（%(number)s）") % {"name": name, "number": t.letter_number},
            body=_("介绍信于%(issued)s开具，回执应于%(due)s前返回（党员教育管理工作条例第25条）。逾期未返回的，请与%(to_org)s联系催办。") % {"issued": day_text(t.letter_issued_on), "due": day_text(due), "to_org": t.to_org_name},
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
            title=_("%(name)s的转入介绍信（%(number)s）待接收") % {"name": name, "number": t.letter_number},
            body=_("介绍信有效期至%(date)s，请在有效期内办理接收；过期的，退回补正。") % {"date": day_text(t.valid_until)},
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
        title=_("%(name)s申请转接组织关系，待支部受理") % {"name": name},
        body=_("转入单位或党组织：%(destination)s。请确定转往的党组织后发起转接，或说明原因不予受理。") % {"destination": instance.data.get("destination", "")},
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
            title=_("流动党员%(name)s已6个月未联系") % {"name": r.member.name},
            body=_("最近联系：%(date)s。可提出停止党籍的建议，由支部研究决定。") % {"date": day_text(r.contact_anchor)},
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
