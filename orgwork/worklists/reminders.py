"""Deadline providers of work management (core.deadlines): assigned matters step by step on their template (13710),
overdue tasks and issues, and care visits before the festivals and 七一. The daily job reminds the organization's
people, and escalates an overdue item to the level above after the rule's working days (督办)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q
from django.urls import reverse

from orgwork.core import deadlines
from orgwork.core.actor import Actor

from . import selectors
from .models import CareCase, Issue, IssueStatus, Matter, Task, TaskKind

_SYSTEM = "worklists.daily"


@deadlines.provider("worklists.matters")
def matter_items(today: dt.date):
    for m in Matter.objects.filter(closed_on__isnull=True).select_related("org").order_by("id").iterator(chunk_size=500):
        st = selectors.matter_state(m, today)
        if not st.step:
            continue
        yield deadlines.Item(
            kind="worklists.matter",
            category="procedures",
            title=f"交办事项“{m.title}”待{st.label}",
            body=f"{m.assigned_by}于{m.assigned_on:%Y-%m-%d}交办，按{m.template}时限办理。",
            org_id=m.org_id,
            url=reverse("worklists:matter", args=[m.pk]),
            key=f"worklists:matter:{m.pk}:{st.step}",
            due_on=st.due_on,
            subject=m.org.name,
        )


@deadlines.provider("worklists.tasks")
def task_items(today: dt.date):
    soon = today + dt.timedelta(days=7)
    open_tasks = Task.objects.filter(done_on__isnull=True, cancelled_on__isnull=True, deadline__lte=soon).exclude(kind=TaskKind.COMMITMENT)
    for t in open_tasks.select_related("org").order_by("id").iterator(chunk_size=500):
        yield deadlines.Item(
            kind="worklists.task", category="other", title=f"工作任务“{t.title}”（责任人{t.owner_name}）", org_id=t.org_id,
            url=reverse("worklists:task", args=[t.pk]), key=f"worklists:task:{t.pk}:{t.deadline}", due_on=t.deadline, subject=t.org.name,
        )  # fmt: skip
    open_issues = Issue.objects.filter(~Q(status=IssueStatus.CLOSED), deadline__lte=soon)
    for i in open_issues.select_related("org").order_by("id").iterator(chunk_size=500):
        yield deadlines.Item(
            kind="worklists.issue", category="other", title=f"问题整改“{i.description[:30]}”（责任人{i.owner_name}）", org_id=i.org_id,
            url=reverse("worklists:issue", args=[i.pk]), key=f"worklists:issue:{i.pk}:{i.deadline}", due_on=i.deadline, subject=i.org.name,
        )  # fmt: skip


@deadlines.provider("worklists.care")
def care_items(today: dt.date):
    occasions = selectors.care_due(today)
    if not occasions:
        return
    by_org = defaultdict(int)
    names = {}
    for org_id, org_name in CareCase.objects.filter(closed_on__isnull=True).values_list("org_id", "org__name").iterator(chunk_size=2000):
        by_org[org_id] += 1
        names[org_id] = org_name
    for key, label, day in occasions:
        for org_id, n in sorted(by_org.items()):
            yield deadlines.Item(
                kind="worklists.care", category="other", title=f"{label}前走访慰问困难党员、老党员（{n}人）",
                body=f"{names[org_id]}关爱帮扶名册中有{n}名党员，请在{label}（{day:%m月%d日}）前走访慰问并登记。",
                org_id=org_id, url=reverse("worklists:care"), key=f"worklists:care:{org_id}:{day.year}:{key}", due_on=day,
                escalate=False, subject=names[org_id],
            )  # fmt: skip


def overdue_summary(actor: Actor | None = None, today: dt.date | None = None) -> dict:
    return selectors.open_counts(actor or Actor.system_actor(_SYSTEM), today=today)
