"""`audit.append`: the audit of a read in a transaction of its own. On PostgreSQL it commits without waiting for the
disk while it holds the chain's head, then waits for the flush with the head released — the chain stays whole under
concurrent appends and service writes (seq unique, no gaps, audit_verify passes)."""

import threading

import pytest
from django.db import connection, connections, transaction

from orgwork.core import audit, privacy
from orgwork.core.actor import Actor
from orgwork.core.models import AuditEvent, AuditHead
from orgwork.orgs import services as org_services


def _entry(i):
    return audit.Entry(action="personal.read", object_type="members.member", object_id=str(i), object_repr=f"党员{i}", org_path="0001", data={"fields": ["id_number"]})


def _chain_whole():
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert AuditHead.objects.get(pk=1).seq == len(seqs)
    result = audit.verify()
    assert result.ok, result.reason
    return len(seqs)


@pytest.mark.django_db(transaction=True)
def test_append_alone_writes_one_verified_event_and_leaves_the_session_as_it_was(tree):
    before = _chain_whole()
    events = audit.append(Actor.system_actor("test"), [_entry(1), _entry(2)])
    assert [e.seq for e in events] == [before + 1, before + 2]
    assert all(e.pk for e in events)
    stored = AuditEvent.objects.get(pk=events[1].pk)
    assert (stored.seq, stored.hash, stored.prev_hash) == (events[1].seq, events[1].hash, events[0].hash)
    assert _chain_whole() == before + 2
    if connection.vendor == "postgresql":  # SET LOCAL ended with the append's transaction
        with connection.cursor() as cur:
            cur.execute("SHOW synchronous_commit")
            assert cur.fetchone()[0] == "on"
            cur.execute("SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'transactionid'")
            assert cur.fetchone()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_append_inside_a_transaction_is_part_of_it(tree):
    before = _chain_whole()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            audit.append(Actor.system_actor("test"), [_entry(1)])
            raise RuntimeError("the caller's work failed")
    assert _chain_whole() == before  # rolled back with the caller


@pytest.mark.django_db(transaction=True)
def test_concurrent_reads_and_service_writes_keep_one_chain(tree, system):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL (SQLite serializes whole transactions)")
    before = _chain_whole()
    errors = []
    member = type("Obj", (), {"pk": 7, "_meta": AuditEvent._meta, "audit_org_path": tree.county.path, "__str__": lambda self: "某党员"})()

    def reader(n):
        try:
            for _ in range(n):
                privacy.record_read(Actor.system_actor("reader"), member, ["id_number", "phone"], via="api")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def writer(n):
        try:
            for i in range(n):
                org_services.rename_org(actor=system, org_id=tree.village_a.pk, name=f"红旗村党支部{i}")
        except Exception as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reader, args=(25,)) for _ in range(6)] + [threading.Thread(target=writer, args=(10,))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    total = _chain_whole()
    assert AuditEvent.objects.filter(seq__gt=before, action="personal.read").count() == 150
    assert AuditEvent.objects.filter(seq__gt=before, action="org.rename").count() == 10
    assert total == before + 160


@pytest.mark.django_db(transaction=True)
def test_a_failed_append_leaves_no_event_no_lock_and_a_working_connection(tree):
    from django.db import DatabaseError

    if connection.vendor != "postgresql":
        pytest.skip("the explicit two-statement append is PostgreSQL's (SQLite does not check text lengths)")
    before = _chain_whole()
    bad = audit.Entry(action="x" * 81, object_type="members.member", object_id="1")  # longer than the column: refused by the database
    with pytest.raises(DatabaseError):
        audit.append(Actor.system_actor("test"), [bad])
    assert _chain_whole() == before  # head and events as they were: the append's transaction was rolled back
    events = audit.append(Actor.system_actor("test"), [_entry(3)])  # the same connection appends again at once
    assert events[0].seq == before + 1
    assert _chain_whole() == before + 1
