"""The polls' public code page shares the kernel's wrong-code limit (core/ballots/guard.py) with the cadres' page."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from orgwork.core.actor import Actor
from orgwork.core.ballots import guard
from orgwork.core.models import AuditEvent, CastBallot
from orgwork.polls import services

from .test_polls import build

pytestmark = pytest.mark.django_db


def test_polls_code_page_refuses_after_ten_wrong_codes(users, tree):
    cache.clear()
    sec = Actor.for_user(users["sec_a"])
    p = build(sec, tree.village_a, audience="codes")
    p, codes = services.open_poll(actor=sec, poll_id=p.pk, codes=2)
    url = reverse("polls:answer_public", args=[p.pk])
    answer = {"action": "answer", "q1": "1", "q3": "5"}
    c = Client(REMOTE_ADDR="10.1.2.3")
    limit = guard.rules()["per_ballot"]
    for _ in range(limit):
        body = c.post(url, {**answer, "code": "AAAAA-AAAAA"}).content.decode()
        assert "投票码不正确" in body
    body = c.post(url, {**answer, "code": codes[0]}).content.decode()  # even a right code waits
    assert "投票码输错次数过多，请10分钟后再试" in body
    assert not CastBallot.objects.filter(ballot_id=p.ballot_id, filled=True).exists()
    assert AuditEvent.objects.filter(action="ballot.code_guesses_limited", object_id=str(p.ballot_id)).count() == 1
    other = Client(REMOTE_ADDR="10.9.9.9")  # another address is not affected
    other.post(url, {**answer, "code": codes[0]})
    assert CastBallot.objects.filter(ballot_id=p.ballot_id, filled=True).count() == 1
