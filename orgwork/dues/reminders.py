"""The daily reminder of this module: members 6 months in arrears, to their branch (a person decides)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.urls import reverse

from orgwork.core.actor import Actor
from orgwork.meetings.reminders import responsible_users
from orgwork.notifications.services import Outgoing, send_many

from . import selectors
from .rules import dues_rules


def arrears_messages(today: dt.date) -> list[Outgoing]:
    flag = dues_rules(on=today)["self_exit_unpaid_months"]
    flagged = [a for a in selectors.arrears(Actor.system_actor("dues.daily"), min_months=flag, today=today) if a.flagged]
    by_org = defaultdict(list)
    for a in flagged:
        by_org[a.org_id].append(a)
    who = responsible_users(sorted(by_org))
    out = []
    url = reverse("dues:arrears") + f"?months={flag}"
    for org_id, rows in by_org.items():
        names = "、".join(a.name for a in rows[:10]) + ("等" if len(rows) > 10 else "")
        for user in who.get(org_id, []):
            out.append(
                Outgoing(
                    user, "dues.arrears6", f"{rows[0].org_name}有{len(rows)}名党员连续{flag}个月以上未交党费",
                    f"{names}。没有正当理由连续{flag}个月不交纳党费的，按党章第九条视为自行脱党，请支部核实情况、研究决定。",
                    url, org_id, f"dues:arrears6:{org_id}:{today:%Y-%m}",
                )
            )
    return out


def send_arrears_reminders(*, today: dt.date | None = None) -> int:
    messages = arrears_messages(today or dt.date.today())
    return len(send_many(actor=Actor.system_actor("dues.daily"), messages=messages)) if messages else 0
