"""The one gate every request passes: signed in → second factor → audience → scope.

`GateMiddleware` (in settings.MIDDLEWARE) runs for every resolved URL before its view. It reads the view's declared
audience and fails closed: a route whose view declares none answers 403 (and the URL-walk test fails).

Declare the audience with one decorator per view (function views get the actor as their second argument):

    from orgwork.core import gate

    @gate.staff            # the console: staff and secretaries with a scope; not the member role alone
    def ledger(request, actor): ...

    @gate.member           # the member's own pages (any signed-in person; reads only their own data)
    @gate.account          # account pages (password, second factor, tokens, inbox)
    @gate.public           # no account: the portal, 12380 intake, health check
    @gate.auth_flow        # sign-in, second-factor prompt, logout: reachable before the second factor

Class-based views set `gate_audience = gate.STAFF` (etc.) as a class attribute. Django REST framework views default
to `gate.STAFF` (the API is the console's machine path); a public API view sets `gate_audience = gate.PUBLIC`.

Session requests are checked here. A request carrying `Authorization: Token …` is authenticated by DRF inside the
view; `GatePermission` (DRF's default permission) applies the same audience rules there. Tokens are issued only
after a verified sign-in, so a token counts as second-factor verified.

Scope: the gate checks that a staff actor has a scope at all; objects are looked up through `core.scope`, which
raises `NotFound` out of scope — the middleware turns it into a 404 on every route.
"""

from __future__ import annotations

import re
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import user_has_device

from .errors import NotFound, PermissionDenied
from .middleware import actor_for_request
from .models import Role

PUBLIC = "public"
AUTH_FLOW = "auth_flow"
ACCOUNT = "account"
MEMBER = "member"
STAFF = "staff"
ADMIN = "admin"

AUDIENCES = (PUBLIC, AUTH_FLOW, ACCOUNT, MEMBER, STAFF, ADMIN)
AUDIENCE_LABELS = {
    PUBLIC: "公众（无需登录）",
    AUTH_FLOW: "登录流程（第二因素之前）",
    ACCOUNT: "已登录本人（账户页）",
    MEMBER: "党员本人页面",
    STAFF: "工作人员控制台（组织部、党组织书记）",
    ADMIN: "系统管理员",
}


# --- who the actor is, for the audience check --------------------------------------------------------
def is_member_only(actor) -> bool:
    """The 党员 role alone: the member's own phone pages, not the console."""
    if actor.unrestricted:
        return False
    grants = actor.effective_grants
    return bool(grants) and all(g.role == Role.MEMBER for g in grants)


def needs_second_factor(request) -> bool:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return False
    verified = getattr(user, "is_verified", None)
    return bool(verified is not None and not verified() and user_has_device(user))


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- declaring a view's audience ----------------------------------------------------------------------
def _declare(audience: str, *, inject_actor: bool):
    def deco(view):
        if inject_actor:

            @wraps(view)
            def inner(request, *args, **kwargs):
                return view(request, actor_for_request(request), *args, **kwargs)

        else:
            inner = view
        inner.gate_audience = audience
        return inner

    return deco


staff = _declare(STAFF, inject_actor=True)
member = _declare(MEMBER, inject_actor=True)
account = _declare(ACCOUNT, inject_actor=True)
public = _declare(PUBLIC, inject_actor=False)
auth_flow = _declare(AUTH_FLOW, inject_actor=False)


def audience_of(view_func) -> str | None:
    """The declared audience of a resolved view callable, or None (undeclared → refused)."""
    aud = getattr(view_func, "gate_audience", None)
    if aud:
        return aud
    cls = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
    if cls is not None:
        aud = getattr(cls, "gate_audience", None)
        if aud:
            return aud
        try:
            from rest_framework.views import APIView
        except ImportError:  # pragma: no cover
            APIView = None
        if APIView is not None and issubclass(cls, APIView):
            return STAFF
    return None


def _carrier(view, audience: str):
    @wraps(view)
    def inner(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    inner.gate_audience = audience
    return inner


def declare_urls(patterns, audience: str):
    """Give every view under `patterns` that declares nothing the audience (used for Django's admin site)."""
    from django.urls import URLPattern, URLResolver

    for p in patterns:
        if isinstance(p, URLResolver):
            declare_urls(p.url_patterns, audience)
        elif isinstance(p, URLPattern) and audience_of(p.callback) is None:
            try:
                p.callback.gate_audience = audience
            except AttributeError:  # a bound method: wrap it in a function that can carry the declaration
                p.callback = _carrier(p.callback, audience)
    return patterns


# --- the checks ----------------------------------------------------------------------------------------
class Refusal(Exception):
    def __init__(self, status: int, code: str, message: str, *, redirect_to: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.redirect_to = status, code, message, redirect_to


def check(request, audience: str | None, *, via_token: bool = False) -> None:
    """Raise Refusal when the request may not reach a view of this audience."""
    if audience is None:
        raise Refusal(403, "route_not_declared", _("此页面未声明访问范围，已拒绝访问。"))
    if audience == PUBLIC or audience == AUTH_FLOW:
        return
    user = request.user
    if not getattr(user, "is_authenticated", False):
        raise Refusal(401, "not_authenticated", _("请先登录。"), redirect_to="login")
    if not user.is_active:
        raise Refusal(403, "account_disabled", _("账号已停用。"))
    if not via_token and needs_second_factor(request):
        raise Refusal(403, "second_factor_required", _("请先完成第二因素（动态口令）验证。"), redirect_to="otp")
    if audience in (ACCOUNT, MEMBER):
        return
    if audience == ADMIN:
        if not user.is_superuser:
            raise Refusal(403, "not_admin", _("仅系统管理员可访问。"))
        return
    if audience == STAFF:
        actor = actor_for_request(request)
        if is_member_only(actor):
            raise Refusal(403, "staff_only", _("此页面仅供工作人员使用。"), redirect_to="me")
        if not actor.unrestricted and not actor.subtree_paths():
            raise Refusal(403, "no_scope", _("您没有任何党组织的管理范围。"))
        return
    raise Refusal(403, "route_not_declared", _("此页面未声明访问范围，已拒绝访问。"))


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _refuse(request, refusal: Refusal):
    if _is_api(request):
        return JsonResponse({"code": refusal.code, "message": refusal.message}, status=refusal.status, json_dumps_params={"ensure_ascii": False})
    if refusal.redirect_to == "login":
        return redirect_to_login(request.get_full_path())
    if refusal.redirect_to == "otp":
        return redirect(reverse("web:otp_verify") + "?" + urlencode({"next": request.get_full_path()}))
    if refusal.redirect_to == "me" and request.method in ("GET", "HEAD"):
        return redirect("web:me")
    raise DjangoPermissionDenied(refusal.message)


class GateMiddleware:
    """Runs the gate for every resolved view; turns NotFound (out of scope) into 404 everywhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        audience = audience_of(view_func)
        request.gate_audience = audience
        if _is_api(request) and request.headers.get("Authorization") and audience != PUBLIC:
            # DRF authenticates the token inside the view; GatePermission applies the audience there.
            if audience is None:
                return _refuse(request, Refusal(403, "route_not_declared", _("此页面未声明访问范围，已拒绝访问。")))
            return None
        try:
            check(request, audience)
        except Refusal as refusal:
            return _refuse(request, refusal)
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            if _is_api(request):
                return JsonResponse({"code": "not_found", "message": str(exception) or _("未找到。")}, status=404, json_dumps_params={"ensure_ascii": False})
            raise Http404(str(exception)) from None
        if isinstance(exception, PermissionDenied):
            if _is_api(request):
                return JsonResponse({"code": getattr(exception, "code", "permission_denied"), "message": str(exception)}, status=403, json_dumps_params={"ensure_ascii": False})
            raise DjangoPermissionDenied(str(exception)) from None
        return None


# --- the same rules for DRF (token requests) -----------------------------------------------------------
try:
    from rest_framework.permissions import BasePermission
except ImportError:  # pragma: no cover
    BasePermission = object


class GatePermission(BasePermission):
    """DRF's default permission: the gate's audience rules for requests DRF authenticated (tokens, sessions)."""

    message = gettext_lazy("无权访问。")

    def has_permission(self, request, view):
        audience = getattr(view, "gate_audience", None) or STAFF
        if audience == PUBLIC:
            return True
        via_token = request.successful_authenticator is not None and request.successful_authenticator.__class__.__name__ != "SessionAuthentication"
        # DRF's request.user is the authenticated user; the Django request under it carries the OTP state.
        django_request = request._request
        if via_token:
            # A token request: the actor is the token's user, not whatever a session said.
            django_request.user = request.user
            django_request._orgwork_actor = None
        elif request.user is None:
            raise_refusal = Refusal(401, "not_authenticated", _("请先登录。"))
            from rest_framework import exceptions

            raise exceptions.NotAuthenticated(raise_refusal.message, code=raise_refusal.code)
        try:
            check(django_request, audience, via_token=via_token)
        except Refusal as refusal:
            from rest_framework import exceptions

            exc = exceptions.NotAuthenticated(refusal.message) if refusal.status == 401 else exceptions.PermissionDenied(refusal.message)
            exc.default_code = refusal.code
            exc.detail = exceptions.ErrorDetail(refusal.message, code=refusal.code)
            raise exc
        return True


def api_docs_audience() -> str:
    """/api/schema/ and /api/docs/: signed-in staff unless the deployment opens them (API_DOCS_PUBLIC=1)."""
    return PUBLIC if getattr(settings, "API_DOCS_PUBLIC", False) else STAFF


# --- the route table (docs/audiences.md and the URL-walk test) -------------------------------------------
def walk_routes(patterns=None, prefix: str = "", namespace: str = ""):
    """Yield (route, url name, view callable) for every URL the project serves."""
    from django.urls import URLPattern, URLResolver, get_resolver

    if patterns is None:
        patterns = get_resolver().url_patterns
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from walk_routes(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            yield prefix + str(p.pattern), name, p.callback


def render_audience_table() -> str:
    lines = [
        "# Who may open each page — 页面访问范围",
        "",
        "Generated from the URL resolver by `python manage.py gate_table`; a test fails when it is out of date.",
        "Every request passes `orgwork/core/gate.py`: signed in → second factor (where the user has a device) → audience → scope.",
        "Objects are then read through `core.scope` (out of scope = 404). Django admin routes (`sysadmin/`) are summarised in one row.",
        "",
        "| audience | meaning |",
        "|---|---|",
    ]
    lines += [f"| `{a}` | {AUDIENCE_LABELS[a]} |" for a in AUDIENCES]
    lines += ["", "| route | name | audience |", "|---|---|---|"]
    admin_count = 0
    for route, name, view in walk_routes():
        aud = audience_of(view) or "**undeclared**"
        if route.startswith("sysadmin/"):
            admin_count += 1
            continue
        if "(?P<format>" in route or "<drf_format_suffix" in route:
            continue  # DRF's ".json" variants of the route above
        readable = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route).replace("^", "").replace("$", "")
        lines.append(f"| `/{readable}` | `{name}` | {aud} |")
    lines.append(f"| `/sysadmin/…` ({admin_count} routes) | `admin:*` | {ADMIN} |")
    return "\n".join(lines) + "\n"
