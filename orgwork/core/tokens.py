"""API tokens: the machine path into the API.

- Issued only to a verified sign-in (password, plus the second factor when the account has a TOTP device) from
  the account pages, or by an operator at the server (`manage.py issue_token`). The key is shown once and stored
  as a SHA-256 hash (256 random bits: nothing to brute-force, so no slow hash is needed).
- A token can be read-only (GET/HEAD/OPTIONS only: anything else answers 403 `token_read_only`), expires
  (`settings.API_TOKEN_DAYS`, default 90) and can be revoked; tokens are never deleted.
- Every use stamps the last-used time and address; an audit event `token.use` is written at most once per token
  per minute (`AUDIT_EVERY`), so a script polling the API does not flood the chain.

Clients send `Authorization: Token <key>` as before (DRF's authtoken keyword).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import user_has_device
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from . import audit, routing, rows
from .actor import Actor
from .errors import NotFound, ServiceError
from .models import ApiToken

KEYWORD = "Token"
KEY_PREFIX = "owt_"
AUDIT_EVERY = dt.timedelta(minutes=1)
MAX_DAYS = 3660
NAME_MAX = 60


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def default_days() -> int:
    return int(getattr(settings, "API_TOKEN_DAYS", 90))


@transaction.atomic
def issue(*, actor: Actor, user, name: str = "", read_only: bool = False, days: int | None = None, second_factor_verified: bool) -> tuple[ApiToken, str]:
    """A new token for `user`; returns (token, key) — the key exists only in this return value.

    `second_factor_verified`: the caller states that the sign-in behind this request passed the second factor
    (the account page passes `request.user.is_verified()`; the operator command passes True).
    """
    if user is None or not getattr(user, "is_active", False):
        raise ServiceError.single("user", "bad_value", _("账号不存在或已停用"))
    if not second_factor_verified and user_has_device(user):
        raise ServiceError.single("otp", "second_factor_required", _("生成令牌前请先完成两步验证"))
    if days is None:
        days = default_days()
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ServiceError.single("days", "out_of_range", _("有效天数须在 1 至 %(max)d 天之间") % {"max": MAX_DAYS})
    name = (name or "").strip() or _("API 令牌")
    if len(name) > NAME_MAX:
        raise ServiceError.single("name", "out_of_range", _("用途最多 %(max)d 个字") % {"max": NAME_MAX})
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[: len(KEY_PREFIX) + 6],
        key_hash=hash_key(key),
        read_only=bool(read_only),
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    audit.record(
        actor,
        "token.issue",
        token,
        data={"user": user.pk, "username": user.get_username(), "read_only": token.read_only, "expires_at": token.expires_at, "prefix": token.prefix},
    )
    return token, key


def operator_key(user, *, read_only: bool = False, days: int | None = None, name: str = "") -> str:
    """A key issued by the operator at the server (management command, tests, benchmarks): no sign-in to check."""
    _token, key = issue(actor=Actor.system_actor("issue_token"), user=user, name=name or "命令行生成", read_only=read_only, days=days, second_factor_verified=True)
    return key


@transaction.atomic
def revoke(*, actor: Actor, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens (system actors: any token). Someone else's token is not found."""
    qs = ApiToken.objects.select_for_update()
    if not actor.system:
        qs = qs.filter(user_id=actor.user_id)
    token = qs.filter(pk=token_id).first()
    if token is None:
        raise NotFound(f"token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, "token.revoke", token, data={"user": token.user_id, "prefix": token.prefix})
    return token


def tokens_for(user):
    """The user's tokens, newest first (the account page; only the owner sees them)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def client_ip(request) -> str | None:
    """The address a token was used from (X-Forwarded-For only through settings.TRUSTED_PROXIES)."""
    from .clientip import client_ip as _client_ip

    return _client_ip(request)


# Uses of each token this process has counted but not written yet (see record_use).
_pending_uses: dict[str, int] = {}  # by key hash (unique even if a row id is reused)


def stamp_every() -> dt.timedelta:
    """How fresh the last-use stamp must be before a request writes it again (TOKEN_STAMP_SECONDS, default 60)."""
    return dt.timedelta(seconds=getattr(settings, "TOKEN_STAMP_SECONDS", 60))


def record_use(token: ApiToken, request) -> None:
    """Stamp last use and write a `token.use` audit event (at most once per token per AUDIT_EVERY).

    The stamp (time, IP, use count) is written when it is older than `stamp_every()` or the IP changed; uses in
    between are counted in this process and added at its next stamp. Writing it on every request made every API
    read a write on one row that all of a client's connections contend for."""
    now = timezone.now()
    ip = client_ip(request)
    every = stamp_every()
    if every and token.last_used_at is not None and token.last_used_ip == ip and now - token.last_used_at < every:
        _pending_uses[token.key_hash] = _pending_uses.get(token.key_hash, 0) + 1
    else:
        n = _pending_uses.pop(token.key_hash, 0) + 1
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip, uses=F("uses") + n)
        token.last_used_at, token.last_used_ip = now, ip
    if token.last_audit_at is not None and now - token.last_audit_at < AUDIT_EVERY:
        return
    with transaction.atomic():
        # Claim the slot atomically: of two concurrent requests only one writes the event.
        claimed = ApiToken.objects.filter(pk=token.pk).filter(Q(last_audit_at__isnull=True) | Q(last_audit_at__lte=now - AUDIT_EVERY)).update(last_audit_at=now)
        if claimed:
            token.last_audit_at = now
            audit.record(
                Actor(user=token.user),
                "token.use",
                token,
                data={"ip": ip, "method": request.method, "path": request.path[:200], "read_only": token.read_only},
            )


# --- the lookup: token, user and the user's grants in one query ---------------------------------------
_LOOKUP: tuple | None = None


def _lookup_sql() -> tuple:
    """(sql, token field names, user field names), built once from the models' metadata."""
    global _LOOKUP
    if _LOOKUP is None:
        from django.contrib.auth import get_user_model
        from django.db import connection

        from .models import RoleAssignment

        Org = RoleAssignment._meta.get_field("org").related_model
        User = get_user_model()
        tf = [f for f in ApiToken._meta.concrete_fields]
        uf = [f for f in User._meta.concrete_fields]
        ra, org = RoleAssignment._meta.db_table, Org._meta.db_table
        q = connection.ops.quote_name
        cols = [f"t.{q(f.column)}" for f in tf] + [f"u.{q(f.column)}" for f in uf] + ["ra.id", "ra.org_id", "o.name", "o.path", "ra.role"]
        sql = (
            f"SELECT {', '.join(cols)} FROM {ApiToken._meta.db_table} t "
            f"JOIN {User._meta.db_table} u ON u.{User._meta.pk.column} = t.user_id "
            f"LEFT JOIN ({ra} ra JOIN {org} o ON o.id = ra.org_id AND o.abolished_on IS NULL) "
            f"ON ra.user_id = u.{User._meta.pk.column} AND ra.revoked_at IS NULL "
            f"WHERE t.key_hash = %s ORDER BY o.path, ra.role"
        )
        _LOOKUP = (sql, [f.attname for f in tf], [f.attname for f in uf], User)
    return _LOOKUP


def lookup(key_hash: str, *, also: tuple[str, list] | None = None):
    """(token with its user, the user's grants) for a key hash, or None: one query on the primary, never cached,
    so a revoked token, a deactivated account or a withdrawn role counts from the next request on.

    The grants are those `Actor.for_user` reads (active grants at orgs not abolished, by path and role).

    `also`: (sql, params) of one more read the request will make on the primary, sent in the same round trip on
    PostgreSQL (two statements in one simple-protocol message); its rows are returned third: (token, grants, rows).
    They are read before anyone is authorized, so the caller uses them only once the request is (see
    `ApiTokenAuthentication`, `prefetched`)."""
    from django.db import connections

    from .actor import Grant

    sql, token_fields, user_fields, User = _lookup_sql()
    extra = None
    conn = connections[routing.PRIMARY]
    with conn.cursor() as cur:
        if also is not None and conn.vendor == "postgresql":
            cur.execute(f"{sql}; {also[0]}", [key_hash, *also[1]])
            records = cur.fetchall()
            cur.nextset()
            extra = cur.fetchall()
        else:
            cur.execute(sql, [key_hash])
            records = cur.fetchall()
    if not records:
        return None
    nt, nu = len(token_fields), len(user_fields)
    first = records[0]
    conn = connections[routing.PRIMARY]
    token_values = _convert(conn, ApiToken, token_fields, first[:nt])
    user_values = _convert(conn, User, user_fields, first[nt : nt + nu])
    token = ApiToken.from_db(routing.PRIMARY, token_fields, token_values)
    token.user = User.from_db(routing.PRIMARY, user_fields, user_values)
    grants = [Grant(r[nt + nu], r[nt + nu + 1], r[nt + nu + 2], r[nt + nu + 3], r[nt + nu + 4]) for r in records if r[nt + nu] is not None]
    return (token, grants) if also is None else (token, grants, extra)


_CONVERTERS: dict = {}


def _convert(conn, model, names, values) -> list:
    """The database's raw values as the model's fields hold them (the ORM's converters, core.rows)."""
    key = (conn.alias, model)
    convs = _CONVERTERS.get(key)
    if convs is None:
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        convs = _CONVERTERS[key] = rows.converters(conn, model, [by_attname[n] for n in names])
    return rows.convert(conn, convs, values)


def remember_grants(request, user, grants) -> None:
    """Hand the grants read with the token to `core.middleware.actor_for_request` (no second query)."""
    request._orgwork_token_grants = (user, grants)


def prefetched(request, also: tuple[str, list]):
    """The rows of the view's `read_with_token` statement, if they were read with the token for this request (the
    same statement and parameters), else None (SQLite, another authentication, no token): the view reads them itself.

    A DRF view may define `read_with_token(request) -> (sql, params) | None`: one read on the primary it will need,
    sent in the token lookup's round trip (core.tokens.lookup) — for the hottest small API reads."""
    got = getattr(getattr(request, "_request", request), "_orgwork_prefetched", None)
    if got is None or got[0] != also or got[1] is None:
        return None
    return got[1]


def refuses(token, method: str) -> bool:
    return isinstance(token, ApiToken) and token.read_only and method not in permissions.SAFE_METHODS


class TokenReadOnly(exceptions.PermissionDenied):
    default_detail = "此令牌为只读令牌，不能修改数据"
    default_code = "token_read_only"


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Token <key>` → (user, ApiToken). Unknown, expired, revoked → 401 with a stable code."""

    keyword = KEYWORD

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("令牌格式不正确：应为 Authorization: Token 令牌", code="token_invalid")
        try:
            key = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed("令牌格式不正确", code="token_invalid")
        view = (getattr(request, "parser_context", None) or {}).get("view")
        also = view.read_with_token(request) if hasattr(view, "read_with_token") else None
        found = lookup(hash_key(key), also=also)
        if found is None:
            raise exceptions.AuthenticationFailed("令牌无效", code="token_invalid")
        token, grants, *extra = found
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("令牌已被吊销", code="token_revoked")
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed("令牌已过期，请在“我的账号”中重新生成", code="token_expired")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("账号已停用", code="user_inactive")
        with routing.unpinned():  # housekeeping: a token's last-use stamp does not pin its reads to the primary
            record_use(token, request)
        if refuses(token, request.method):
            # Also enforced here, so a view that sets its own permission_classes cannot forget it.
            raise TokenReadOnly()
        # The user's grants came with the token (same query, same moment): the actor is built from them.
        remember_grants(getattr(request, "_request", request), token.user, grants)
        if also is not None:  # authenticated: the view may now use what was read with the token
            getattr(request, "_request", request)._orgwork_prefetched = (also, extra[0])
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class ReadOnlyTokenPermission(permissions.BasePermission):
    """Read-only tokens may only read: unsafe methods answer 403 `token_read_only`."""

    message = TokenReadOnly.default_detail
    code = TokenReadOnly.default_code

    def has_permission(self, request, view):
        return not refuses(request.auth, request.method)


try:  # the OpenAPI schema names the scheme (drf-spectacular finds extensions by subclassing)
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    class ApiTokenScheme(OpenApiAuthenticationExtension):
        target_class = "orgwork.core.tokens.ApiTokenAuthentication"
        name = "tokenAuth"

        def get_security_definition(self, auto_schema):
            return {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "“Token ” 加令牌（在“我的账号 → API 令牌”生成，或 manage.py issue_token）。只读令牌只能用 GET/HEAD/OPTIONS。",
            }

except ImportError:  # pragma: no cover
    pass
