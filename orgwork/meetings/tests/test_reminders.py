import datetime as dt

import pytest

from orgwork.core.tasks import daily_deadlines
from orgwork.meetings import reminders
from orgwork.notifications.models import MessageLog, Notification

pytestmark = pytest.mark.django_db
D = dt.date


def test_daily_job_reminds_the_responsible_secretary_once(tree, users, hold):
    hold(tree.village_b, "theme_day", D(2026, 5, 3))
    sent = reminders.send_compliance_reminders(as_of=D(2026, 6, 2))
    assert sent > 0
    mine = Notification.objects.filter(recipient=users["sec_a"])
    titles = list(mine.values_list("title", flat=True))
    assert any("2026年5月主题党日逾期" in t for t in titles)
    # the group's reminder goes to its branch's secretary
    assert any(t.startswith("第一党小组") for t in titles)
    # the other secretary held May's theme day: no overdue theme day for them
    assert not Notification.objects.filter(recipient=users["sec_b"], title__contains="5月主题党日").exists()
    # every message is logged, and a second run the same day sends nothing new
    assert MessageLog.objects.filter(notification__in=mine).count() == mine.count()
    assert reminders.send_compliance_reminders(as_of=D(2026, 6, 2)) == 0


def test_without_a_secretary_the_parent_admin_is_reminded(tree, users):
    who = reminders.responsible_users([tree.office_a.pk, tree.village_a.pk, tree.group_a.pk])
    assert who[tree.office_a.pk] == [users["town_a"]]
    assert who[tree.village_a.pk] == [users["sec_a"]]
    assert who[tree.group_a.pk] == [users["sec_a"]]


def test_the_one_daily_job_runs_this_provider():
    from orgwork.core import deadlines

    assert hasattr(daily_deadlines, "call_local")
    assert "meetings.compliance" in deadlines.providers()
