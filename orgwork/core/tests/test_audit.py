"""The audit chain: every service write is recorded; editing, removing or inserting an event is detected."""

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from orgwork.core import audit
from orgwork.core.models import AuditAnchor, AuditEvent, AuditHead, HardDeleteForbidden
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


# --- every field hashed, MAC-anchored (issue 11) -----------------------------------------------------------


def _rehash_from(seq):
    """What an attacker holding the database (but not the key) can do: recompute every hash from `seq` on."""
    events = list(AuditEvent.objects.filter(seq__gte=seq).order_by("seq"))
    prev = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else audit.GENESIS
    for ev in events:
        ev.prev_hash = prev
        ev.hash = audit.compute_hash(**{f: getattr(ev, f) for f in audit.HASHED_FIELDS})
        prev = ev.hash
    AuditEvent.objects.bulk_update(events, ["prev_hash", "hash"])
    AuditHead.objects.filter(pk=1).update(last_hash=prev)


@pytest.mark.django_db
def test_editing_the_object_repr_of_an_old_event_is_detected(tree, system):
    """Attack (a): object_repr (what the log page shows) is hashed like every other stored field."""
    victim = AuditEvent.objects.order_by("seq")[1]
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditevent SET object_repr = %s WHERE id = %s", ["篡改后的名称", victim.pk])
    result = audit.verify()
    assert not result.ok and result.broken_seq == victim.seq and "哈希不符" in result.reason
    with pytest.raises(CommandError, match=f"#{victim.seq}"):
        call_command("audit_verify")


@pytest.mark.django_db
def test_rewriting_an_event_and_recomputing_the_chain_is_caught_by_the_mac(tree, system):
    victim = AuditEvent.objects.order_by("seq")[1]
    AuditEvent.objects.filter(pk=victim.pk).update(object_repr="篡改后的名称")
    _rehash_from(victim.seq)
    result = audit.verify()
    assert not result.ok and result.broken_seq == victim.seq and "MAC" in result.reason


@pytest.mark.django_db
def test_deleting_the_last_events_and_adjusting_the_head_is_detected(tree, system):
    """Attack (b): cut the tail and move the head row back to the new last event — the head's MAC no longer fits."""
    org_services.rename_org(actor=system, org_id=tree.village_a.pk, name="红旗村第一党支部")
    total = AuditEvent.objects.count()
    keep = AuditEvent.objects.get(seq=total - 3)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE seq > %s", [keep.seq])
    AuditHead.objects.filter(pk=1).update(seq=keep.seq, last_hash=keep.hash)
    result = audit.verify()
    assert not result.ok and "链头" in result.reason and result.checked == keep.seq
    with pytest.raises(CommandError, match="链头"):
        call_command("audit_verify")


@pytest.mark.django_db
def test_a_tail_cut_below_an_anchor_is_reported_even_with_an_old_valid_head(tree, system):
    """The head restored from an old backup carries a valid MAC; the anchor written since still catches the cut."""
    old_head = AuditHead.objects.values("seq", "last_hash", "mac").get(pk=1)
    org_services.rename_org(actor=system, org_id=tree.village_a.pk, name="红旗村第一党支部")
    anchor = audit.write_anchor(reason="test")
    assert anchor.seq == AuditEvent.objects.count() > old_head["seq"]
    assert audit.verify().ok and audit.verify().anchors == 1
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE seq > %s", [old_head["seq"]])
    AuditHead.objects.filter(pk=1).update(**old_head)
    result = audit.verify()
    assert not result.ok and "锚点" in result.reason and f"链长 {anchor.seq} 条" in result.reason


@pytest.mark.django_db
def test_an_edited_anchor_is_detected(tree, system):
    a = audit.write_anchor()
    AuditAnchor.objects.filter(pk=a.pk).update(seq=a.seq - 1)
    result = audit.verify()
    assert not result.ok and "锚点" in result.reason


@pytest.mark.django_db
def test_anchor_refuses_to_sign_a_tampered_tail(tree, system):
    victim = AuditEvent.objects.order_by("-seq").first()
    AuditEvent.objects.filter(pk=victim.pk).update(object_repr="x")
    with pytest.raises(audit.AnchorRefused):
        audit.write_anchor()
    with pytest.raises(CommandError, match="未写入锚点"):
        call_command("audit_anchor")
    assert AuditAnchor.objects.count() == 0


@pytest.mark.django_db
def test_anchor_command_and_daily_task(tree, system, capsys):
    from orgwork.core.tasks import daily_audit_anchor

    call_command("audit_anchor")
    assert "已写入审计锚点" in capsys.readouterr().out
    org_services.rename_org(actor=system, org_id=tree.village_a.pk, name="红旗村第一党支部")
    assert daily_audit_anchor.call_local() == AuditEvent.objects.count()
    assert list(AuditAnchor.objects.order_by("seq").values_list("reason", flat=True)) == ["on_demand", "daily"]
    call_command("audit_verify")
    assert "2 个锚点" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_different_key_is_reported_as_such_not_as_tampering(tree, settings):
    settings.AUDIT_MAC_KEY = "another-key"
    result = audit.verify()
    assert not result.ok and "AUDIT_MAC_KEY" in result.reason


def test_the_key_is_not_stored_in_the_database():
    from django.conf import settings

    assert settings.AUDIT_MAC_KEY and len(settings.AUDIT_MAC_KEY) >= 32
    field_names = {f.name for m in (AuditEvent, AuditHead, AuditAnchor) for f in m._meta.get_fields()}
    assert "key" not in field_names  # only a fingerprint (key_id) and MACs are stored


@pytest.mark.django_db
def test_migration_reseals_an_intact_old_chain_and_leaves_a_broken_one(tree):
    import importlib

    from django.apps import apps

    mig = importlib.import_module("orgwork.core.migrations.0005_audit_mac_anchor")

    def to_v1():
        prev, events = audit.GENESIS, list(AuditEvent.objects.order_by("seq"))
        for ev in events:
            ev.prev_hash, ev.mac = prev, ""
            ev.hash = mig._v1_hash(ev)
            prev = ev.hash
        AuditEvent.objects.bulk_update(events, ["prev_hash", "hash", "mac"])
        AuditHead.objects.filter(pk=1).update(last_hash=prev, mac="", key_id="")

    to_v1()
    assert not audit.verify().ok
    mig.reseal(apps, None)
    assert audit.verify().ok
    to_v1()
    AuditEvent.objects.filter(seq=2).update(changes={"x": 1})  # broken before the migration
    mig.reseal(apps, None)
    assert audit.verify().broken_seq == 2


def _round_trip(value):
    import json

    return json.loads(json.dumps(value, default=audit._default, ensure_ascii=False))


@pytest.mark.parametrize(
    "value",
    [
        {"digests": {str(i): f"{i:032x}" for i in range(1000)}, "rows": 1000, "first_id": 1, "ok": True, "none": None},
        {"a": [1, 2.5, "三", None, False, {"b": [[]]}], "c": {}, "d": -0.0, "e": float("inf")},
        [],
        "文本",
        7,
    ],
)
def test_plain_json_is_copied_as_the_round_trip_gives_it(value):
    out = audit.to_json(value)
    assert out == _round_trip(value)
    assert repr(out) == repr(_round_trip(value))  # the same types too (no int turned float, no key reordered)
    if isinstance(value, (dict, list)):
        assert out is not value  # a copy: the caller's dict may change after the event is written
        value_copy = _round_trip(value)
        (value.clear() if isinstance(value, dict) else value.append("later"))
        assert repr(out) == repr(value_copy)


def test_values_that_are_not_plain_json_still_go_through_the_round_trip():
    import datetime as dt
    import decimal

    from orgwork.members.models import Standing

    value = {"on": dt.date(2026, 12, 3), "pair": (1, 2), 3: "int key", "standing": Standing.SUSPENDED, "n": decimal.Decimal("1.50"), "s": {"x"}}
    out = audit.to_json(value)
    assert out == _round_trip(value)
    assert out["on"] == "2026-12-03" and out["pair"] == [1, 2] and out["3"] == "int key" and out["standing"] == "suspended"
    assert type(out["standing"]) is str


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL storage setting")
def test_the_audit_json_columns_are_compressed_with_lz4_on_every_partition_where_the_server_has_it():
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)")
        if cur.fetchone() is None:
            pytest.skip("this server is built without LZ4")
        cur.execute(
            "SELECT c.relname, a.attname, a.attcompression FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "WHERE a.attname IN ('data', 'changes') AND (c.relname = 'core_auditevent' OR c.oid IN "
            "(SELECT inhrelid FROM pg_inherits WHERE inhparent = 'core_auditevent'::regclass))"
        )
        rows = cur.fetchall()
    assert len(rows) >= 4  # the table and at least one partition, two columns each
    assert {r[2] for r in rows} == {"l"}, rows
