"""The daily reminders of this module: late letter receipts, transfers not received, mobile members out of contact."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from orgwork.core.actor import Actor
from orgwork.meetings.reminders import responsible_users
from orgwork.notifications.services import Outgoing, send_many

from . import selectors
from .models import TransferKind


def lifecycle_messages(today: dt.date) -> list[Outgoing]:
    system = Actor.system_actor("lifecycle.daily")
    month = f"{today:%Y-%m}"
    wanted: list[tuple[int, str, str, str, str]] = []  # (org_id, kind, title, body, key)
    for o in selectors.overdue(system, today=today):
        t = o.transfer
        if t.kind == TransferKind.OUT:
            wanted.append((t.from_org_id, "transfer.receipt_late", f"{t.person_name}的组织关系介绍信回执逾期未返回",
                           f"介绍信{t.letter_number}于{t.letter_issued_on:%Y年%m月%d日}开具，回执应于{o.due:%Y年%m月%d日}前返回（党员教育管理工作条例第25条）。请与{t.to_org_name}联系催办。",
                           f"transfer:{t.pk}:receipt:{month}"))  # fmt: skip
        elif t.kind == TransferKind.WITHIN:
            org_id = t.to_org_id if o.what == "未按期接收" else t.from_org_id
            wanted.append((org_id, "transfer.overdue", f"{t.person_name}的组织关系转接{o.what}", f"转出方：{t.from_org_name}；转入方：{t.to_org_name}；期限{o.due:%Y年%m月%d日}。接收方不得拒绝接收。", f"transfer:{t.pk}:overdue:{month}"))
        else:
            wanted.append((t.to_org_id, "transfer.expired_in", f"{t.person_name}的转入介绍信已过期", f"介绍信{t.letter_number}有效期至{t.valid_until:%Y年%m月%d日}，请退回补正。", f"transfer:{t.pk}:expired"))
    for f in selectors.mobile_flags(system, today=today, only_flagged=True):
        r = f.registration
        if f.no_contact_flag:
            wanted.append((r.member.org_id, "mobile.no_contact", f"流动党员{r.member.name}已6个月未联系",
                           f"最近联系：{r.contact_anchor:%Y年%m月%d日}。可提出停止党籍的建议，由支部研究决定。", f"mobile:{r.pk}:no_contact:{month}"))  # fmt: skip
    who = responsible_users(sorted({w[0] for w in wanted if w[0]}))
    out = []
    for org_id, kind, title, body, key in wanted:
        url = reverse("lifecycle:mobile") if kind.startswith("mobile") else reverse("lifecycle:transfers") + "?overdue=1"
        for user in who.get(org_id, []):
            out.append(Outgoing(user, kind, title, body, url, org_id, key))
    return out


def send_lifecycle_reminders(*, today: dt.date | None = None, actor: Actor | None = None) -> int:
    today = today or dt.date.today()
    messages = lifecycle_messages(today)
    sent = 0
    for start in range(0, len(messages), 2000):
        sent += len(send_many(actor=actor or Actor.system_actor("lifecycle.daily"), messages=messages[start : start + 2000]))
    return sent
