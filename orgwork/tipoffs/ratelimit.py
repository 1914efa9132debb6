"""Limits on the public path that store no address: the cache only, with keys that change every day.

The client address is turned into `HMAC(day key, address)`; the day key is random, lives only in the cache with a
24-hour lifetime and is never written anywhere else, so yesterday's counters cannot be linked to an address or to
today's. Counters live in the cache too (Redis in production so that every worker shares them; the local-memory
cache of a single process in development). Nothing here logs. See docs/tipoffs.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.core.cache import cache

from orgwork.core.clientip import client_ip

DAY = 24 * 3600
HOUR = 3600


def _day_key(today: dt.date) -> bytes:
    name = f"tipoffs:daykey:{today.isoformat()}"
    key = cache.get(name)
    if key is None:
        cache.add(name, secrets.token_hex(32), DAY)
        key = cache.get(name)
    return bytes.fromhex(key)


def _address(request) -> str:
    """REMOTE_ADDR, or X-Forwarded-For only through settings.TRUSTED_PROXIES (core.clientip): never a header anyone can set."""
    return client_ip(request) or ""


def device_tag(request, today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    return hmac.new(_day_key(today), _address(request).encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def _count_key(kind: str, tag: str, today: dt.date) -> str:
    return f"tipoffs:{kind}:{today.isoformat()}:{tag}"


def submissions_left(request, limit: int, today: dt.date | None = None) -> int:
    today = today or dt.date.today()
    used = cache.get(_count_key("sub", device_tag(request, today), today), 0)
    return max(0, limit - used)


def count_submission(request, today: dt.date | None = None) -> None:
    today = today or dt.date.today()
    key = _count_key("sub", device_tag(request, today), today)
    cache.add(key, 0, DAY)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, DAY)


def _hour_key(kind: str, tag: str) -> str:
    now = dt.datetime.now(dt.UTC)
    return f"tipoffs:{kind}:{now:%Y%m%d%H}:{tag}"


def receipt_guess_allowed(request, per_client: int, global_limit: int) -> bool:
    tag = device_tag(request)
    return cache.get(_hour_key("rfail", tag), 0) < per_client and cache.get(_hour_key("rfail", "all"), 0) < global_limit


def count_receipt_failure(request) -> None:
    for tag in (device_tag(request), "all"):
        key = _hour_key("rfail", tag)
        cache.add(key, 0, HOUR)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, HOUR)
