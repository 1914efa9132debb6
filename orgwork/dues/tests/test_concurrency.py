"""Two clerks recording the same member's dues at the same moment (rules.md §4; issue 6)."""

import datetime as dt
import threading

import pytest
from django.db import close_old_connections, connection

from orgwork.core.errors import ServiceError
from orgwork.dues import services
from orgwork.dues.models import DuesMonth, DuesPayment

D = dt.date
TODAY = D(2026, 11, 20)

pytestmark = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite serializes writers with one database lock and its in-memory test database is not shared safely between threads; runs on PostgreSQL",
)


def race(calls):
    """Run the callables at the same instant in threads; return (results, errors)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(fn):
        try:
            barrier.wait()
            results.append(fn())
        except ServiceError as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results, errors


@pytest.fixture
def member(tree, make_member, system):
    m = make_member(tree.office_a, name="并发")
    services.set_base(actor=system, member_id=m.pk, category="salaried", base="4000", declared_on=D(2026, 1, 1))
    return m


def _pay(system, member, month, months=1):
    return lambda: services.record_payment(actor=system, member_id=member.pk, from_month=month, months=months, paid_on=TODAY, today=TODAY)


@pytest.mark.django_db(transaction=True)
def test_same_months_recorded_twice_at_once_are_paid_once(system, member):
    for _round in range(5):
        month = D(2026, 11 - _round, 1)
        results, errors = race([_pay(system, member, month), _pay(system, member, month)])
        assert len(results) == 1 and len(errors) == 1
        assert errors[0].errors[0].code == "already_paid"
    assert DuesMonth.objects.filter(member=member).count() == 5
    assert DuesPayment.objects.filter(member=member).count() == 5


@pytest.mark.django_db(transaction=True)
def test_different_months_recorded_at_once_are_both_kept(system, member):
    results, errors = race([_pay(system, member, D(2026, 11, 1)), _pay(system, member, D(2026, 10, 1)), _pay(system, member, D(2026, 9, 1))])
    assert errors == [] and len(results) == 3
    assert sorted(DuesMonth.objects.filter(member=member).values_list("month", flat=True)) == [D(2026, 9, 1), D(2026, 10, 1), D(2026, 11, 1)]


@pytest.mark.django_db(transaction=True)
def test_overlapping_ranges_never_double_a_month(system, member):
    results, errors = race([_pay(system, member, D(2026, 9, 1), 2), _pay(system, member, D(2026, 10, 1), 2)])
    assert len(results) == 1 and len(errors) == 1
    assert DuesMonth.objects.filter(member=member).count() == 2
