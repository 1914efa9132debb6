"""Deadline provider (core.deadlines): rectification cases of weak branches near or past their deadline."""

from __future__ import annotations

import datetime as dt

from orgwork.core import deadlines

from .models import CaseState, Rectification


@deadlines.provider("scores.rectification")
def rectification_items(today: dt.date, *, paths=None):
    qs = Rectification.objects.filter(state=CaseState.OPEN).select_related("org")
    for case in qs.iterator(chunk_size=1000):
        if paths and not any(case.org.path.startswith(p) for p in paths):
            continue
        missing = [] if case.leader_id else ["包联领导"]
        if not case.measures:
            missing.append("整顿措施")
        body = f"列入原因：{case.reason}。整顿期限 {case.deadline:%Y-%m-%d}。" + (f"尚未明确：{'、'.join(missing)}。" if missing else "")
        yield deadlines.Item(
            kind="scores.rectification", category="procedures", title=f"{case.org.name}软弱涣散整顿须在{case.deadline:%Y-%m-%d}前完成验收",
            body=body, org_id=case.org_id, url=f"/scores/cases/{case.pk}/", key=f"rectify:{case.pk}:{case.deadline}",
            due_on=case.deadline, level="committee", subject=case.org.name,
        )  # fmt: skip
