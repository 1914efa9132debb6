"""Automatic score indicator computed from the dues ledger (registered with the kernel's scoring engine)."""

from __future__ import annotations

import calendar
import datetime as dt

from orgwork.core import scoring

from .models import DuesMonth


@scoring.automatic("dues.on_time", label="按月按时交纳党费（党费台账）")
def on_time(start: dt.date, end: dt.date):
    """One fact per ledger month paid by the end of that month (rules.md §4: dues are paid monthly)."""
    rows = (
        DuesMonth.objects.filter(month__gte=start.replace(day=1), month__lte=end)
        .values_list("pk", "member_id", "member__name", "member__org_id", "month", "paid_on")
        .iterator(chunk_size=5000)
    )
    for pk, member_id, name, org_id, month, paid_on in rows:
        last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        if paid_on > last or month < start:
            continue
        yield scoring.Fact(
            subject_type="members.member", subject_id=member_id, subject_label=name, org_id=org_id, occurred_on=month, units=1,
            key=f"{pk}", evidence_type="dues.duesmonth", evidence_id=str(pk),
            evidence_label=f"{month:%Y年%m月}党费，{paid_on:%Y-%m-%d}交纳", evidence_url=f"/dues/members/{member_id}/",
        )  # fmt: skip
