"""Wrong one-time codes are limited per address and ballot (rule data), audited once per window, in the kernel."""

import datetime as dt
import time

import pytest
from django.core.cache import cache

from orgwork.core.ballots import guard
from orgwork.core.ballots import selectors as reads
from orgwork.core.ballots import services as ballots
from orgwork.core.errors import ServiceError
from orgwork.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_rule_data_and_window():
    rs = guard.rules()
    assert (rs["per_ballot"], rs["window_minutes"]) == (10, 10) and rs["per_address"] >= rs["per_ballot"]
    assert rs.effective == dt.date(2000, 1, 1)


def test_lookup_counts_wrong_codes_per_address_and_refuses_past_the_limit(system):
    cache.clear()
    now = time.time()
    for _ in range(10):
        assert reads.ballot_for_code("AAAAA-AAAAA", client="192.0.2.1") is None
    with pytest.raises(ServiceError) as exc:
        reads.ballot_for_code("AAAAA-AAAAA", client="192.0.2.1")
    assert exc.value.errors[0].code == "rate_limited" and "10分钟后再试" in exc.value.errors[0].message
    with pytest.raises(ServiceError):
        ballots.cast_with_code(code="BBBBB-BBBBB", answers={}, client="192.0.2.1")
    assert AuditEvent.objects.filter(action="ballot.code_guesses_limited").count() == 1  # once per window and key
    assert "192.0.2.1" not in str(AuditEvent.objects.filter(action="ballot.code_guesses_limited").values_list("data", flat=True))
    assert reads.ballot_for_code("AAAAA-AAAAA", client="192.0.2.2") is None  # another address
    assert reads.ballot_for_code("AAAAA-AAAAA") is None  # no address (internal use): no limit
    guard.check("192.0.2.1", now=now + 11 * 60)  # the next window starts afresh
