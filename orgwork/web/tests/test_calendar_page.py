"""The working-day calendar page: see a year's holidays and make-up days; the department adjusts them, audited."""

import datetime as dt

import pytest

from orgwork.core import calendar as workcal
from orgwork.core.models import AuditEvent, CalendarYear

D = dt.date


@pytest.mark.django_db
def test_a_known_year_shows_its_holidays_and_make_up_days(users, client):
    client.force_login(users["sec_a"])
    page = client.get("/calendar/?year=2026").content.decode()
    assert 'data-date="2026-10-01" data-kind="holiday"' in page
    assert 'data-kind="makeup"' in page  # 2026 has weekend days worked in exchange
    assert 'data-testid="calendar-form"' not in page  # a branch secretary sees, does not edit
    r = client.post("/calendar/", {"year": 2027, "holidays": "2027-10-01", "workdays": "", "source": "x"})
    assert r.status_code == 400 and "只有组织部管理员" in r.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.django_db
def test_the_department_enters_a_new_year_and_working_days_follow(users, client):
    assert not workcal.is_known(2031)
    client.force_login(users["county"])
    page = client.get("/calendar/?year=2031").content.decode()
    assert "系统尚无2031年的放假安排" in page and 'data-testid="calendar-form"' in page
    bad = client.post("/calendar/", {"year": 2031, "holidays": "2031-10-01~2031-10-07\n2031-13-01", "workdays": "", "source": "通知"})
    assert bad.status_code == 400 and "2031-13-01" in bad.content.decode()
    r = client.post(
        "/calendar/",
        {"year": 2031, "holidays": "2031-10-01~2031-10-07", "workdays": "2031-09-28, 2031-10-11", "source": "国务院办公厅关于2031年部分节假日安排的通知"},
    )
    assert r.status_code == 302
    assert workcal.is_known(2031)
    assert not workcal.is_workday(D(2031, 10, 3)) and workcal.is_workday(D(2031, 9, 28))  # 9-28 is a Sunday worked
    event = AuditEvent.objects.get(action="calendar.set_year")
    assert event.data["source"].startswith("国务院办公厅") and "2031-10-07" in event.changes["holidays"][1]
    page = client.get("/calendar/?year=2031").content.decode()
    assert 'data-date="2031-10-05" data-kind="holiday"' in page and 'data-date="2031-10-11" data-kind="makeup"' in page


def test_dates_are_read_as_lists_and_ranges():
    from orgwork.core.errors import ServiceError
    from orgwork.web.calendar_views import parse_days

    assert parse_days("2027-1-1\n2027-02-10~2027-02-12，2027-05-01", field="h", label="放假日期") == [
        D(2027, 1, 1), D(2027, 2, 10), D(2027, 2, 11), D(2027, 2, 12), D(2027, 5, 1),
    ]  # fmt: skip
    with pytest.raises(ServiceError) as exc:
        parse_days("2027-02-12~2027-02-10", field="h", label="放假日期")
    assert exc.value.errors[0].field == "h"
