"""The SMS gateway interface: every text message leaves through one gateway chosen in settings.

    ORGWORK_SMS_GATEWAY = "orgwork.core.sms.LocalFileSms"    # the default: development, no network
    ORGWORK_SMS_OUTBOX  = "<var>/sms-outbox.jsonl"            # where LocalFileSms writes

A gateway implements ``send(phone=, text=) -> str`` (the provider's message id) and raises ``SmsError`` when the
message was not accepted — the caller logs the failure with its reason; nothing is lost silently. The provider's
real HTTP adapter (signing, templates, delivery receipts) is a separate gateway class behind this interface.

    LocalFileSms   appends one JSON line per message to the outbox file (and logs it): development
    MemorySms      keeps messages in ``MemorySms.outbox`` (like Django's locmem mail backend): tests
    HttpSms        a provider's HTTP API: JSON over HTTPS, signed with HMAC-SHA256 (SMS_HTTP_URL, SMS_HTTP_KEY,
                   SMS_HTTP_ACCOUNT from the environment); its delivery receipts come back to /api/v1/sms/receipts/,
                   signed the same way. Tested against a local fake provider (core/tests/fake_sms_provider.py).
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
    """The gateway did not accept the message (bad number, refused): permanent, not retried."""


class SmsRetryable(SmsError):
    """A temporary failure (timeout, provider error, rate limit): the message is retried later with backoff."""

    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


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


def sign(key: str, timestamp: str, nonce: str, body: bytes) -> str:
    """HMAC-SHA256 over timestamp, nonce and the exact body bytes (both directions use it)."""
    import hashlib
    import hmac

    return hmac.new(key.encode(), timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body, hashlib.sha256).hexdigest()


def verify_signature(*, key: str, timestamp: str, nonce: str, body: bytes, signature: str, max_skew: int = 300) -> bool:
    import hmac
    import time

    if not key or not signature:
        return False
    try:
        if abs(time.time() - int(timestamp)) > max_skew:
            return False
    except (TypeError, ValueError):
        return False
    return hmac.compare_digest(sign(key, timestamp, nonce, body), signature)


class HttpSms(SmsGateway):
    """A provider's HTTP API. POST {account, phone, text, callback} as JSON with headers X-Timestamp, X-Nonce and
    X-Signature (HMAC-SHA256 under SMS_HTTP_KEY). 200 {"message_id"} → sent; 429 → rate limited (retried after
    Retry-After); 5xx, timeouts and refused connections → retried; any other 4xx → refused (the provider's message
    is kept on the log). Never logs the full number or the text."""

    def __init__(self, *, url: str | None = None, key: str | None = None, account: str | None = None, timeout: float | None = None, callback: str | None = None):
        self.url = url if url is not None else getattr(settings, "SMS_HTTP_URL", "")
        self.key = key if key is not None else getattr(settings, "SMS_HTTP_KEY", "")
        self.account = account if account is not None else getattr(settings, "SMS_HTTP_ACCOUNT", "")
        self.timeout = timeout if timeout is not None else float(getattr(settings, "SMS_HTTP_TIMEOUT", 5))
        self.callback = callback if callback is not None else getattr(settings, "SMS_RECEIPT_URL", "")
        if not self.url or not self.key:
            raise SmsError("未配置短信平台（SMS_HTTP_URL / SMS_HTTP_KEY）")

    def _deliver(self, phone: str, text: str) -> str:
        import secrets
        import time
        import urllib.error
        import urllib.request

        body = json.dumps({"account": self.account, "phone": phone, "text": text, "callback": self.callback}, ensure_ascii=False).encode()
        ts, nonce = str(int(time.time())), secrets.token_hex(8)
        req = urllib.request.Request(
            self.url, data=body, method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "X-Timestamp": ts, "X-Nonce": nonce, "X-Signature": sign(self.key, ts, nonce, body)},
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                answer = json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as exc:
            detail = _provider_message(exc)
            if exc.code == 429:
                retry_after = exc.headers.get("Retry-After")
                raise SmsRetryable(f"短信平台限流：{detail}", retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None) from None
            if exc.code >= 500:
                raise SmsRetryable(f"短信平台错误（{exc.code}）：{detail}") from None
            raise SmsError(f"短信平台拒收（{exc.code}）：{detail}") from None
        except TimeoutError:
            raise SmsRetryable(f"短信平台超时（{self.timeout:g} 秒）") from None
        except (urllib.error.URLError, ConnectionError, OSError) as exc:
            if isinstance(getattr(exc, "reason", None), TimeoutError):
                raise SmsRetryable(f"短信平台超时（{self.timeout:g} 秒）") from None
            raise SmsRetryable(f"无法连接短信平台：{getattr(exc, 'reason', exc)}") from None
        except ValueError:
            raise SmsRetryable("短信平台应答不是有效的 JSON") from None
        message_id = str(answer.get("message_id") or "")
        if not message_id:
            raise SmsRetryable("短信平台应答缺少 message_id")
        log.info("sms %s to %s*** via http", message_id, phone[:3])
        return message_id


def _provider_message(exc) -> str:
    try:
        data = json.loads(exc.read() or b"{}")
        return str(data.get("message") or data.get("code") or exc.reason)[:200]
    except (ValueError, OSError):
        return str(exc.reason)[:200]


def gateway() -> SmsGateway:
    path = getattr(settings, "ORGWORK_SMS_GATEWAY", "orgwork.core.sms.LocalFileSms")
    return import_string(path)()


# --- inbound messages (the provider's webhook) ---------------------------------------------------------------
# A module registers a handler in its AppConfig.ready(): fn(*, phone, text, received_at, message_id) -> str | None
# (the text of an automatic answer, sent back through the gateway). Keywords route a message whose text starts with
# one of them; then a handler registered with `match` (fn(*, phone, text) -> bool, e.g. "this number received a notice
# last week") takes a message it claims; a handler registered without either takes the rest. The webhook
# (core/api_sms.py) is authenticated by the shared secret settings.SMS_INBOUND_SECRET (empty: the webhook answers 404).
_INBOUND: dict[str, tuple[tuple[str, ...], object]] = {}
_MATCHERS: dict[str, object] = {}


def register_inbound(name: str, handler, *, keywords=(), match=None) -> None:
    _INBOUND[name] = (tuple(keywords), handler)
    if match is not None:
        _MATCHERS[name] = match
    else:
        _MATCHERS.pop(name, None)


_RECEIPTS: list = []


def register_receipts(handler) -> None:
    """fn(*, message_id, status: "delivered" | "failed", error: str, at) -> bool (found) — the notifications log registers."""
    if handler not in _RECEIPTS:
        _RECEIPTS.append(handler)


def receive_receipt(*, message_id: str, status: str, error: str = "", at=None) -> bool:
    at = at or timezone.now()
    return any([h(message_id=message_id, status=status, error=error, at=at) for h in _RECEIPTS])


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
        for name, (_keywords, handler) in sorted(_INBOUND.items()):
            if name in _MATCHERS and _MATCHERS[name](phone=phone, text=text):
                chosen = (name, handler)
                break
    if chosen is None:
        for name, (keywords, handler) in sorted(_INBOUND.items()):
            if not keywords and name not in _MATCHERS:
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
