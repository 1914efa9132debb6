"""Deadline provider of this module (core.deadlines): members 6 months in dues arrears, to their branch, once a
month per branch (a person decides: 党章第九条)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.urls import reverse

from orgwork.core import deadlines
from orgwork.core.actor import Actor

from . import selectors
from .rules import dues_rules


@deadlines.provider("dues.arrears")
def arrears_items(today: dt.date):
    flag = dues_rules(on=today)["self_exit_unpaid_months"]
    flagged = [a for a in selectors.arrears(Actor.system_actor("dues.daily"), min_months=flag, today=today) if a.flagged]
    by_org = defaultdict(list)
    for a in flagged:
        by_org[a.org_id].append(a)
    url = reverse("dues:arrears") + f"?months={flag}"
    for org_id, rows in sorted(by_org.items()):
        names = "、".join(a.name for a in rows[:10]) + ("等" if len(rows) > 10 else "")
        yield deadlines.Item(
            kind="dues.arrears6",
            category="dues",
            title=f"{rows[0].org_name}有{len(rows)}名党员连续{flag}个月以上未交党费",
            body=f"{names}。没有正当理由连续{flag}个月不交纳党费的，按党章第九条视为自行脱党，请支部核实情况、研究决定。",
            org_id=org_id,
            url=url,
            key=f"dues:arrears6:{org_id}:{today:%Y-%m}",
            escalate=False,
            subject=rows[0].org_name,
        )


def send_arrears_reminders(*, today: dt.date | None = None) -> int:
    """This provider alone (tests, a manual run): the daily job runs every provider."""
    return deadlines.run(today=today, only=["dues.arrears"]).new
