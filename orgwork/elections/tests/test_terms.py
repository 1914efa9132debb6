"""Term reminders: exactly 6 and 3 months before the term ends, then monthly while overdue or unknown."""

import datetime as dt

import pytest

from orgwork.elections import reminders
from orgwork.notifications.models import Notification
from orgwork.orgs import services as org_services

D = dt.date
ENDS = D(2027, 6, 15)


def ms(today):
    m = reminders.term_milestone(ENDS, today)
    return m.key if m else None


def test_nothing_before_six_months():
    assert ms(D(2026, 12, 14)) is None


def test_exactly_six_months_before():
    assert ms(D(2026, 12, 15)) == "6m"
    assert ms(D(2027, 3, 14)) == "6m"


def test_exactly_three_months_before():
    assert ms(D(2027, 3, 15)) == "3m"
    assert ms(D(2027, 6, 14)) == "3m"


def test_monthly_while_overdue():
    assert ms(D(2027, 6, 15)) == "overdue:2027-06-15"
    assert ms(D(2027, 7, 14)) == "overdue:2027-06-15"
    assert ms(D(2027, 7, 15)) == "overdue:2027-07-15"
    assert ms(D(2028, 1, 20)) == "overdue:2028-01-15"


def test_month_end_term():
    m = reminders.term_milestone(D(2027, 8, 31), D(2027, 2, 28))
    assert m.key == "6m"  # 31 August minus 6 months is 28 February
    assert reminders.term_milestone(D(2027, 8, 31), D(2027, 2, 27)) is None


def test_monthly_while_no_term_date_is_known():
    assert reminders.term_milestone(None, D(2026, 5, 3)).key == "unknown:2026-05"
    assert reminders.term_milestone(None, D(2026, 6, 1)).key == "unknown:2026-06"


@pytest.mark.django_db
def test_daily_job_sends_each_milestone_once(tree, users, system):
    # village_a (rural branch, 5-year term) started 2022-06-15 → ends 2027-06-15
    org_services.update_org(actor=system, org_id=tree.village_a.pk, term_started_on=D(2022, 6, 15))

    def sent_to_sec_a():
        return list(Notification.objects.filter(recipient=users["sec_a"], kind="elections.term", org=tree.village_a).values_list("dedupe_key", flat=True))

    reminders.send_term_reminders(today=D(2026, 12, 14))
    assert sent_to_sec_a() == []
    reminders.send_term_reminders(today=D(2026, 12, 15))
    reminders.send_term_reminders(today=D(2026, 12, 16))
    assert len(sent_to_sec_a()) == 1
    reminders.send_term_reminders(today=D(2027, 3, 15))
    reminders.send_term_reminders(today=D(2027, 6, 15))
    reminders.send_term_reminders(today=D(2027, 7, 15))
    keys = sent_to_sec_a()
    assert sorted(k.split("|")[0].split(":", 3)[-1] for k in keys) == sorted(["6m", "3m", "overdue:2027-06-15", "overdue:2027-07-15"])
    # an org with no term date is reminded monthly (village_b's secretary)
    reminders.send_term_reminders(today=D(2026, 12, 15))
    assert Notification.objects.filter(recipient=users["sec_b"], kind="elections.term", dedupe_key__contains="unknown:2026-12").exists()
