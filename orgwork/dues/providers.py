"""The payment-provider interface for dues a member pays from the phone, and the local fake provider.

    provider()                  the configured provider (ORGWORK_DUES_PAY_PROVIDER, a dotted class path; default the
                                local fake). A real provider (WeChat Pay, Alipay, a bank) is an adapter subclassing
                                PaymentProvider, configured from the environment (ORGWORK_DUES_PAY_URL,
                                ORGWORK_DUES_PAY_KEY, ORGWORK_DUES_PAY_MERCHANT) — never from the database.

A provider implements three calls:

    create_order(order_no=, amount=, subject=, notify_url=, return_url=) -> CreatedOrder(pay_url, provider_ref)
    verify_notify(values) -> Notice       the signed callback (server-to-server notify), or PaymentError
    query(order_no=) -> TradeState         what the provider says about the order now

Callbacks are signed with HMAC-SHA256 over the sorted `key=value` pairs (the `sign` field left out) with the
provider key; a callback older than NOTIFY_MAX_AGE seconds is refused, and each notify id is accepted once (the
service keeps them: a replayed callback is refused). The money is never trusted from the browser: only the signed
callback (or `query`) says an order was paid.

FakeProvider is the local fake cashier: pages inside this site (/dues/pay/fake/<order>/) that show the order and a
"pay" button; paying there marks the fake trade paid and delivers the signed callback to the same service the
notify endpoint calls. Its trades live in the cache (they are the provider's records, not ours).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

DEFAULT_PROVIDER = "orgwork.dues.providers.FakeProvider"
NOTIFY_MAX_AGE = 15 * 60  # seconds a signed callback stays acceptable (a replay after that is refused outright)


class PaymentError(Exception):
    """A callback or an answer from the provider that cannot be trusted (bad signature, stale, malformed)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class CreatedOrder:
    pay_url: str
    provider_ref: str = ""


@dataclass(frozen=True)
class Notice:
    notify_id: str
    order_no: str
    provider_ref: str
    amount: Decimal
    paid_at: object  # aware datetime
    sent_at: int  # unix seconds


@dataclass(frozen=True)
class TradeState:
    status: str  # "paid" | "unpaid" | "closed" | "unknown"
    amount: Decimal | None = None
    provider_ref: str = ""


def _env(name: str, default: str = "") -> str:
    return str(getattr(settings, name, None) or os.environ.get(f"ORGWORK_{name}", "") or default)


def sign(values: dict, key: str) -> str:
    message = "&".join(f"{k}={values[k]}" for k in sorted(values) if k != "sign" and values[k] not in (None, ""))
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def signature_ok(values: dict, key: str) -> bool:
    given = str(values.get("sign") or "")
    return bool(given) and hmac.compare_digest(given, sign(values, key))


class PaymentProvider:
    """The interface. `name` is stored on every order; `label` is what people read; `method` is the dues method
    (orgwork.dues.models.Method) the confirmed payment is recorded with."""

    name = ""
    label = ""
    method = "other"

    def key(self) -> str:
        return _env("DUES_PAY_KEY")

    def create_order(self, *, order_no: str, amount: Decimal, subject: str, notify_url: str, return_url: str) -> CreatedOrder:  # pragma: no cover
        raise NotImplementedError

    def query(self, *, order_no: str) -> TradeState:  # pragma: no cover
        raise NotImplementedError

    def verify_notify(self, values: dict) -> Notice:
        """Check the signature, the age and the fields of a callback; PaymentError when anything is off."""
        if not signature_ok(values, self.key()):
            raise PaymentError("bad_signature", "回调签名无效")
        try:
            sent_at = int(values.get("timestamp") or "")
            amount = Decimal(str(values.get("amount") or ""))
            paid_at = dt.datetime.fromtimestamp(int(values.get("paid_at") or sent_at), tz=timezone.get_current_timezone())
        except (ValueError, TypeError, InvalidOperation, OverflowError, OSError):
            raise PaymentError("malformed", "回调内容不完整") from None
        now = int(timezone.now().timestamp())
        if abs(now - sent_at) > NOTIFY_MAX_AGE:
            raise PaymentError("stale", "回调已过期")
        notify_id = str(values.get("notify_id") or "")
        order_no = str(values.get("order_no") or "")
        if not notify_id or not order_no or str(values.get("status") or "") != "paid":
            raise PaymentError("malformed", "回调内容不完整")
        return Notice(notify_id=notify_id[:64], order_no=order_no[:40], provider_ref=str(values.get("trade_no") or "")[:64], amount=amount, paid_at=paid_at, sent_at=sent_at)


class FakeProvider(PaymentProvider):
    """The local fake cashier (development, tests, the demo). Trades are kept in the cache for a day."""

    name = "fake"
    label = "模拟支付（测试）"
    method = "other"
    TTL = 24 * 3600

    def key(self) -> str:
        configured = _env("DUES_PAY_KEY")
        if configured:
            return configured
        return hmac.new(str(settings.SECRET_KEY).encode(), b"orgwork.dues.fake-pay", hashlib.sha256).hexdigest()

    @staticmethod
    def _cache_key(order_no: str) -> str:
        return f"dues:fake-pay:{order_no}"

    def trade(self, order_no: str) -> dict | None:
        return cache.get(self._cache_key(order_no))

    def create_order(self, *, order_no, amount, subject, notify_url, return_url):
        ref = "FAKE" + uuid.uuid4().hex[:16].upper()
        cache.set(self._cache_key(order_no), {"order_no": order_no, "amount": str(amount), "subject": subject, "return_url": return_url, "notify_url": notify_url, "status": "unpaid", "trade_no": ref}, self.TTL)
        return CreatedOrder(pay_url=reverse("dues:fake_cashier", args=[order_no]), provider_ref=ref)

    def query(self, *, order_no):
        t = self.trade(order_no)
        if t is None:
            return TradeState("unknown")
        return TradeState(t["status"], Decimal(t["amount"]), t["trade_no"])

    def signed_notice(self, order_no: str, *, notify_id: str | None = None, amount: str | None = None, at: int | None = None) -> dict:
        """The callback the fake provider sends for a paid trade (tests use it to forge and replay, too)."""
        t = self.trade(order_no) or {"amount": amount or "0", "trade_no": ""}
        now = at if at is not None else int(timezone.now().timestamp())
        values = {
            "notify_id": notify_id or uuid.uuid4().hex,
            "order_no": order_no,
            "trade_no": t["trade_no"],
            "amount": amount if amount is not None else t["amount"],
            "status": "paid",
            "paid_at": str(now),
            "timestamp": str(now),
        }
        values["sign"] = sign(values, self.key())
        return values

    def pay(self, order_no: str) -> dict:
        """The person pressed "pay" at the fake cashier: the trade is paid; returns the signed callback to deliver."""
        t = self.trade(order_no)
        if t is None:
            raise PaymentError("unknown_order", "订单不存在或已过期")
        if t["status"] == "unpaid":
            t["status"] = "paid"
            cache.set(self._cache_key(order_no), t, self.TTL)
        return self.signed_notice(order_no)

    def close(self, order_no: str) -> None:
        t = self.trade(order_no)
        if t is not None and t["status"] == "unpaid":
            t["status"] = "closed"
            cache.set(self._cache_key(order_no), t, self.TTL)


_REGISTRY: dict[str, type[PaymentProvider]] = {"fake": FakeProvider}


def provider(name: str | None = None) -> PaymentProvider:
    """The configured provider, or the one an existing order was made with (by its stored name)."""
    cls = import_string(_env("DUES_PAY_PROVIDER", DEFAULT_PROVIDER))
    if name and name != cls.name:
        cls = _REGISTRY.get(name)
        if cls is None:
            raise PaymentError("unknown_provider", "支付渠道未配置")
    return cls()


def is_fake_configured() -> bool:
    return provider().name == FakeProvider.name
