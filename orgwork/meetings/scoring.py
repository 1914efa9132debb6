"""Automatic score indicators computed from meeting records (registered with the kernel's scoring engine).

Indicator sets name these providers (e.g. the member points set of the scores module); the nightly job
(core.tasks.nightly_scoring_refresh) recomputes them, so a corrected attendance record corrects the points.
"""

from __future__ import annotations

import datetime as dt

from orgwork.core import scoring
from orgwork.orgs.models import BRANCH_KINDS, OrgKind

from .models import Attendance, AttendanceStatus, MeetingKind, MeetingStatus
from .periods import Period

# Organizational life that earns attendance points (谈心谈话 is one-to-one, not a meeting attended).
SCORED_KINDS = [k for k in MeetingKind.values if k not in (MeetingKind.TALK, MeetingKind.LEADERSHIP_REVIEW)]
THREE_ONE_ITEMS = ("general_meeting", "committee_meeting", "group_meeting", "lecture")


def _attendance(start: dt.date, end: dt.date, *, status: str, unexcused: bool = False):
    qs = Attendance.objects.filter(status=status, meeting__status=MeetingStatus.HELD, meeting__held_on__gte=start, meeting__held_on__lte=end, meeting__kind__in=SCORED_KINDS)
    if unexcused:
        qs = qs.filter(absent_reason="")
    rows = qs.values_list("pk", "member_id", "member__name", "member__org_id", "meeting_id", "meeting__held_on", "meeting__kind", "meeting__topic").iterator(chunk_size=5000)
    labels = dict(MeetingKind.choices)
    for pk, member_id, name, org_id, meeting_id, held_on, kind, topic in rows:
        yield scoring.Fact(
            subject_type="members.member", subject_id=member_id, subject_label=name, org_id=org_id, occurred_on=held_on, units=1,
            key=f"{pk}", evidence_type="meetings.meeting", evidence_id=str(meeting_id),
            evidence_label=f"{held_on:%Y-%m-%d} {labels.get(kind, kind)}：{topic}"[:200], evidence_url=f"/meetings/{meeting_id}/",
        )  # fmt: skip


@scoring.automatic("meetings.attendance", label="参加组织生活（会议签到/出席记录）")
def attendance(start: dt.date, end: dt.date):
    yield from _attendance(start, end, status=AttendanceStatus.PRESENT)


@scoring.automatic("meetings.absent_unexcused", label="无故缺席组织生活（缺席且未填原因）")
def absent_unexcused(start: dt.date, end: dt.date):
    yield from _attendance(start, end, status=AttendanceStatus.ABSENT, unexcused=True)


def _closed_periods(kind: str, start: dt.date, end: dt.date, today: dt.date) -> list[Period]:
    out, p = [], Period.containing(kind, start)
    while p.start <= end:
        if p.end < today and p.end <= end and p.start >= start.replace(day=1):
            out.append(p)
        p = p.next()
    return out


@scoring.automatic("meetings.three_one_missed", label="三会一课少开次数（按月/季度合规扫描）")
def three_one_missed(start: dt.date, end: dt.date):
    """One fact per branch and closed period where 支部党员大会/支委会/党小组会/党课 fell short of the rule (rules.md §5);
    a group's missing meetings count against its branch."""
    from . import compliance
    from .rules import life_rules

    today = dt.date.today()
    for kind in ("month", "quarter"):
        for period in _closed_periods(kind, start, end, today):
            rules = life_rules(period.end)
            items = [c for c in THREE_ONE_ITEMS if c in rules["items"] and rules["items"][c]["period"] == kind]
            if not items:
                continue
            for res in compliance.scan(periods={c: [period] for c in items}, as_of=today, rules=rules, items=items):
                missing = sum(max(i.required - i.held, 0) for i in res.items if i.state != compliance.NA)
                if not missing:
                    continue
                org_id, label = res.org_id, res.name
                if res.kind == OrgKind.GROUP and res.parent_id:
                    org_id = res.parent_id
                elif res.kind not in BRANCH_KINDS:
                    continue
                yield scoring.Fact(
                    subject_type="orgs.org", subject_id=org_id, subject_label=label, org_id=org_id, occurred_on=period.end, units=missing,
                    key=f"{kind}:{period.start}:{res.org_id}", evidence_type="meetings.compliance",
                    evidence_label=f"{res.name} {period.start:%Y-%m}起{'月' if kind == 'month' else '季度'}：少开{missing}次",
                    evidence_url=f"/meetings/compliance/org/{res.org_id}/",
                )  # fmt: skip
