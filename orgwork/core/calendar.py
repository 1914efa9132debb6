"""Working days: the one calendar every module uses.

The State Council publishes each year's holidays and the weekend days worked in exchange (调休) late in
the year before. `chinesecalendar` carries the years it was released with; for later years an
administrator enters the published arrangement (`set_year()`), which then also takes precedence over
the package for that year. A date in a year known to neither raises `UnknownCalendarYear` — a clear
error, never a guess that the year has no holidays.

    is_workday(day) -> bool
    add_workdays(day, n) -> date        the n-th working day after `day` (n >= 1); n = 0 → `day` itself
    nth_workday_from(day, n) -> date    the n-th working day counting `day` itself when it is one (a notice of n days)
    workdays_between(start, end) -> int working days in [start, end], both ends included
    next_workday(day) -> date           `day` when it is a working day, else the next one
    set_year(actor=, year=, holidays=, workdays=, source=)   admin entry, audited
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from django.db import transaction
from django.utils.translation import gettext as _

from .errors import FieldError, ServiceError

_MAX_SCAN_DAYS = 3660


class UnknownCalendarYear(ServiceError):
    """The holiday arrangement of a year is not known: neither the package nor an administrator has it."""

    def __init__(self, year: int, field: str = "date"):
        self.year = year
        super().__init__(
            FieldError(
                field,
                "calendar_unknown",
                _("系统尚无%(year)s年的法定节假日和调休安排，无法计算工作日。请系统管理员在“工作日历”中录入%(year)s年的放假安排后再试。") % {"year": year},
            )
        )


def _package_years() -> tuple[int, int]:
    years = {d.year for d in chinese_calendar.constants.holidays}
    return min(years), max(years)


def _entered(year: int) -> tuple[set[dt.date], set[dt.date]] | None:
    """(holidays, adjusted workdays) an administrator entered for the year, or None."""
    from .models import CalendarDay, CalendarYear

    if not CalendarYear.objects.filter(year=year).exists():
        return None
    holidays, workdays = set(), set()
    for day, is_workday in CalendarDay.objects.filter(date__year=year).values_list("date", "is_workday"):
        (workdays if is_workday else holidays).add(day)
    return holidays, workdays


class _Days:
    """Per-call memo of each year's source so a scan over many days reads the database once per year."""

    def __init__(self):
        self._years: dict[int, tuple[set, set] | str] = {}

    def source(self, year: int):
        if year not in self._years:
            entered = _entered(year)
            if entered is not None:
                self._years[year] = entered
            else:
                low, high = _package_years()
                if not low <= year <= high:
                    raise UnknownCalendarYear(year)
                self._years[year] = "package"
        return self._years[year]

    def is_workday(self, day: dt.date) -> bool:
        src = self.source(day.year)
        if src == "package":
            return chinese_calendar.is_workday(day)
        holidays, workdays = src
        if day in workdays:
            return True
        if day in holidays:
            return False
        return day.weekday() < 5


def is_workday(day: dt.date) -> bool:
    return _Days().is_workday(day)


def is_known(year: int) -> bool:
    try:
        _Days().source(year)
    except UnknownCalendarYear:
        return False
    return True


def next_workday(day: dt.date) -> dt.date:
    days = _Days()
    for _i in range(_MAX_SCAN_DAYS):
        if days.is_workday(day):
            return day
        day += dt.timedelta(days=1)
    raise AssertionError("no working day found")


def add_workdays(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (Saturday + 1 working day → Monday, or later across a holiday)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    days = _Days()
    count = 0
    while count < n:
        day += dt.timedelta(days=1)
        if days.is_workday(day):
            count += 1
    return day


def nth_workday_from(day: dt.date, n: int) -> dt.date:
    """The last day of a period of n working days that starts on `day` (counted when it is a working day)."""
    if n < 1:
        raise ValueError("n must be >= 1")
    days = _Days()
    count = 1 if days.is_workday(day) else 0
    while count < n:
        day += dt.timedelta(days=1)
        if days.is_workday(day):
            count += 1
    return day


def workdays_between(start: dt.date, end: dt.date) -> int:
    if end < start:
        return 0
    days = _Days()
    count = 0
    day = start
    while day <= end:
        count += days.is_workday(day)
        day += dt.timedelta(days=1)
    return count


HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def arrangement(year: int) -> dict:
    """A year as the calendar page shows it: where the arrangement comes from, its holidays and make-up working days.

    {"source": "entered" | "package" | None, "source_text": str, "holidays": {date: name}, "workdays": {date: name}}
    """
    from .models import CalendarYear

    entered = CalendarYear.objects.filter(year=year).first()
    if entered is not None:
        holidays, workdays = _entered(year)
        return {"source": "entered", "source_text": entered.source, "holidays": dict.fromkeys(sorted(holidays), ""), "workdays": dict.fromkeys(sorted(workdays), "")}
    low, high = _package_years()
    if low <= year <= high:
        pick = lambda table: {d: HOLIDAY_NAMES.get(str(n), str(n)) for d, n in sorted(table.items()) if d.year == year}  # noqa: E731
        return {"source": "package", "source_text": "国务院办公厅节假日安排（chinesecalendar 内置）", "holidays": pick(chinese_calendar.constants.holidays), "workdays": pick(chinese_calendar.constants.workdays)}
    return {"source": None, "source_text": "", "holidays": {}, "workdays": {}}


def can_edit(actor) -> bool:
    """The county's calendar is set by the department (组织部管理员) or a system administrator."""
    return bool(actor.unrestricted or actor.has_role("sysadmin", "dept_admin"))


@transaction.atomic
def set_year(*, actor, year: int, holidays: list[dt.date], workdays: list[dt.date], source: str):
    """Enter (or replace) a year's published arrangement: holidays off work, weekend days worked."""
    from . import audit
    from .errors import PermissionDenied
    from .models import CalendarDay, CalendarYear

    if not can_edit(actor):
        raise PermissionDenied(_("只有组织部管理员或系统管理员可以调整工作日历"))
    errors = []
    source = (source or "").strip()
    if not source:
        errors.append(FieldError("source", "required", _("请填写依据（如国务院办公厅关于该年部分节假日安排的通知）")))
    for field, days in (("holidays", holidays), ("workdays", workdays)):
        for d in days:
            if d.year != year:
                errors.append(FieldError(field, "bad_value", _("%(d)s不在%(year)s年") % {"d": format(d, '%Y-%m-%d'), "year": year}))
    overlap = set(holidays) & set(workdays)
    if overlap:
        errors.append(FieldError("workdays", "bad_value", _("%(min)s不能既是假日又是调休工作日") % {"min": format(min(overlap), '%Y-%m-%d')}))
    for d in workdays:
        if d.weekday() < 5:
            errors.append(FieldError("workdays", "bad_value", _("%(d)s本来就是工作日，调休上班日应为周六或周日") % {"d": format(d, '%Y-%m-%d')}))
    if errors:
        raise ServiceError(errors)
    cal, created = CalendarYear.objects.get_or_create(year=year, defaults={"source": source})
    before = {"holidays": sorted(d.isoformat() for d in CalendarDay.objects.filter(date__year=year, is_workday=False).values_list("date", flat=True))}
    if not created:
        cal.source = source
        cal.save(update_fields=["source"])
    # Replacing a year's published table is the correction itself; the audit event keeps the old list.
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, is_workday=False) for d in sorted(set(holidays))] + [CalendarDay(date=d, is_workday=True) for d in sorted(set(workdays))]
    )
    audit.record(
        actor,
        "calendar.set_year",
        cal,
        changes=audit.diff(before, {"holidays": sorted(d.isoformat() for d in set(holidays))}),
        data={"workdays": sorted(d.isoformat() for d in set(workdays)), "source": source},
    )
    return cal
