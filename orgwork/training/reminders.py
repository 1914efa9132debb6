"""Deadline provider `training.shortfalls`: from 1 December, each organization with people short of the year's
training hours (rules.md §7, §5) is reminded, due 31 December."""

from __future__ import annotations

import datetime as dt

from orgwork.core import deadlines
from orgwork.core.errors import ServiceError

from . import selectors

REMIND_FROM_MONTH = 12  # December: the last month to catch up before the year's hours are counted


@deadlines.provider("training.shortfalls")
def shortfall_items(today: dt.date):
    if today.month < REMIND_FROM_MONTH:
        return
    try:
        rows = list(selectors.shortfalls_by_org(year=today.year))
    except ServiceError:  # no rule in force for the year: nothing to measure against
        return
    due = dt.date(today.year, 12, 31)
    for org_id, people, hours in rows:
        yield deadlines.Item(
            kind="training.shortfall",
            category="other",
            title=f"{today.year}年有{people}人教育培训学时未达标（共差{hours.normalize():f}学时）",
            org_id=org_id,
            url=f"/training/?org={org_id}&year={today.year}&short=1",
            key=f"training.shortfall:{org_id}:{today.year}:{people}",
            due_on=due,
            subject=f"{people}人",
        )
