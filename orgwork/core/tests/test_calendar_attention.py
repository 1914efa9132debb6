import datetime as dt

import pytest

from orgwork.core import calendar
from orgwork.core.actor import Actor
from orgwork.core.calendar_attention import next_year_calendar

pytestmark = pytest.mark.django_db


def test_the_department_is_told_when_next_years_calendar_is_missing(users):
    admin = Actor.system_actor("test")
    assert not calendar.is_known(2031)
    items = next_year_calendar(admin, today=dt.date(2030, 12, 3))
    assert len(items) == 1 and "2031" in items[0].title and items[0].severity == "danger"
    assert next_year_calendar(admin, today=dt.date(2030, 6, 3)) == []  # too early in the year
    calendar.set_year(actor=admin, year=2031, holidays=[dt.date(2031, 1, 1)], workdays=[], source="国办发明电〔2030〕")
    assert next_year_calendar(admin, today=dt.date(2030, 12, 3)) == []


def test_a_branch_secretary_is_not_asked_to_enter_the_calendar(users):
    secretary = Actor.for_user(users["sec_a"])
    assert not calendar.can_edit(secretary)
    assert next_year_calendar(secretary, today=dt.date(2030, 12, 3)) == []


@pytest.mark.django_db(transaction=True)
def test_signing_in_outside_any_transaction_is_audited_not_a_500(users):
    """Under a real server the sign-in view runs in autocommit: the audit handler opens its own transaction."""
    from django.contrib.auth import authenticate
    from django.contrib.auth.signals import user_logged_in
    from django.test import RequestFactory

    from orgwork.core.models import AuditEvent

    user = users["sec_a"]
    before = AuditEvent.objects.filter(action="user.sign_in").count()
    user_logged_in.send(sender=type(user), request=RequestFactory().get("/"), user=user)
    assert AuditEvent.objects.filter(action="user.sign_in").count() == before + 1
    assert authenticate(RequestFactory().post("/accounts/login/"), username=user.get_username(), password="wrong") is None
    assert AuditEvent.objects.filter(action="user.sign_in_failed").exists()
