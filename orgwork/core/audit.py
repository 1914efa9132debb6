"""The hash-chained audit log, anchored with a keyed MAC.

Every service write calls `record()` inside its transaction. Each event stores the hash of the previous
one and a hash of every stored field (seq, time, actor, action, object type/id/repr, org path, changes,
data, previous hash); `verify()` recomputes the chain and names the first event that does not match, so an
event edited, removed or inserted in the database is detected.

A plain hash chain can be recomputed by whoever can write the database. So the chain is also signed with
HMAC-SHA256 under `settings.AUDIT_MAC_KEY`, a key that lives outside the database (environment / var/):
- every event carries `mac = HMAC(key, "event|" + hash)`;
- the head row carries `HMAC(key, "head|seq|last_hash")`, so deleting the last events and moving the head
  back is detected (the old head's MAC was never stored);
- anchors (`AuditAnchor`, written daily by a huey task and on demand) record the head's seq and hash with a
  MAC; `verify()` checks each against the events, so a tail truncated below an anchor is reported even if
  the head row were restored from an old backup.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from .actor import Actor
from .models import AuditAnchor, AuditEvent, AuditHead

GENESIS = "0" * 64
log = logging.getLogger(__name__)


def _key(key: str | None = None) -> bytes:
    return (key if key is not None else settings.AUDIT_MAC_KEY).encode("utf-8")


def mac(message: str, *, key: str | None = None) -> str:
    return hmac.new(_key(key), message.encode("utf-8"), hashlib.sha256).hexdigest()


def key_id(*, key: str | None = None) -> str:
    """A short fingerprint of the key, stored beside MACs so a changed key is told apart from tampering."""
    return mac("orgwork-audit-key-id", key=key)[:16]


def event_mac(h: str, *, key: str | None = None) -> str:
    return mac(f"event|{h}", key=key)


def head_mac(seq: int, last_hash: str, *, key: str | None = None) -> str:
    return mac(f"head|{seq}|{last_hash}", key=key)


def _ts(value) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return str(value)


def anchor_mac(seq: int, h: str, created_at, reason: str, *, key: str | None = None) -> str:
    return mac(f"anchor|{seq}|{h}|{_ts(created_at)}|{reason}", key=key)


def _default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)


def to_json(value):
    """Plain JSON values, so what is hashed is exactly what the database gives back."""
    try:
        return _plain_copy(value)
    except (_NotPlain, RecursionError):
        return json.loads(json.dumps(value, default=_default, ensure_ascii=False))


class _NotPlain(Exception):
    pass


_FLAT = {str, int, bool, float, type(None)}
_STR = {str}


def _plain_copy(value):
    """A copy of a value that is plain JSON already (str, int, float, bool, None; lists; dicts with str keys) — what
    the round trip through JSON gives for it, without the round trip (an import's event carries 100,000 row digests:
    0.08 s). Anything else (a date, a tuple, a subclass such as a choices enum, a non-str key) raises _NotPlain."""
    cls = value.__class__
    if cls is str or cls is int or cls is bool or cls is float or value is None:
        return value
    if cls is dict:
        # a flat dict of plain values with str keys (an import's row digests) is checked and copied by C loops
        if set(map(type, value.values())) <= _FLAT and set(map(type, value)) <= _STR:
            return dict(value)
        out = {}
        for k, v in value.items():
            if k.__class__ is not str:
                raise _NotPlain
            c = v.__class__
            out[k] = v if c is str or c is int or c is bool or v is None else _plain_copy(v)
        return out
    if cls is list:
        return [_plain_copy(v) for v in value]
    raise _NotPlain


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


HASHED_FIELDS = ("seq", "created_at", "actor_id", "actor_label", "action", "object_type", "object_id", "object_repr", "org_path", "changes", "data", "prev_hash")


def compute_hash(*, seq, created_at, actor_id, actor_label, action, object_type, object_id, object_repr, org_path, changes, data, prev_hash) -> str:
    """SHA-256 over every stored field of an event but `id` (the row number), `hash` and `mac` themselves."""
    payload = canonical(
        ["v2", seq, _ts(created_at), actor_id, actor_label, action, object_type, str(object_id), object_repr, org_path, changes, data, prev_hash]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that changed."""
    out = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            out[key] = [old, new]
    return to_json(out)


def snapshot(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}


@dataclass
class Entry:
    action: str
    object_type: str
    object_id: str
    object_repr: str = ""
    org_path: str = ""
    changes: dict | None = None
    data: dict | None = None


def _object_type(obj) -> str:
    return obj._meta.label_lower


def entry_for(obj, action: str, *, changes=None, data=None, org_path: str | None = None) -> Entry:
    if org_path is None:
        org_path = getattr(obj, "audit_org_path", "") or ""
    return Entry(
        action=action,
        object_type=_object_type(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        org_path=org_path,
        changes=changes,
        data=data,
    )


def record(actor: Actor, action: str, obj, *, changes=None, data=None, org_path: str | None = None) -> AuditEvent:
    return record_many(actor, [entry_for(obj, action, changes=changes, data=data, org_path=org_path)])[0]


def record_many(actor: Actor, entries: list[Entry]) -> list[AuditEvent]:
    """Append events to the chain; must run inside the caller's transaction.

    The head row's write lock serializes appends (a row lock on PostgreSQL, the write lock on SQLite) and is held
    until the transaction ends, so the statements after it are few: one `UPDATE … RETURNING` takes the lock and reads
    the head, then (PostgreSQL, up to `ONE_STATEMENT_MAX` events) the events and the new head go in one statement."""
    if not entries:
        return []
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        raise RuntimeError("audit events must be written inside the service's transaction")
    n = len(entries)
    head_table = conn.ops.quote_name(AuditHead._meta.db_table)
    with conn.cursor() as cur:
        cur.execute(f"UPDATE {head_table} SET seq = seq + %s WHERE id = 1 RETURNING seq, last_hash", [n])
        row = cur.fetchone()
    if row is None:
        AuditHead.objects.create(pk=1, seq=n, last_hash=GENESIS)  # a fresh database (the migration creates it)
        row = (n, GENESIS)
    events, head_values = _chain(actor, entries, *row)
    if conn.vendor == "postgresql" and n <= ONE_STATEMENT_MAX:
        sql, params = _insert_with_head(conn, events, head_table, head_values)
        with conn.cursor() as cur:
            cur.execute(sql, params)
            _set_ids(conn, events, cur.fetchone()[0])
    else:
        AuditEvent.objects.bulk_create(events, batch_size=2000)
        with conn.cursor() as cur:
            cur.execute(f"UPDATE {head_table} SET last_hash = %s, mac = %s, key_id = %s WHERE id = 1", head_values)
    return events


ONE_STATEMENT_MAX = 500  # events written with the head in one statement (PostgreSQL); more go through bulk_create


def _chain(actor: Actor, entries: list[Entry], head_seq: int, last_hash: str) -> tuple[list[AuditEvent], list]:
    """The events linked after the head (head_seq already counts them), and the head's new values."""
    n = len(entries)
    seq = head_seq - n
    prev = last_hash or GENESIS
    now = timezone.now()
    actor_id = actor.user_id if actor else None
    actor_label = actor.label if actor else "system"
    events = []
    for e in entries:
        seq += 1
        changes = to_json(e.changes or {})
        data = to_json(e.data or {})
        object_repr = (e.object_repr or "")[:200]
        h = compute_hash(
            seq=seq,
            created_at=now,
            actor_id=actor_id,
            actor_label=actor_label,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            object_repr=object_repr,
            org_path=e.org_path,
            changes=changes,
            data=data,
            prev_hash=prev,
        )
        events.append(
            AuditEvent(
                seq=seq,
                created_at=now,
                actor_id=actor_id,
                actor_label=actor_label,
                action=e.action,
                object_type=e.object_type,
                object_id=e.object_id,
                object_repr=object_repr,
                org_path=e.org_path,
                changes=changes,
                data=data,
                prev_hash=prev,
                hash=h,
                mac=event_mac(h),
            )
        )
        prev = h
    return events, [prev, head_mac(head_seq, prev), key_id()]


def _insert_with_head(conn, events: list[AuditEvent], head_table: str, head_values: list) -> tuple[str, list]:
    """One statement (a data-modifying WITH) that INSERTs the events and UPDATEs the head, returning the events' ids
    in order; the values are prepared by Django's own insert compiler, as bulk_create would send them."""
    from django.db.models.sql import InsertQuery

    fields = [f for f in AuditEvent._meta.concrete_fields if f is not AuditEvent._meta.pk]
    query = InsertQuery(AuditEvent)
    query.insert_values(fields, events)
    compiler = query.get_compiler(connection=conn)
    compiler.returning_fields = [AuditEvent._meta.pk]
    ((insert_sql, insert_params),) = compiler.as_sql()
    pk = conn.ops.quote_name(AuditEvent._meta.pk.column)
    sql = f"WITH ev AS ({insert_sql}) UPDATE {head_table} SET last_hash = %s, mac = %s, key_id = %s WHERE id = 1 RETURNING (SELECT array_agg(ev.{pk} ORDER BY ev.{pk}) FROM ev)"
    return sql, [*insert_params, *head_values]


def _set_ids(conn, events: list[AuditEvent], ids) -> None:
    for ev, pk_value in zip(events, ids, strict=True):
        ev.pk = pk_value
        ev._state.adding, ev._state.db = False, conn.alias


def append(actor: Actor, entries: list[Entry]) -> list[AuditEvent]:
    """Append events that are the whole of a transaction — the audit of a read (core.privacy.record_read), where
    nothing else is written with them. Inside a caller's transaction (or off PostgreSQL) this is `record_many` in
    a transaction of its own, as before.

    On PostgreSQL, outside any transaction, the append is two round trips, and the head's lock — which every append
    in every process queues on — is held for one of them and never across a disk flush:
      1. `BEGIN; SET LOCAL synchronous_commit TO off; UPDATE head … RETURNING` — the lock taken, the head read;
         the events are linked and signed here, in Python;
      2. `WITH ev AS (INSERT events) UPDATE head …; COMMIT; SELECT … FOR KEY SHARE` — written and committed without
         waiting for the disk (the lock is released at once), then a one-statement transaction that locks the new
         event row (a WAL record under a transaction id) commits synchronously, which flushes the WAL up to it and so
         the event before it. Appends waiting for the disk at the same time share one flush.
    The caller sends the data read only after this returns, as before: the read is on disk first. The chain is
    unchanged (seq assigned under the lock, audit_verify); a crash loses only a suffix of the WAL, so never an event
    while keeping a later one."""
    if not entries:
        return []
    conn = transaction.get_connection()
    if conn.in_atomic_block or conn.vendor != "postgresql" or not conn.get_autocommit():
        with transaction.atomic():
            return record_many(actor, entries)
    head_table = conn.ops.quote_name(AuditHead._meta.db_table)
    with conn.cursor() as cur:
        try:
            cur.execute(f"BEGIN; SET LOCAL synchronous_commit TO off; UPDATE {head_table} SET seq = seq + %s WHERE id = 1 RETURNING seq, last_hash", [len(entries)])
            cur.nextset()
            cur.nextset()
            row = cur.fetchone()
            if row is None:  # a fresh database without its head row: the ordinary path creates it
                cur.execute("ROLLBACK")
                with transaction.atomic():
                    return record_many(actor, entries)
            events, head_values = _chain(actor, entries, *row)
            sql, params = _insert_with_head(conn, events, head_table, head_values)
            last = events[-1]
            table = conn.ops.quote_name(AuditEvent._meta.db_table)
            cur.execute(f"{sql}; COMMIT; SELECT 1 FROM {table} WHERE seq = %s AND created_at = %s FOR KEY SHARE", [*params, last.seq, last.created_at])
            _set_ids(conn, events, cur.fetchone()[0])
        except BaseException:
            _end_open_transaction(conn)
            raise
    return events


def _end_open_transaction(conn) -> None:
    """Roll back the explicit transaction `append` began, if a failure left it open."""
    import psycopg

    raw = conn.connection
    if raw is not None and not raw.closed and raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        try:
            raw.execute("ROLLBACK")
        except psycopg.Error:
            conn.close()


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""
    anchors: int = 0
    notes: list[str] = field(default_factory=list)


def _event_hash(ev) -> str:
    return compute_hash(**{f: getattr(ev, f) for f in HASHED_FIELDS})


def verify(batch: int = 5000, *, using: str = "default") -> VerifyResult:
    """Walk the whole chain: sequence, links, hashes, MACs; then the head row and every anchor."""
    kid = key_id()
    head = AuditHead.objects.using(using).filter(pk=1).first()
    if head is not None and head.key_id and head.key_id != kid:
        return VerifyResult(False, 0, None, f"审计密钥与写入时不同（链头密钥标识 {head.key_id}，当前 {kid}）：请使用写入时的 AUDIT_MAC_KEY 校验")
    anchors = {a.seq: a for a in AuditAnchor.objects.using(using).order_by("seq", "pk")}
    prev = GENESIS
    expected_seq = 1
    checked = 0
    last_seq = 0
    qs = AuditEvent.objects.using(using).order_by("seq")
    while True:
        rows = list(qs.filter(seq__gt=last_seq)[:batch])
        if not rows:
            break
        for ev in rows:
            if ev.seq != expected_seq:
                return VerifyResult(False, checked, expected_seq, f"事件 #{expected_seq} 缺失（下一条为 #{ev.seq}）")
            if ev.prev_hash != prev:
                return VerifyResult(False, checked, ev.seq, f"事件 #{ev.seq} 的前序哈希与上一事件不符")
            h = _event_hash(ev)
            if h != ev.hash:
                return VerifyResult(False, checked, ev.seq, f"事件 #{ev.seq} 的内容已被改动（哈希不符）")
            if not hmac.compare_digest(ev.mac or "", event_mac(h)):
                return VerifyResult(False, checked, ev.seq, f"事件 #{ev.seq} 的签名（MAC）不符：事件被改写后重算了哈希")
            prev = ev.hash
            expected_seq += 1
            checked += 1
            last_seq = ev.seq
    last_hash = prev
    # The head: it must match the last event and carry a valid MAC — else events were cut off the end.
    if head is None:
        if checked:
            return VerifyResult(False, checked, checked + 1, "链头记录缺失（可能删除了末尾事件与链头）")
    else:
        if head.seq != checked:
            return VerifyResult(False, checked, checked + 1, f"链头记录共 {head.seq} 条事件，实际只有 {checked} 条（末尾事件被删除）")
        if (head.last_hash or GENESIS) != last_hash:
            return VerifyResult(False, checked, checked, f"链头哈希与第 #{checked} 条事件不符")
        if not hmac.compare_digest(head.mac or "", head_mac(head.seq, head.last_hash or GENESIS)):
            return VerifyResult(False, checked, checked + 1, f"链头记录的签名（MAC）不符：链头被改动，末尾事件可能已被删除（现存 {checked} 条）")
    # Anchors: each names an event that must still exist with the same hash.
    hashes_needed = {s for s in anchors if 0 < s <= checked}
    found = dict(AuditEvent.objects.using(using).filter(seq__in=hashes_needed).values_list("seq", "hash")) if hashes_needed else {}
    for a in anchors.values():
        if a.key_id != kid:
            return VerifyResult(False, checked, None, f"锚点 #{a.pk} 由另一密钥签署（密钥标识 {a.key_id}，当前 {kid}）", len(anchors))
        if not hmac.compare_digest(a.mac, anchor_mac(a.seq, a.hash, a.created_at, a.reason)):
            return VerifyResult(False, checked, None, f"锚点 #{a.pk}（{_ts(a.created_at)}）的签名不符：锚点被改动", len(anchors))
        if a.seq > checked:
            return VerifyResult(
                False, checked, checked + 1, f"末尾事件被删除：锚点（{_ts(a.created_at)}）记录链长 {a.seq} 条，现只有 {checked} 条", len(anchors)
            )
        expected = GENESIS if a.seq == 0 else found.get(a.seq)
        if expected != a.hash:
            return VerifyResult(False, checked, a.seq, f"事件 #{a.seq} 与锚点（{_ts(a.created_at)}）记录的哈希不符：链被重写", len(anchors))
    result = VerifyResult(True, checked, anchors=len(anchors))
    if anchors:
        newest = max(anchors.values(), key=lambda a: a.seq)
        if newest.seq < checked:
            result.notes.append(f"最近锚点在 #{newest.seq}（{_ts(newest.created_at)}），其后 {checked - newest.seq} 条事件由链头签名保护")
    else:
        result.notes.append("尚无锚点：请运行 manage.py audit_anchor 或启动任务队列（每日自动写入）")
    return result


class AnchorRefused(Exception):
    pass


def write_anchor(*, reason: str = "on_demand") -> AuditAnchor:
    """Sign the current head as an anchor, after checking the events since the previous anchor.

    The segment check (links, hashes, MACs, head MAC) keeps an anchor from blessing a tampered tail; it reads
    only the events written since the last anchor, so the daily run stays cheap.
    """
    with transaction.atomic():
        if AuditHead.objects.filter(pk=1).update(seq=F("seq")) == 0:  # take the head's write lock
            AuditHead.objects.create(pk=1, seq=0, last_hash=GENESIS, mac=head_mac(0, GENESIS), key_id=key_id())
        head = AuditHead.objects.get(pk=1)
        last = AuditAnchor.objects.order_by("-seq", "-pk").first()
        start, prev = (last.seq, last.hash) if last else (0, GENESIS)
        if last and last.seq > head.seq:
            raise AnchorRefused(f"链头 #{head.seq} 低于上一锚点 #{last.seq}：末尾事件被删除")
        expected = start + 1
        for ev in AuditEvent.objects.filter(seq__gt=start).order_by("seq").iterator(chunk_size=2000):
            h = _event_hash(ev)
            if ev.seq != expected or ev.prev_hash != prev or h != ev.hash or not hmac.compare_digest(ev.mac or "", event_mac(h)):
                raise AnchorRefused(f"事件 #{ev.seq} 校验失败，未写入锚点；请运行 manage.py audit_verify")
            prev, expected = ev.hash, expected + 1
        if expected - 1 != head.seq or (head.last_hash or GENESIS) != prev or not hmac.compare_digest(head.mac or "", head_mac(head.seq, head.last_hash or GENESIS)):
            raise AnchorRefused("链头与事件不符，未写入锚点；请运行 manage.py audit_verify")
        now = timezone.now()
        return AuditAnchor.objects.create(seq=head.seq, hash=prev, created_at=now, reason=reason, key_id=key_id(), mac=anchor_mac(head.seq, prev, now, reason))


def history(obj_type: str, obj_id) -> models.QuerySet:
    return AuditEvent.objects.filter(object_type=obj_type, object_id=str(obj_id)).order_by("-seq")
