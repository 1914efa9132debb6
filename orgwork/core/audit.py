"""The hash-chained audit log.

Every service write calls `record()` inside its transaction. Each event stores the hash of the previous
one; `verify()` recomputes the chain and names the first event that does not match, so an event edited,
removed or inserted in the database is detected.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from .actor import Actor
from .models import AuditEvent, AuditHead

GENESIS = "0" * 64


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
    return json.loads(json.dumps(value, default=_default, ensure_ascii=False))


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def compute_hash(*, seq, created_at, actor_id, actor_label, action, object_type, object_id, org_path, changes, data, prev_hash) -> str:
    if isinstance(created_at, dt.datetime):
        created_at = created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    payload = canonical(
        [seq, created_at, actor_id, actor_label, action, object_type, str(object_id), org_path, changes, data, prev_hash]
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
    """Append events to the chain; must run inside the caller's transaction."""
    if not entries:
        return []
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        raise RuntimeError("audit events must be written inside the service's transaction")
    n = len(entries)
    # Taking the head row's write lock first serializes appends on PostgreSQL (row lock) and SQLite.
    if AuditHead.objects.filter(pk=1).update(seq=F("seq") + n) == 0:
        AuditHead.objects.create(pk=1, seq=n, last_hash=GENESIS)
    head = AuditHead.objects.get(pk=1)
    seq = head.seq - n
    prev = head.last_hash or GENESIS
    now = timezone.now()
    actor_id = actor.user_id if actor else None
    actor_label = actor.label if actor else "system"
    events = []
    for e in entries:
        seq += 1
        changes = to_json(e.changes or {})
        data = to_json(e.data or {})
        h = compute_hash(
            seq=seq,
            created_at=now,
            actor_id=actor_id,
            actor_label=actor_label,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
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
                object_repr=e.object_repr[:200],
                org_path=e.org_path,
                changes=changes,
                data=data,
                prev_hash=prev,
                hash=h,
            )
        )
        prev = h
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    AuditHead.objects.filter(pk=1).update(last_hash=prev)
    return events


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def verify(batch: int = 5000) -> VerifyResult:
    prev = GENESIS
    expected_seq = 1
    checked = 0
    last_seq = 0
    qs = AuditEvent.objects.order_by("seq")
    while True:
        rows = list(qs.filter(seq__gt=last_seq)[:batch])
        if not rows:
            break
        for ev in rows:
            if ev.seq != expected_seq:
                return VerifyResult(False, checked, expected_seq, f"事件 #{expected_seq} 缺失（下一条为 #{ev.seq}）")
            if ev.prev_hash != prev:
                return VerifyResult(False, checked, ev.seq, f"事件 #{ev.seq} 的前序哈希与上一事件不符")
            h = compute_hash(
                seq=ev.seq,
                created_at=ev.created_at,
                actor_id=ev.actor_id,
                actor_label=ev.actor_label,
                action=ev.action,
                object_type=ev.object_type,
                object_id=ev.object_id,
                org_path=ev.org_path,
                changes=ev.changes,
                data=ev.data,
                prev_hash=ev.prev_hash,
            )
            if h != ev.hash:
                return VerifyResult(False, checked, ev.seq, f"事件 #{ev.seq} 的内容已被改动（哈希不符）")
            prev = ev.hash
            expected_seq += 1
            checked += 1
            last_seq = ev.seq
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.seq != checked:
        return VerifyResult(False, checked, checked + 1, f"链头记录共 {head.seq} 条事件，实际只有 {checked} 条（末尾事件被删除）")
    return VerifyResult(True, checked)


def history(obj_type: str, obj_id) -> models.QuerySet:
    return AuditEvent.objects.filter(object_type=obj_type, object_id=str(obj_id)).order_by("-seq")
