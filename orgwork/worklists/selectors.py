"""Every read of work management, scoped through core.scope."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgwork.core import exports
from orgwork.core.actor import Actor
from orgwork.core.fields import subtree_q
from orgwork.core.scope import scope
from orgwork.orgs.models import Org
from orgwork.orgs.selectors import path_names

from . import rules
from .models import CareCase, CollectiveIncome, Issue, IssueStatus, Matter, Milestone, Task, TaskKind

# Wall colours: the status of a task on a day (亮进度).
STATUS_LABELS = OrderedDict(
    [
        ("done", gettext_lazy("已完成")),
        ("on_track", gettext_lazy("推进中")),
        ("behind", gettext_lazy("进度滞后")),
        ("overdue", gettext_lazy("逾期未完成")),
        ("not_started", gettext_lazy("未启动")),
        ("cancelled", gettext_lazy("已撤销")),
    ]
)


def _under(qs: QuerySet, under: Org | None, path_field: str = "org__path") -> QuerySet:
    return qs.filter(subtree_q(under.path, path_field)) if under is not None else qs


def tasks(actor: Actor, *, under: Org | None = None, year: int | None = None, kind: str = "") -> QuerySet:
    qs = scope(Task.objects.select_related("org", "owner_member"), actor)
    qs = _under(qs, under)
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "id")))


def task_status(task: Task, today: dt.date) -> str:
    if task.cancelled_on:
        return "cancelled"
    if task.done_on or task.progress >= 100:
        return "done"
    if task.deadline < today:
        return "overdue"
    if any(m.done_on is None and m.due_on < today for m in task.milestones.all()):
        return "behind"
    # Time elapsed since the start of the task's year against the progress reported, with a quarter's slack.
    start = dt.date(task.year, 1, 1)
    span = max(1, (task.deadline - start).days)
    elapsed = min(1.0, max(0.0, (today - start).days / span))
    if elapsed * 100 - task.progress > 25:
        return "behind"
    if task.progress == 0:
        return "not_started"
    return "on_track"


@dataclass
class WallRow:
    org: Org
    path: str
    tasks: list = field(default_factory=list)  # [(task, status)]
    counts: dict = field(default_factory=dict)


def wall(actor: Actor, *, under: Org | None, year: int, today: dt.date | None = None, kind: str = "", members_only: bool = False) -> tuple[list[WallRow], dict]:
    """Tasks of the year by organization, each with its status colour; totals by status (亮目标、亮进度、亮效果)."""
    today = today or dt.date.today()
    qs = tasks(actor, under=under, year=year, kind=kind).order_by("org__path", "deadline", "id")
    if members_only:
        qs = qs.filter(show_to_members=True)
    rows: dict[int, WallRow] = {}
    totals = dict.fromkeys(STATUS_LABELS, 0)
    for t in qs:
        st = task_status(t, today)
        row = rows.get(t.org_id)
        if row is None:
            row = rows[t.org_id] = WallRow(org=t.org, path="", counts=dict.fromkeys(STATUS_LABELS, 0))
        row.tasks.append((t, st))
        row.counts[st] += 1
        totals[st] += 1
    names = path_names([r.org for r in rows.values()])
    for r in rows.values():
        r.path = names.get(r.org.pk, r.org.name)
    return list(rows.values()), totals


def member_wall(actor: Actor, *, year: int, today: dt.date | None = None):
    """A member's own organization's tasks chosen to be shown to members."""
    if not actor.self_org_paths():
        return [], dict.fromkeys(STATUS_LABELS, 0)
    return wall(actor, under=None, year=year, today=today, members_only=True)


# --- matters --------------------------------------------------------------------------------------


@dataclass
class MatterState:
    step: str  # the next step to do ("" when closed)
    label: str
    due_on: dt.date | None
    status: str  # closed | overdue | due_today | open
    late_steps: list


def matter_state(m: Matter, today: dt.date) -> MatterState:
    steps = rules.steps(m.template, m.template_version)
    late = [s["label"] for s in steps if s["key"] in m.done and m.done[s["key"]]["on"] > m.due.get(s["key"], "9999")]
    for s in steps:
        if s["key"] not in m.done:
            due = dt.date.fromisoformat(m.due[s["key"]])
            status = "overdue" if due < today else "due_today" if due == today else "open"
            return MatterState(s["key"], s["label"], due, status, late)
    return MatterState("", "", None, "closed", late)


def matter_steps(m: Matter) -> list[dict]:
    """Each step with its due date and when it was done, for the detail table."""
    out = []
    for s in rules.steps(m.template, m.template_version):
        done = m.done.get(s["key"])
        out.append({"key": s["key"], "label": s["label"], "working_days": s["working_days"], "due_on": dt.date.fromisoformat(m.due[s["key"]]), "done": done, "late": bool(done and done["on"] > m.due[s["key"]])})
    return out


def matters(actor: Actor, *, under: Org | None = None, open_only: bool = False) -> QuerySet:
    qs = _under(scope(Matter.objects.select_related("org"), actor), under)
    if open_only:
        qs = qs.filter(closed_on__isnull=True)
    return qs


# --- issues ---------------------------------------------------------------------------------------


def issues(actor: Actor, *, under: Org | None = None, year: int | None = None, status: str = "") -> QuerySet:
    qs = _under(scope(Issue.objects.select_related("org"), actor), under)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("org__path", "deadline", "id")


ISSUE_HEADER = [
    gettext_lazy("党组织"), gettext_lazy("年度"), gettext_lazy("问题来源"), gettext_lazy("问题"), gettext_lazy("整改措施"), gettext_lazy("责任人"),
    gettext_lazy("整改时限"), gettext_lazy("状态"), gettext_lazy("销号日期"), gettext_lazy("整改结果"), gettext_lazy("整改记录"),
]  # fmt: skip


def issue_workbook(actor: Actor, *, under: Org | None = None, year: int | None = None, status: str = "", today: dt.date | None = None) -> bytes:
    """The issue list and its rectification ledger as an xlsx file (core.exports: text stays text)."""
    import io

    today = today or dt.date.today()
    buf = io.BytesIO()
    wb = exports.workbook(buf, constant_memory=True)
    ws = wb.add_worksheet(_("问题清单"))
    bold = wb.add_format({"bold": True})
    ws.write_row(0, 0, [str(h) for h in ISSUE_HEADER], bold)
    qs = issues(actor, under=under, year=year, status=status).prefetch_related("entries")
    rows = 0
    batch: list[Issue] = []

    def flush(batch):
        nonlocal rows
        names = path_names([i.org for i in batch])
        for i in batch:
            rows += 1
            status_label = i.get_status_display()
            if i.status != IssueStatus.CLOSED and i.deadline < today:
                status_label = _("%(status)s（逾期）") % {"status": status_label}
            log = "；".join(f"{e.on:%Y-%m-%d} {e.text}" for e in sorted(i.entries.all(), key=lambda e: (e.on, e.pk)))
            ws.write_row(rows, 0, [names.get(i.org_id, i.org.name), i.year, i.source, i.description, i.measures, i.owner_name, i.deadline.isoformat(), status_label, i.closed_on.isoformat() if i.closed_on else "", i.result, log])

    for issue in qs.iterator(chunk_size=500):
        batch.append(issue)
        if len(batch) >= 500:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    ws.set_column(0, 0, 36)
    ws.set_column(3, 4, 40)
    wb.close()
    return buf.getvalue()


# --- collective income ------------------------------------------------------------------------------


def incomes(actor: Actor, *, under: Org | None = None, year: int | None = None) -> list[dict]:
    qs = _under(scope(CollectiveIncome.objects.select_related("org"), actor), under)
    if year:
        qs = qs.filter(year=year)
    rows = list(qs.order_by("org__path"))
    names = path_names([r.org for r in rows])
    out = []
    for r in rows:
        threshold = rules.difficult_below(dt.date(r.year, 12, 31))
        share = (r.actual / r.target * 100).quantize(Decimal("1")) if r.target else None
        out.append({"row": r, "path": names.get(r.org_id, r.org.name), "share": share, "met": r.actual >= r.target, "difficult": r.actual < threshold, "threshold": threshold})
    return out


# --- care ---------------------------------------------------------------------------------------------


def care_cases(actor: Actor, *, under: Org | None = None, open_only: bool = True, kind: str = "") -> QuerySet:
    qs = _under(scope(CareCase.objects.select_related("org", "member", "helper"), actor), under)
    if open_only:
        qs = qs.filter(closed_on__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.prefetch_related("visits").order_by("org__path", "id")


def care_due(today: dt.date) -> list[tuple[str, str, dt.date]]:
    """The care occasions coming within the reminder window: [(key, label, date)]."""
    window = rules.care_rules(today)["remind_days_before"]
    out = []
    for year in (today.year, today.year + 1):
        # a year the calendar does not know yet: 七一 still counts, 春节 is skipped (arrangement() has no holidays)
        for key, label, day in rules.occasion_dates(year):
            if today <= day <= today + dt.timedelta(days=window):
                out.append((key, label, day))
    return out


def open_counts(actor: Actor, *, under: Org | None = None, today: dt.date | None = None) -> dict:
    today = today or dt.date.today()
    return {
        "matters_overdue": sum(1 for m in matters(actor, under=under, open_only=True) if matter_state(m, today).status == "overdue"),
        "issues_overdue": issues(actor, under=under).filter(~Q(status=IssueStatus.CLOSED), deadline__lt=today).count(),
        "tasks_overdue": tasks(actor, under=under).filter(done_on__isnull=True, cancelled_on__isnull=True, deadline__lt=today).exclude(kind=TaskKind.COMMITMENT).count(),
    }
