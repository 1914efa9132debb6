"""Reads to a streaming replica, writes to the primary, and read-your-writes.

Active only when `REPLICA_DATABASE_URL` is set (settings add the alias "replica"); without it every query goes to
"default" exactly as before.

- Writes always go to the primary.
- Reads go to the replica unless the current context is *pinned* to the primary:
  * for the rest of a request (or job) once it has written anything;
  * inside a transaction (reads that decide a write see the primary);
  * for `READ_YOUR_WRITES_SECONDS` after a user's write, on every later request of that user (a key in the shared
    cache, Redis in production) — so a secretary who saves a record and lands on its page sees it, whatever the
    replica's lag;
  * for the apps that carry sign-in state (sessions, users, second-factor devices, lock-outs, API tokens), always.
- Housekeeping writes that must not pin (an API token's last-use stamp) run inside `unpinned()`.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import connections

REPLICA = "replica"
PRIMARY = "default"
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "otp_totp", "otp_static", "django_otp", "axes", "admin", "contenttypes"})
PRIMARY_ONLY_MODELS = frozenset({"core.apitoken", "core.audithead", "core.passwordresetcode"})

_pinned: contextvars.ContextVar[bool] = contextvars.ContextVar("orgwork_db_pinned", default=False)
_wrote: contextvars.ContextVar[bool] = contextvars.ContextVar("orgwork_db_wrote", default=False)
_quiet: contextvars.ContextVar[bool] = contextvars.ContextVar("orgwork_db_quiet", default=False)


def enabled() -> bool:
    return REPLICA in settings.DATABASES


def _window_key(user_id) -> str:
    return f"orgwork:rw:{user_id}"


def _primary_only(model) -> bool:
    return model._meta.app_label in PRIMARY_ONLY_APPS or model._meta.label_lower in PRIMARY_ONLY_MODELS


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not enabled():
            return None
        if _pinned.get() or _primary_only(model) or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        if enabled() and not _quiet.get() and not _primary_only(model):
            _pinned.set(True)
            _wrote.set(True)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def begin(user_id=None) -> tuple:
    """Start a request or job context; pinned at once if this user wrote within the window."""
    pinned = False
    if enabled() and user_id is not None and cache.get(_window_key(user_id)):
        pinned = True
    return (_pinned.set(pinned), _wrote.set(False))


def finish(tokens: tuple, user_id=None) -> bool:
    """End the context; if it wrote, open the user's read-your-writes window. Returns whether it wrote."""
    wrote = _wrote.get()
    if wrote and user_id is not None:
        cache.set(_window_key(user_id), 1, timeout=max(1, int(settings.READ_YOUR_WRITES_SECONDS)))
    _pinned.reset(tokens[0])
    _wrote.reset(tokens[1])
    return wrote


def is_pinned() -> bool:
    return _pinned.get()


@contextmanager
def unpinned():
    """Writes inside do not pin the context (housekeeping such as a token's last-use stamp)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


@contextmanager
def primary():
    """Force every read inside to the primary (e.g. a job that must see the latest state)."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


class ReadYourWritesMiddleware:
    """Binds each request to its user's read-your-writes window (after authentication; token users are bound when the
    token is checked, see core.tokens)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled():
            return self.get_response(request)
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        tokens = begin(user_id)
        try:
            return self.get_response(request)
        finally:
            # A token request is authenticated inside DRF; its user is known only now.
            after = getattr(request, "user", None)
            if user_id is None and after is not None and getattr(after, "is_authenticated", False):
                user_id = after.pk
            finish(tokens, user_id)
