"""Deadline provider of this module (core.deadlines): meetings overdue or due soon in a branch's compliance
(meetings.compliance decides which and when; the kernel turns them into reminders for the responsible people)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

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
                title=_("%(org)s%(period)s%(item)s逾期未开展") % {"org": x.org.name, "period": item.period.label, "item": _(item.label)},
                body=_("按规定（%(citation)s），%(period)s应开展%(item)s，目前完成%(held)s/%(required)s。请尽快组织并在系统中记录。")
                % {"citation": item.citation, "period": item.period.label, "item": _(item.label), "held": item.held, "required": item.required},
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
                title=_("%(org)s%(item)s须在%(date)s前完成") % {"org": x.org.name, "item": _(item.label), "date": _("%(month)02d月%(day)02d日") % {"month": item.period.end.month, "day": item.period.end.day}},
                body=_("%(period)s的%(item)s尚未开展（%(held)s/%(required)s），依据：%(citation)s。")
                % {"period": item.period.label, "item": _(item.label), "held": item.held, "required": item.required, "citation": item.citation},
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
