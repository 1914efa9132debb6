"""Home-page item: next year's working-day calendar is not known yet (from 1 November), shown to those who may enter
it. Every time limit counted in working days that reaches into that year is refused until it is entered (core.calendar)."""

from __future__ import annotations

import datetime as dt

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from . import calendar
from .registry import Item
from .registry import attention as register


@register("core.calendar_next_year")
def next_year_calendar(actor, under=None, *, today: dt.date | None = None):
    today = today or dt.date.today()
    if today.month < 11 or not calendar.can_edit(actor):
        return []
    year = today.year + 1
    if calendar.is_known(year):
        return []
    try:
        url = reverse("web:calendar") + f"?year={year}"
    except NoReverseMatch:
        url = ""
    return [
        Item(
            kind="calendar.next_year",
            title=_("请录入 %(year)s 年工作日历（节假日与调休）") % {"year": year},
            detail=_("国务院办公厅公布放假安排后录入；未录入前，计算到 %(year)s 年的工作日期限将无法办理") % {"year": year},
            url=url,
            severity="danger" if today.month == 12 else "warning",
            due=dt.date(today.year, 12, 31),
        )
    ]
