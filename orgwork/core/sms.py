"""The SMS gateway interface: every text message leaves through one gateway chosen in settings.

    ORGWORK_SMS_GATEWAY = "orgwork.core.sms.LocalFileSms"    # the default: development, no network
    ORGWORK_SMS_OUTBOX  = "<var>/sms-outbox.jsonl"            # where LocalFileSms writes

A gateway implements ``send(phone=, text=) -> str`` (the provider's message id) and raises ``SmsError`` when the
message was not accepted — the caller logs the failure with its reason; nothing is lost silently. The provider's
real HTTP adapter (signing, templates, delivery receipts) is a separate gateway class behind this interface.

    LocalFileSms   appends one JSON line per message to the outbox file (and logs it): development
    MemorySms      keeps messages in ``MemorySms.outbox`` (like Django's locmem mail backend): tests
    gateway()      the configured gateway
    normalize_phone(text) -> "13800000000" or raises SmsError
"""

from __future__ import annotations

import json
import logging
import re
import threading
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger("orgwork.sms")

MAX_LENGTH = 500  # a long SMS is split by the carrier into 70-character parts; beyond this it is a mistake
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class SmsError(Exception):
    """The gateway did not accept the message (bad number, refused, unreachable)."""


def normalize_phone(text: str) -> str:
    digits = re.sub(r"[\s\-]", "", str(text or ""))
    if digits.startswith("+86"):
        digits = digits[3:]
    if not _MOBILE.match(digits):
        raise SmsError("不是有效的手机号码")
    return digits


class SmsGateway:
    """The interface. Subclasses implement `_deliver`; `send` checks the number and the text first."""

    @property
    def name(self) -> str:
        return f"{type(self).__module__}.{type(self).__name__}"

    def send(self, *, phone: str, text: str) -> str:
        phone = normalize_phone(phone)
        text = (text or "").strip()
        if not text:
            raise SmsError("短信内容为空")
        if len(text) > MAX_LENGTH:
            raise SmsError(f"短信内容超过{MAX_LENGTH}字")
        return self._deliver(phone, text)

    def _deliver(self, phone: str, text: str) -> str:  # pragma: no cover - the interface
        raise NotImplementedError


class LocalFileSms(SmsGateway):
    """Development: one JSON line per message in the outbox file; nothing leaves the machine."""

    _lock = threading.Lock()

    def _path(self) -> Path:
        configured = getattr(settings, "ORGWORK_SMS_OUTBOX", "")
        if configured:
            return Path(configured)
        return Path(getattr(settings, "VAR_DIR", ".")) / "sms-outbox.jsonl"

    def _deliver(self, phone: str, text: str) -> str:
        message_id = uuid.uuid4().hex
        line = json.dumps({"id": message_id, "at": timezone.now().isoformat(), "phone": phone, "text": text}, ensure_ascii=False)
        path = self._path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock, path.open("a", encoding="utf-8") as f:
                f.write(line + "\n")
        except OSError as exc:
            raise SmsError(f"无法写入短信发件箱：{exc}") from exc
        log.info("sms %s to %s***: %s", message_id, phone[:3], text[:40])
        return message_id


class MemorySms(SmsGateway):
    """Tests: messages are kept in the class attribute `outbox` (cleared by the test)."""

    outbox: list[dict] = []

    def _deliver(self, phone: str, text: str) -> str:
        message_id = uuid.uuid4().hex
        MemorySms.outbox.append({"id": message_id, "phone": phone, "text": text})
        return message_id


def gateway() -> SmsGateway:
    path = getattr(settings, "ORGWORK_SMS_GATEWAY", "orgwork.core.sms.LocalFileSms")
    return import_string(path)()


# --- inbound messages (the provider's webhook) ---------------------------------------------------------------
# A module registers a handler in its AppConfig.ready(): fn(*, phone, text, received_at, message_id) -> str | None
# (the text of an automatic answer, sent back through the gateway). Keywords route a message whose text starts with
# one of them; a handler registered without keywords takes the rest. The webhook (core/api_sms.py) is authenticated
# by the shared secret settings.SMS_INBOUND_SECRET (empty: the webhook answers 404).
_INBOUND: dict[str, tuple[tuple[str, ...], object]] = {}


def register_inbound(name: str, handler, *, keywords=()) -> None:
    _INBOUND[name] = (tuple(keywords), handler)


def inbound_handlers() -> list[str]:
    return sorted(_INBOUND)


def receive_inbound(*, phone: str, text: str, received_at=None, message_id: str = "") -> dict:
    """Route one inbound SMS to its handler; the answer (if any) goes back through the gateway."""
    phone = normalize_phone(phone)
    text = (text or "").strip()
    if not text:
        raise SmsError("短信内容为空")
    received_at = received_at or timezone.now()
    chosen = None
    for name, (keywords, handler) in sorted(_INBOUND.items()):
        if keywords and any(text.startswith(k) for k in keywords):
            chosen = (name, handler)
            break
    if chosen is None:
        for name, (keywords, handler) in sorted(_INBOUND.items()):
            if not keywords:
                chosen = (name, handler)
                break
    if chosen is None:
        return {"handled_by": "", "answered": False}
    name, handler = chosen
    answer = handler(phone=phone, text=text, received_at=received_at, message_id=message_id)
    answered = False
    if answer:
        try:
            gateway().send(phone=phone, text=answer)
            answered = True
        except SmsError:
            log.warning("inbound sms answer to %s*** not sent", phone[:3])
    return {"handled_by": name, "answered": answered}
