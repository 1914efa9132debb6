"""Sending: one call queues in-app messages (and optionally email/SMS) to users, logged and de-duplicated."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgwork.core import audit, distribution, sms
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, ServiceError

from .backends import Message, backend_for
from .models import CATEGORIES, DEFAULT_CHANNELS, Channel, ChannelPreference, DeliverySettings, MessageLog, MessageStatus, Notification, SmsOptOut

logger = logging.getLogger("orgwork.notifications")


@dataclass
class Outgoing:
    recipient: object  # a user
    kind: str
    title: str
    body: str = ""
    url: str = ""
    org_id: int | None = None
    dedupe_key: str = ""
    category: str = "other"
    urgent: bool = False  # email/SMS go out even in the recipient's quiet hours


# A notification names the work and the person it concerns, never their ID number or phone number: whatever a
# provider wrote, these are masked before anything is stored or sent.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")


def redact(text: str) -> str:
    text = _ID_NUMBER.sub(_("[身份证号已隐去]"), text or "")
    return _MOBILE.sub(_("[手机号已隐去]"), text)


def _phone(user, prefs: DeliverySettings | None) -> str:
    if prefs is not None and prefs.sms_phone:
        return prefs.sms_phone
    try:
        member = user.member
    except Exception:  # no linked member record
        return ""
    return getattr(member, "phone", "") or ""


def _address(user, channel: str, prefs: DeliverySettings | None = None) -> str:
    if channel == Channel.EMAIL:
        return user.email or ""
    return _phone(user, prefs)


def quiet_until(prefs: DeliverySettings | None, now: dt.datetime) -> dt.datetime | None:
    """When the recipient's quiet hours end, if `now` falls in them (local time); None when they may be disturbed."""
    start, end, enabled = (dt.time(22, 0), dt.time(7, 0), True) if prefs is None else (prefs.quiet_start, prefs.quiet_end, prefs.quiet_enabled)
    if not enabled or start == end:
        return None
    local = timezone.localtime(now)
    t = local.time()
    if start > end:  # across midnight: 22:00–07:00
        if t >= start:
            day = local.date() + dt.timedelta(days=1)
        elif t < end:
            day = local.date()
        else:
            return None
    elif start <= t < end:
        day = local.date()
    else:
        return None
    return timezone.make_aware(dt.datetime.combine(day, end), timezone.get_current_timezone())


def wanted_channels(user_ids, categories) -> dict[tuple[int, str], tuple[str, ...]]:
    """{(user_id, category): channels besides the inbox} from saved preferences and the defaults (a default
    channel applies only where the account has an address for it; a chosen one without address is logged as
    suppressed)."""
    from django.contrib.auth import get_user_model

    with_email = set(get_user_model().objects.filter(pk__in=set(user_ids)).exclude(email="").values_list("pk", flat=True))
    saved = {(p.user_id, p.category): p for p in ChannelPreference.objects.filter(user_id__in=set(user_ids), category__in=set(categories))}
    out = {}
    for uid in set(user_ids):
        for cat in set(categories):
            p = saved.get((uid, cat))
            email = p.email if p else DEFAULT_CHANNELS["email"] and uid in with_email
            sms = p.sms if p else DEFAULT_CHANNELS["sms"]
            out[(uid, cat)] = tuple(c for c, on in ((Channel.EMAIL, email), (Channel.SMS, sms)) if on)
    return out


def _external_body(channel: str, m, title: str, body: str) -> str:
    if channel == Channel.SMS:
        return title  # an SMS carries the title only; the details are in the inbox
    site = getattr(settings, "ORGWORK_SITE_URL", "").rstrip("/")
    link = f"{site}{m.url}" if m.url else ""
    return f"{body}\n\n{link}".strip()


@transaction.atomic
def send_many(*, actor: Actor, messages: list, channels: tuple[str, ...] | None = None, now: dt.datetime | None = None) -> list[Notification]:
    """Deliver messages (Outgoing or core.deadlines.Reminder): the inbox at once; email/SMS queued per the
    recipient's preferences (or exactly `channels` when given) and quiet hours. A message whose
    (recipient, dedupe_key) was already sent is skipped."""
    now = now or timezone.now()
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
    texts = [(redact(m.title)[:200], redact(m.body)) for m in fresh]
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient=m.recipient, kind=m.kind, category=getattr(m, "category", "") or "other", title=title, body=body,
                url=m.url[:300], org_id=m.org_id, dedupe_key=m.dedupe_key[:200],
            )
            for m, (title, body) in zip(fresh, texts, strict=True)
        ]
    )
    user_ids = {m.recipient.pk for m in fresh}
    prefs = {p.user_id: p for p in DeliverySettings.objects.filter(user_id__in=user_ids)}
    if channels is None:
        wanted = wanted_channels(user_ids, {n.category for n in created})
    logs = []
    backends = {}
    for m, n in zip(fresh, created, strict=True):
        logs.append(
            MessageLog(
                channel=Channel.INAPP, backend="inbox", recipient=m.recipient, address=m.recipient.get_username(), kind=m.kind,
                subject=n.title, body=n.body, status=MessageStatus.SENT, notification=n, sent_at=now, org_id=m.org_id,
            )
        )
        extra = [c for c in channels if c != Channel.INAPP] if channels is not None else wanted[(m.recipient.pk, n.category)]
        for channel in extra:
            if channel not in backends:
                backends[channel] = backend_for(channel).name
            p = prefs.get(m.recipient.pk)
            urgent = bool(getattr(m, "urgent", False))
            log = MessageLog(
                channel=channel, backend=backends[channel], recipient=m.recipient, address=_address(m.recipient, channel, p), kind=m.kind,
                subject=n.title, body=_external_body(channel, m, n.title, n.body), notification=n, urgent=urgent, org_id=m.org_id,
                status=MessageStatus.QUEUED, deliver_after=(None if urgent else quiet_until(p, now)) or now,
            )
            if not log.address:
                log.status, log.error = MessageStatus.SUPPRESSED, _("无地址") if channel == Channel.EMAIL else _("无手机号")
            logs.append(log)
    distribution.fill(logs)  # the distribution column: the member's top-level org, else the org's
    MessageLog.objects.bulk_create(logs)
    audit.record_many(
        actor,
        [
            audit.Entry(
                action="notification.send", object_type="notifications.notification", object_id=str(n.pk), object_repr=n.title,
                data={"recipient": m.recipient.pk, "kind": m.kind},
            )
            for m, n in zip(fresh, created, strict=True)
        ],
    )
    if any(x.status == MessageStatus.QUEUED and x.deliver_after <= now for x in logs):
        transaction.on_commit(_kick)
    return created


def _kick():
    """Deliver what is ready in the background (the worker); the periodic task catches up if this fails."""
    try:
        from .tasks import deliver_queued

        deliver_queued()
    except Exception:  # the queue being unreachable must not fail the request that sent the message
        logger.exception("could not queue delivery")


RETRY_MINUTES = 2  # the first retry after 2 minutes, then 4, 8, 16 (exponential backoff)
MAX_ATTEMPTS = 5


def _backoff(attempts: int, retry_after: float | None) -> dt.timedelta:
    wait = dt.timedelta(minutes=RETRY_MINUTES * 2 ** max(0, attempts - 1))
    if retry_after:
        wait = max(wait, dt.timedelta(seconds=retry_after))
    return wait


def opted_out(phones) -> set[str]:
    return set(SmsOptOut.objects.filter(phone__in=list(phones), active=True).values_list("phone", flat=True))


def deliver_due(*, now: dt.datetime | None = None, batch: int = 200) -> dict[str, int]:
    """Send queued email/SMS whose time has come (quiet hours over); each message's outcome is logged on it.

    A temporary failure (timeout, provider error, rate limit) is retried with exponential backoff up to MAX_ATTEMPTS;
    a refusal fails at once. Non-urgent SMS to a number that opted out (退订) is not sent."""
    now = now or timezone.now()
    counts = {"sent": 0, "failed": 0, "retry": 0, "suppressed": 0}
    backends: dict[str, object] = {}
    last_id = 0
    while True:
        ids = list(
            MessageLog.objects.filter(status=MessageStatus.QUEUED, deliver_after__lte=now, pk__gt=last_id).order_by("pk").values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return counts
        last_id = ids[-1]
        for pk in ids:
            with transaction.atomic():
                log = MessageLog.objects.select_for_update().filter(pk=pk, status=MessageStatus.QUEUED).first()
                if log is None:
                    continue
                if log.channel == Channel.SMS and not log.urgent and opted_out([log.address]):
                    log.status, log.error = MessageStatus.SUPPRESSED, _("该号码已回复退订")
                    log.save(update_fields=["status", "error"])
                    counts["suppressed"] += 1
                    continue
                backend = backends.get(log.channel) or backends.setdefault(log.channel, backend_for(log.channel))
                log.attempts += 1
                try:
                    provider_id = backend.send(Message(address=log.address, subject=log.subject, body=log.body))
                    log.status, log.sent_at, log.error = MessageStatus.SENT, timezone.now(), ""
                    log.provider_id = str(provider_id or "")[:64]
                    counts["sent"] += 1
                except Exception as exc:  # a failed gateway is logged on the message, never lost silently
                    log.error = f"{type(exc).__name__}: {exc}"[:500]
                    retryable = isinstance(exc, sms.SmsRetryable) or not isinstance(exc, sms.SmsError)
                    if log.attempts >= MAX_ATTEMPTS or not retryable:
                        log.status = MessageStatus.FAILED
                        counts["failed"] += 1
                    else:
                        log.deliver_after = now + _backoff(log.attempts, getattr(exc, "retry_after", None))
                        counts["retry"] += 1
                log.save(update_fields=["status", "sent_at", "error", "attempts", "deliver_after", "provider_id"])


def record_receipt(*, message_id: str, status: str, error: str = "", at=None) -> bool:
    """The provider's delivery receipt (core.sms.receive_receipt → here): sent → delivered / undelivered."""
    at = at or timezone.now()
    with transaction.atomic():
        log = MessageLog.objects.select_for_update().filter(provider_id=message_id, channel=Channel.SMS).first()
        if log is None:
            return False
        if status == "delivered":
            log.status, log.delivered_at = MessageStatus.DELIVERED, at
        else:
            log.status, log.error = MessageStatus.UNDELIVERED, (error or _("未送达"))[:500]
        log.save(update_fields=["status", "delivered_at", "error"])
    return True


OPT_KEYWORDS = ("退订", "TD", "td", "Td", "订阅", "DY", "dy", "Dy")  # a reply starting with one of these sets the choice


def sms_keyword(*, phone: str, text: str, received_at, message_id: str = "") -> str:
    """Inbound 退订/TD and 订阅/DY (core.sms.register_inbound): the number's choice, recorded and audited."""
    word = text.strip()
    out = word.startswith("退订") or word.upper().startswith("TD")
    with transaction.atomic():
        row = SmsOptOut.objects.select_for_update().filter(phone=phone).first()
        if row is None:
            row = SmsOptOut.objects.create(phone=phone, active=out, changed_at=received_at)
        else:
            row.active, row.changed_at = out, received_at
            row.save(update_fields=["active", "changed_at"])
        audit.record(Actor.system_actor("sms"), "sms.opt_out" if out else "sms.opt_in", row, data={"phone_tail": phone[-4:]})
    return _("【组工云】已退订，工作提醒以外的短信将不再发送；回复“订阅”可恢复。") if out else _("【组工云】已恢复接收短信。")


def send_reminders(*, actor: Actor, reminders: list) -> int:
    """The kernel's deadline job delivers through here (registered with core.deadlines.set_sender)."""
    return len(send_many(actor=actor, messages=reminders))


def already_sent(pairs: set) -> set:
    """Which (recipient_id, dedupe_key) pairs are already in an inbox (for the job's dry run)."""
    out = set()
    pairs = list(pairs)
    for i in range(0, len(pairs), 500):
        chunk = pairs[i : i + 500]
        out |= set(
            Notification.objects.filter(recipient_id__in={p[0] for p in chunk}, dedupe_key__in={p[1] for p in chunk}).values_list("recipient_id", "dedupe_key")
        )
    return out & set(pairs)


def send(*, actor: Actor, recipient, kind: str, title: str, body: str = "", url: str = "", org_id=None, dedupe_key: str = "", channels=None, category: str = "other", urgent: bool = False):
    out = send_many(actor=actor, messages=[Outgoing(recipient, kind, title, body, url, org_id, dedupe_key, category, urgent)], channels=channels)
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


@transaction.atomic
def save_preferences(*, actor: Actor, quiet_enabled: bool, quiet_start: dt.time, quiet_end: dt.time, sms_phone: str, channels: dict) -> DeliverySettings:
    """A user's own delivery settings: quiet hours, the SMS number, and email/SMS per category ({category: (email, sms)})."""
    if actor is None or actor.user is None:
        raise NotFound()
    errors = []
    phone = (sms_phone or "").strip()
    if phone:
        try:
            phone = sms.normalize_phone(phone)
        except sms.SmsError:
            errors.append(FieldError("sms_phone", "bad_value", _("接收短信的手机号应为11位手机号码")))
    if quiet_start is None:
        errors.append(FieldError("quiet_start", "required", _("请填写免打扰开始时间")))
    if quiet_end is None:
        errors.append(FieldError("quiet_end", "required", _("请填写免打扰结束时间")))
    unknown = set(channels) - set(CATEGORIES)
    if unknown:
        errors.append(FieldError("channels", "bad_value", _("未知的消息分类：%(names)s") % {"names": "、".join(sorted(unknown))}))
    if errors:
        raise ServiceError(errors)
    user = actor.user
    ds, _created = DeliverySettings.objects.select_for_update().get_or_create(user=user)
    before = {"quiet_enabled": ds.quiet_enabled, "quiet_start": ds.quiet_start, "quiet_end": ds.quiet_end, "sms_phone": bool(ds.sms_phone)}
    ds.quiet_enabled, ds.quiet_start, ds.quiet_end, ds.sms_phone = bool(quiet_enabled), quiet_start, quiet_end, phone
    ds.save()
    saved = {}
    for cat, (email, text) in channels.items():
        ChannelPreference.objects.update_or_create(user=user, category=cat, defaults={"email": bool(email), "sms": bool(text)})
        saved[cat] = [bool(email), bool(text)]
    after = {"quiet_enabled": ds.quiet_enabled, "quiet_start": ds.quiet_start, "quiet_end": ds.quiet_end, "sms_phone": bool(ds.sms_phone)}
    # the phone number itself stays out of the audit trail (personal data): only whether one is set
    audit.record(actor, "notification.preferences", ds, changes=audit.diff(before, after), data={"channels": saved})
    return ds
