"""Replica routing against a real streaming replica (issue 22). Run by scripts/replica-check.sh, which starts the replica
from pg_basebackup of the local server and sets REPLICA_CHECK, DATABASE_URL and REPLICA_DATABASE_URL; skipped otherwise.

These tests work on real (not test) databases that the script creates and drops."""

import datetime as dt
import os
import time

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test import Client

from orgwork.core import idcard, routing
from orgwork.core.actor import Actor

pytestmark = pytest.mark.skipif(not os.environ.get("REPLICA_CHECK"), reason="needs scripts/replica-check.sh (a real streaming replica)")


@pytest.fixture
def live(django_db_blocker):
    with django_db_blocker.unblock():
        yield
        for c in connections.all():
            c.close()


def _wait_on_replica(fn, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if fn():
            return True
        time.sleep(0.05)
    return False


def _county():
    from orgwork.orgs import services as org_services
    from orgwork.orgs.models import Org, OrgKind, Sector

    system = Actor.system_actor("replica-check")
    root = Org.objects.using("default").filter(parent__isnull=True, name="中共复制县委员会").first()
    if root is None:
        root = org_services.create_org(actor=system, parent_id=None, name="中共复制县委员会", kind=OrgKind.COMMITTEE, sector=Sector.AGENCY, code="R001")
    return system, root


def test_the_replica_is_a_real_standby(live):
    assert routing.enabled()
    with connections["replica"].cursor() as cur:
        cur.execute("SELECT pg_is_in_recovery()")
        assert cur.fetchone()[0] is True
    with connections["default"].cursor() as cur:
        cur.execute("SELECT pg_is_in_recovery()")
        assert cur.fetchone()[0] is False


def test_reads_go_to_the_replica_and_writes_pin_the_rest_of_the_context(live):
    from orgwork.members import services as member_services
    from orgwork.members.models import Member

    system, root = _county()
    tokens = routing.begin(None)
    try:
        assert Member.objects.all().db == "replica"
        assert not routing.is_pinned()
        n = Member.objects.count() + 1
        id_number = idcard.make("511526", dt.date(1970, 1, 1) + dt.timedelta(days=n), 1)
        m = member_services.create_member(actor=system, org_id=root.pk, name="林复制", id_number=id_number, category="full", joined_on=dt.date(2005, 7, 1), confirmed_on=dt.date(2006, 7, 1))
    except Exception:
        routing.finish(tokens)
        raise
    # The write pinned this context: the next read is on the primary and sees the row at once.
    assert routing.is_pinned()
    assert Member.objects.filter(pk=m.pk).db == "default"
    assert Member.objects.filter(pk=m.pk).exists()
    routing.finish(tokens)

    # A fresh, anonymous context reads from the replica, which receives the row by streaming.
    tokens = routing.begin(None)
    try:
        assert Member.objects.filter(pk=m.pk).db == "replica"
        assert _wait_on_replica(lambda: Member.objects.filter(pk=m.pk).exists())
    finally:
        routing.finish(tokens)


def test_a_write_is_invisible_on_the_replica_while_replay_is_paused_but_its_writer_reads_it(live):
    """Read-your-writes, proven with real lag: pause WAL replay on the standby, write, and read as the writer (window
    open → primary → found) and as someone else (replica → not yet there)."""
    from orgwork.orgs import services as org_services
    from orgwork.orgs.models import Org, OrgKind, Sector

    system, root = _county()
    writer, other = 910001, 910002
    with connections["replica"].cursor() as cur:
        cur.execute("SELECT pg_wal_replay_pause()")
    try:
        tokens = routing.begin(writer)
        branch = org_services.create_org(actor=system, parent_id=root.pk, name=f"复制测试第{int(time.time() * 1000) % 100000}党支部", kind=OrgKind.BRANCH, sector=Sector.AGENCY)
        assert routing.finish(tokens, writer) is True

        tokens = routing.begin(writer)  # the writer's next request, inside the window
        try:
            assert routing.is_pinned()
            assert Org.objects.filter(pk=branch.pk).exists()
        finally:
            routing.finish(tokens, writer)

        tokens = routing.begin(other)  # anyone else reads the (paused, lagging) replica
        try:
            assert not routing.is_pinned()
            assert Org.objects.filter(pk=branch.pk).db == "replica"
            assert not Org.objects.filter(pk=branch.pk).exists()
        finally:
            routing.finish(tokens, other)
    finally:
        with connections["replica"].cursor() as cur:
            cur.execute("SELECT pg_wal_replay_resume()")
    tokens = routing.begin(other)
    try:
        assert _wait_on_replica(lambda: Org.objects.filter(pk=branch.pk).exists())
    finally:
        routing.finish(tokens, other)


def test_the_window_closes(live, settings):
    settings.READ_YOUR_WRITES_SECONDS = 1
    from orgwork.orgs.models import Org

    _county()
    user = 910003
    tokens = routing.begin(user)
    Org.objects.filter(pk__lt=0).update(name="x")  # a write (matching nothing) still opens the window
    routing.finish(tokens, user)
    tokens = routing.begin(user)
    assert routing.is_pinned()
    routing.finish(tokens, user)
    time.sleep(1.2)
    tokens = routing.begin(user)
    assert not routing.is_pinned()
    routing.finish(tokens, user)


def test_transactions_and_sign_in_state_stay_on_the_primary(live):
    from django.contrib.auth import get_user_model

    from orgwork.orgs.models import Org

    tokens = routing.begin(None)
    try:
        with transaction.atomic():
            assert Org.objects.all().db == "default"
        assert Org.objects.all().db == "replica"
        assert get_user_model().objects.all().db == "default"
    finally:
        routing.finish(tokens)


def test_through_the_web_stack(live):
    """A whole request through the middleware: the health page answers with the replica configured."""
    assert "orgwork.core.routing.ReadYourWritesMiddleware" in settings.MIDDLEWARE
    r = Client().get("/healthz")
    assert r.status_code in (200, 301, 302)
