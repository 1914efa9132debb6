"""Sending: one call queues in-app messages (and optionally email/SMS) to users, logged and de-duplicated."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from orgwork.core import audit
from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound

from .backends import Message, backend_for
from .models import Channel, MessageLog, MessageStatus, Notification


@dataclass
class Outgoing:
    recipient: object  # a user
    kind: str
    title: str
    body: str = ""
    url: str = ""
    org_id: int | None = None
    dedupe_key: str = ""


def _address(user, channel: str) -> str:
    if channel == Channel.EMAIL:
        return user.email or ""
    member = getattr(user, "member", None) if hasattr(user, "member") else None
    return getattr(member, "phone", "") or ""


@transaction.atomic
def send_many(*, actor: Actor, messages: list[Outgoing], channels: tuple[str, ...] = (Channel.INAPP,)) -> list[Notification]:
    """Deliver messages; a message whose (recipient, dedupe_key) was already sent is skipped."""
    keyed = [m for m in messages if m.dedupe_key]
    seen = set()
    if keyed:
        seen = set(
            Notification.objects.filter(
                recipient_id__in={m.recipient.pk for m in keyed}, dedupe_key__in={m.dedupe_key for m in keyed}
            ).values_list("recipient_id", "dedupe_key")
        )
    fresh = []
    for m in messages:
        key = (m.recipient.pk, m.dedupe_key)
        if m.dedupe_key and key in seen:
            continue
        seen.add(key)
        fresh.append(m)
    if not fresh:
        return []
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient=m.recipient, kind=m.kind, title=m.title[:200], body=m.body, url=m.url, org_id=m.org_id, dedupe_key=m.dedupe_key
            )
            for m in fresh
        ]
    )
    logs = []
    for m, n in zip(fresh, created, strict=True):
        logs.append(
            MessageLog(
                channel=Channel.INAPP, backend="inbox", recipient=m.recipient, address=m.recipient.get_username(), kind=m.kind,
                subject=n.title, body=m.body, status=MessageStatus.SENT, notification=n,
            )
        )
        for channel in channels:
            if channel == Channel.INAPP:
                continue
            logs.append(_deliver(channel, m, n))
    MessageLog.objects.bulk_create(logs)
    audit.record_many(
        actor,
        [
            audit.Entry(
                action="notification.send", object_type="notifications.notification", object_id=str(n.pk), object_repr=n.title,
                data={"recipient": m.recipient.pk, "kind": m.kind, "channels": list(channels)},
            )
            for m, n in zip(fresh, created, strict=True)
        ],
    )
    return created


def _deliver(channel: str, m: Outgoing, n: Notification) -> MessageLog:
    backend = backend_for(channel)
    address = _address(m.recipient, channel)
    # SMS carries the title and nothing personal beyond it; the details are in the inbox.
    body = m.title if channel == Channel.SMS else f"{m.body}\n\n{m.url}".strip()
    log = MessageLog(channel=channel, backend=backend.name, recipient=m.recipient, address=address, kind=m.kind, subject=n.title, body=body, notification=n)
    if not address:
        log.status = MessageStatus.SKIPPED
        return log
    try:
        backend.send(Message(address=address, subject=n.title, body=body))
        log.status = MessageStatus.SENT
    except Exception as exc:  # a failed gateway is logged, never lost silently
        log.status = MessageStatus.FAILED
        log.error = str(exc)[:500]
    return log


def send(*, actor: Actor, recipient, kind: str, title: str, body: str = "", url: str = "", org_id=None, dedupe_key: str = "", channels=(Channel.INAPP,)):
    out = send_many(actor=actor, messages=[Outgoing(recipient, kind, title, body, url, org_id, dedupe_key)], channels=channels)
    return out[0] if out else None


@transaction.atomic
def mark_read(*, actor: Actor, notification_id: int) -> Notification:
    try:
        n = Notification.objects.select_for_update().get(pk=notification_id, recipient_id=actor.user_id)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if n.read_at is None:
        n.read_at = timezone.now()
        n.save(update_fields=["read_at"])
    return n


@transaction.atomic
def mark_all_read(*, actor: Actor) -> int:
    return Notification.objects.filter(recipient_id=actor.user_id, read_at__isnull=True).update(read_at=timezone.now())
