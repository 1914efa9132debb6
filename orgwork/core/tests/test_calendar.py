"""Working-day arithmetic (orgwork.core.calendar): national holidays, 调休 weekend workdays, unknown years."""

import datetime as dt

import pytest

from orgwork.core import calendar as workcal
from orgwork.core.errors import ServiceError

D = dt.date


@pytest.mark.django_db
def test_national_day_holiday_is_not_a_working_day_and_adjusted_saturday_is():
    assert workcal.is_workday(D(2026, 9, 30))
    assert not workcal.is_workday(D(2026, 10, 1))
    assert not workcal.is_workday(D(2026, 10, 7))
    assert workcal.is_workday(D(2026, 10, 10))  # a Saturday worked in exchange (调休)
    assert not workcal.is_workday(D(2026, 10, 11))


@pytest.mark.django_db
def test_five_working_days_across_national_day():
    # 9-30 (Wed), then the 1–7 October holiday, 10-8, 10-9, 10-10 (Saturday worked), 10-12
    assert workcal.nth_workday_from(D(2026, 9, 30), 5) == D(2026, 10, 12)
    assert workcal.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert workcal.workdays_between(D(2026, 9, 30), D(2026, 10, 9)) == 3
    assert workcal.next_workday(D(2026, 10, 3)) == D(2026, 10, 8)


@pytest.mark.django_db
def test_spring_festival_week_has_no_working_days():
    assert workcal.workdays_between(D(2026, 2, 15), D(2026, 2, 23)) == 0
    assert workcal.add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)  # Saturday 14 February is worked


@pytest.mark.django_db
def test_year_unknown_to_package_and_admin_is_a_clear_error():
    with pytest.raises(workcal.UnknownCalendarYear) as exc:
        workcal.is_workday(D(2031, 5, 6))
    assert exc.value.errors[0].code == "calendar_unknown"
    assert "2031年" in exc.value.errors[0].message
    assert isinstance(exc.value, ServiceError)
    assert not workcal.is_known(2031)
    with pytest.raises(workcal.UnknownCalendarYear):
        workcal.nth_workday_from(D(2026, 12, 28), 10)  # runs into an unknown year


@pytest.mark.django_db
def test_admin_entered_year_is_used(system):
    workcal.set_year(
        actor=system,
        year=2031,
        holidays=[D(2031, 5, 1), D(2031, 5, 2), D(2031, 5, 5)],
        workdays=[D(2031, 4, 27)],
        source="国务院办公厅关于2031年部分节假日安排的通知",
    )
    assert workcal.is_known(2031)
    assert not workcal.is_workday(D(2031, 5, 1))
    assert workcal.is_workday(D(2031, 4, 27))  # a Sunday worked
    assert workcal.is_workday(D(2031, 5, 6))
    assert workcal.add_workdays(D(2031, 4, 30), 1) == D(2031, 5, 6)


@pytest.mark.django_db
def test_admin_entry_is_validated(system):
    with pytest.raises(ServiceError) as exc:
        workcal.set_year(actor=system, year=2031, holidays=[D(2030, 10, 1)], workdays=[D(2031, 5, 6)], source="")
    codes = {(e.field, e.code) for e in exc.value.errors}
    assert ("source", "required") in codes
    assert ("holidays", "bad_value") in codes
    assert ("workdays", "bad_value") in codes  # 2031-05-06 is a Tuesday, not an adjusted weekend day


@pytest.mark.django_db
def test_calendar_year_command_enters_a_year():
    from django.core.management import call_command

    call_command("calendar_year", "2032", "--holidays", "2032-10-01..2032-10-07", "--workdays", "2032-09-26", "--source", "测试通知")
    assert not workcal.is_workday(D(2032, 10, 4))
    assert workcal.is_workday(D(2032, 9, 26))
    assert workcal.add_workdays(D(2032, 9, 30), 1) == D(2032, 10, 8)
