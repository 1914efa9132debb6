"""The handler's unlocked private key for the length of a console session, held in two halves.

The session (server side) keeps the private key encrypted under a random one-time key; the browser keeps that
one-time key in an HttpOnly, SameSite=Strict cookie. Neither half opens anything alone: a copy of the session
table (a database dump) holds no usable key, and a stolen cookie is useless without the server's session row.
The unlock lasts `TIPOFFS_UNLOCK_SECONDS` (default 2 hours) and ends with sign-out.
"""

from __future__ import annotations

import secrets
import time

from django.conf import settings

from . import crypto

SESSION_KEY = "tipoffs.keyring"
COOKIE = "tipoffs_k"


def _ttl() -> int:
    return int(getattr(settings, "TIPOFFS_UNLOCK_SECONDS", 7200))


def store(request, response, sk) -> None:
    one_time = secrets.token_bytes(32)
    request.session[SESSION_KEY] = {"blob": crypto.b64(crypto.wrap(one_time, bytes(sk))), "until": int(time.time()) + _ttl(), "user": request.user.pk}
    response.set_cookie(COOKIE, crypto.b64(one_time), max_age=_ttl(), httponly=True, samesite="Strict", secure=request.is_secure())


def load(request):
    """The unlocked private key, or None."""
    data = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    cookie = request.COOKIES.get(COOKIE)
    if not data or not cookie or data.get("user") != getattr(request.user, "pk", None) or data.get("until", 0) < time.time():
        return None
    try:
        return crypto.private_key(crypto.unwrap(crypto.unb64(cookie), crypto.unb64(data["blob"])))
    except (crypto.Locked, ValueError, TypeError):
        return None


def forget(request, response) -> None:
    request.session.pop(SESSION_KEY, None)
    response.delete_cookie(COOKIE, samesite="Strict")
