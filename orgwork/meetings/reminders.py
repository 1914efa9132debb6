"""Deadline provider of this module (core.deadlines): meetings overdue or due soon in a branch's compliance
(meetings.compliance decides which and when; the kernel turns them into reminders for the responsible people)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from orgwork.core import deadlines
from orgwork.core.actor import Actor
from orgwork.core.responsibility import responsible_users  # noqa: F401  moved to the kernel; kept importable here

from . import compliance


@deadlines.provider("meetings.compliance")
def compliance_items(today: dt.date, *, paths=None):
    for x in compliance.late_orgs(as_of=today, paths=paths):
        org_id = x.org.org_id
        url = reverse("meetings:org_compliance", args=[org_id])
        for item in x.overdue:
            yield deadlines.Item(
                kind="meetings.overdue",
                category="meetings",
                title=f"{x.org.name}{item.period.label}{item.label}逾期未开展",
                body=f"按规定（{item.citation}），{item.period.label}应开展{item.label}，目前完成{item.held}/{item.required}。请尽快组织并在系统中记录。",
                org_id=org_id,
                url=url,
                key=f"life:{org_id}:{item.code}:{item.period.key}",
                due_on=item.period.end,
                phase="overdue",
                subject=x.org.name,
            )
        for item in x.due_soon:
            yield deadlines.Item(
                kind="meetings.due",
                category="meetings",
                title=f"{x.org.name}{item.label}须在{item.period.end:%m月%d日}前完成",
                body=f"{item.period.label}的{item.label}尚未开展（{item.held}/{item.required}），依据：{item.citation}。",
                org_id=org_id,
                url=url,
                key=f"life:{org_id}:{item.code}:{item.period.key}",
                due_on=item.period.end,
                phase="due",
                subject=x.org.name,
            )


def send_compliance_reminders(*, as_of: dt.date | None = None, actor: Actor | None = None) -> int:
    """This provider alone (tests, a manual run): the daily job runs every provider."""
    return deadlines.run(today=as_of, only=["meetings.compliance"], actor=actor).new
