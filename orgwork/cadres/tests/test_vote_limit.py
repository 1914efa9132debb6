"""/cadres/vote/: ten wrong codes in ten minutes from one address → refused with a Chinese message (429), audited."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from orgwork.cadres import services
from orgwork.core.ballots import services as ballots
from orgwork.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_vote_page_limits_wrong_codes(world):
    cache.clear()
    w = world
    sel = services.start_selection(actor=w.actor, post_id=w.deputy.pk, title="副局长选拔", on=dt.date(2026, 3, 2))
    b = services.start_recommendation(actor=w.actor, selection_id=sel.pk, cadre_ids=[x.pk for x in w.cadres[:3]], groups=[{"name": "全体", "weight": 1}])
    (code,) = ballots.issue_codes(actor=w.actor, ballot_id=b.pk, group_id=b.groups.get().pk, count=1)
    ballots.open_ballot(actor=w.actor, ballot_id=b.pk)
    url = reverse("cadres:vote")
    c = Client(REMOTE_ADDR="198.51.100.7")
    for i in range(10):
        r = c.post(url, {"code": f"ZZZZZ-ZZZZ{i + 2}"})
        assert r.status_code == 400 and "投票码不正确或已使用" in r.content.decode()
    r = c.post(url, {"code": code})
    assert r.status_code == 429 and "投票码输错次数过多，请10分钟后再试" in r.content.decode()
    assert AuditEvent.objects.filter(action="ballot.code_guesses_limited").count() == 1
    r = Client(REMOTE_ADDR="198.51.100.8").post(url, {"code": code})
    assert r.status_code == 200 and "王五" in r.content.decode()
