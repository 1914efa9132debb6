"""The audit chain: every service write is recorded; editing, removing or inserting an event is detected."""

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from orgwork.core import audit
from orgwork.core.models import AuditEvent, HardDeleteForbidden
from orgwork.orgs import services as org_services


@pytest.mark.django_db
def test_service_writes_append_a_verifiable_chain(tree, system):
    org_services.rename_org(actor=system, org_id=tree.village_a.pk, name="红旗村第一党支部")
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[-1].action == "org.rename"
    assert events[-1].changes == {"name": ["红旗村党支部", "红旗村第一党支部"]}
    assert events[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    assert audit.verify().ok


@pytest.mark.django_db
def test_editing_an_event_in_the_database_is_detected(tree, system):
    victim = AuditEvent.objects.order_by("seq")[3]
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditevent SET object_repr = %s WHERE id = %s", ["篡改", victim.pk])
    # object_repr is not hashed (display only); the change fields are:
    assert audit.verify().ok
    AuditEvent.objects.filter(pk=victim.pk).update(changes={"name": [None, "伪造"]})
    result = audit.verify()
    assert not result.ok
    assert result.broken_seq == victim.seq
    with pytest.raises(CommandError, match=f"#{victim.seq}"):
        call_command("audit_verify")


@pytest.mark.django_db
def test_removing_an_event_is_detected(tree):
    victim = AuditEvent.objects.order_by("seq")[2]
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE id = %s", [victim.pk])
    result = audit.verify()
    assert not result.ok and result.broken_seq == victim.seq


@pytest.mark.django_db
def test_removing_the_last_event_is_detected(tree):
    last = AuditEvent.objects.order_by("-seq").first()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE id = %s", [last.pk])
    assert not audit.verify().ok


@pytest.mark.django_db
def test_rewriting_an_actor_is_detected(tree):
    ev = AuditEvent.objects.order_by("seq").first()
    AuditEvent.objects.filter(pk=ev.pk).update(actor_label="somebody-else")
    assert audit.verify().broken_seq == ev.seq


@pytest.mark.django_db
def test_audit_events_cannot_be_deleted_through_the_orm(tree):
    with pytest.raises(HardDeleteForbidden):
        AuditEvent.objects.first().delete()
    with pytest.raises(HardDeleteForbidden):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused(tree, system):
    with pytest.raises(RuntimeError):
        audit.record(system, "x.y", tree.county)


@pytest.mark.django_db
def test_audit_verify_command_reports_ok(tree, capsys):
    call_command("audit_verify")
    assert "审计链完整" in capsys.readouterr().out
