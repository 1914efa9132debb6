"""Console pages: sign-in, home, the scope switcher, the account pages and the error pages."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from orgwork.core import gate, params, registry, tokens
from orgwork.core.errors import NotFound, ServiceError
from orgwork.core.middleware import ACTIVE_GRANT_SESSION_KEY
from orgwork.members import selectors as member_selectors
from orgwork.members.selectors import STATUS_LABELS
from orgwork.orgs import selectors as org_selectors
from orgwork.orgs.models import BRANCH_KINDS, OrgKind

from . import services as web_services
from .forms import ApiTokenForm, NextForm, PasswordForm, RemoveTotpForm, RevokeTokenForm, SwitchScopeForm, TokenCodeForm, apply_service_errors


class LoginView(auth_views.LoginView):
    gate_audience = gate.AUTH_FLOW
    template_name = "web/login.html"
    redirect_authenticated_user = True


@gate.public
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True, "database": connection.vendor})


def _safe_next(request, fallback: str) -> str:
    target = NextForm(request.POST).choice("next", "") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


# --- home -----------------------------------------------------------------------------------------
@gate.staff
def home(request, actor):
    kinds = org_selectors.kind_counts(actor)
    status = org_selectors.member_status_counts(actor)
    org_cards = [(value, label, kinds.get(value, 0)) for value, label in OrgKind.choices if kinds.get(value)]
    member_cards = [
        ("normal", STATUS_LABELS["normal"], status["normal"]),
        ("full", STATUS_LABELS["full"], status["full"]),
        ("probationary", STATUS_LABELS["probationary"], status["probationary"]),
        ("lost_contact", STATUS_LABELS["lost_contact"], status["lost_contact"]),
        ("suspended", STATUS_LABELS["suspended"], status["suspended"]),
    ]
    items = registry.collect_attention(actor)
    return render(
        request,
        "web/home.html",
        {
            "org_cards": org_cards,
            "org_total": sum(kinds.values()),
            "member_cards": member_cards,
            "attention": params.paginate(request.GET, items, size=60, name="apage"),
            "attention_total": len(items),
        },
    )


# --- scope switcher -------------------------------------------------------------------------------
@require_POST
@gate.account
def switch_scope(request, actor):
    raw = SwitchScopeForm(request.POST).choice("grant", "")
    if raw in ("", "all"):
        request.session.pop(ACTIVE_GRANT_SESSION_KEY, None)
    else:
        try:
            grant_id = int(raw)
        except ValueError:
            grant_id = None
        if grant_id is None or not any(g.id == grant_id for g in actor.grants):
            messages.error(request, _("无效的范围"))
            return redirect("web:home")
        request.session[ACTIVE_GRANT_SESSION_KEY] = grant_id
    request._orgwork_actor = None
    # Detail pages may fall outside the new scope: continue on the same list, otherwise on home.
    return redirect(_safe_next(request, reverse("web:home")))


# --- account --------------------------------------------------------------------------------------
@gate.account
def password_change(request, actor):
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            web_services.change_password(
                actor=actor, request=request, old_password=form.cleaned_data["old_password"], new_password=form.cleaned_data["new_password1"]
            )
        except ServiceError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("密码已修改"))
            return redirect("web:account")
    return render(request, "web/account/password.html", {"form": form, "crumbs": [(_("我的账号"), reverse("web:account")), (_("修改密码"), "")]})


@gate.account
def account(request, actor):
    return render(
        request,
        "web/account/index.html",
        {
            "has_otp": user_has_device(request.user),
            "has_token": tokens.tokens_for(request.user).filter(revoked_at__isnull=True).exists(),
            "can_reset_others": actor.has_role("sysadmin", "dept_admin", "org_admin"),
            "crumbs": [(_("我的账号"), "")],
        },
    )


def _qr_svg(data: str) -> str:
    img = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buf = io.BytesIO()
    img.save(buf)
    svg = buf.getvalue().decode("utf-8")
    return svg[svg.index("<svg") :]  # drop the XML declaration for inline use


@gate.account
def otp_setup(request, actor):
    """TOTP enrolment: scan the QR code, type the code shown, and the device is confirmed."""
    if not request.user.is_staff:
        messages.info(request, _("两步验证用于工作人员账号"))
        return redirect("web:account")
    crumbs = [(_("我的账号"), reverse("web:account")), (_("两步验证"), "")]
    if request.method == "POST" and RemoveTotpForm(request.POST).choice("remove", False):
        web_services.remove_totp(actor=actor)
        messages.success(request, _("已停用两步验证"))
        return redirect("web:account")
    if user_has_device(request.user):
        return render(request, "web/account/otp.html", {"enrolled": True, "crumbs": crumbs})
    form = TokenCodeForm(request.POST or None)
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("-id").first()
    if request.method == "POST" and device is not None and form.is_valid():
        try:
            device = web_services.confirm_totp(actor=actor, device_id=device.pk, token=form.cleaned_data["token"])
        except ServiceError as exc:
            apply_service_errors(form, exc)
        else:
            otp_login(request, device)
            messages.success(request, _("两步验证已启用，今后登录时需输入验证码"))
            return redirect("web:account")
    if device is None:
        device = web_services.start_totp(actor=actor)
    secret = device.config_url.split("secret=")[1].split("&")[0]
    return render(
        request,
        "web/account/otp.html",
        {"enrolled": False, "form": form, "qr": _qr_svg(device.config_url), "secret": secret, "crumbs": crumbs},
    )


@gate.auth_flow
def otp_verify(request):
    """After the password: the second factor for accounts that enrolled one."""
    if not request.user.is_authenticated:
        return redirect("web:login")
    target = _safe_next(request, reverse("web:home"))
    if request.user.is_verified() or not user_has_device(request.user):
        return redirect(target)
    form = TokenCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].strip())
        if device is not None:
            otp_login(request, device)
            return redirect(target)
        form.add_error("token", _("验证码不正确"))
    return render(request, "web/account/otp_verify.html", {"form": form, "next": target})


@gate.account
def api_token(request, actor):
    """Issue (shown once), list and revoke the user's API tokens. Reached only after the full sign-in (second
    factor included: the gate's `account` audience); issuing also asks for the password again."""
    from django.contrib.auth import authenticate

    key = None
    form = ApiTokenForm(initial={"days": tokens.default_days(), "read_only": True})
    revoke = RevokeTokenForm(request.POST) if request.method == "POST" else None
    if revoke is not None and (not revoke.is_valid() or revoke.cleaned_data["revoke"]):
        try:
            tokens.revoke(actor=actor, token_id=revoke.values()["revoke"])
        except (ServiceError, NotFound):
            raise Http404 from None
        messages.success(request, _("令牌已吊销"))
        return redirect("web:api_token")
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            user = authenticate(request, username=request.user.get_username(), password=form.cleaned_data["password"])
            if user is None or user.pk != request.user.pk:
                form.add_error("password", _("密码不正确"))
            else:
                try:
                    _token, key = tokens.issue(
                        actor=actor,
                        user=request.user,
                        name=form.cleaned_data["name"],
                        read_only=form.cleaned_data["read_only"],
                        days=form.cleaned_data["days"],
                        second_factor_verified=bool(getattr(request.user, "is_verified", lambda: False)()),
                    )
                except ServiceError as exc:
                    apply_service_errors(form, exc)
                else:
                    form = ApiTokenForm(initial={"days": tokens.default_days(), "read_only": True})
    return render(
        request,
        "web/account/token.html",
        {
            "key": key,
            "form": form,
            "tokens": tokens.tokens_for(request.user).filter(revoked_at__isnull=True, expires_at__gt=timezone.now()),
            "inactive": tokens.tokens_for(request.user).exclude(revoked_at__isnull=True, expires_at__gt=timezone.now()).count(),
            "crumbs": [(_("我的账号"), reverse("web:account")), (_("API 令牌"), "")],
        },
    )


# --- errors ---------------------------------------------------------------------------------------
# Chinese pages in the console's style. 403/404 render inside the console frame (navigation included); 400, 500
# and the CSRF failure render a bare page that needs no database, no session and no static-file manifest — the
# error may be the database itself, or a request too broken to identify anyone. Under /api/ the answer is JSON
# with a stable code, like every other API error.


def _api(request) -> bool:
    return request.path.startswith("/api/")


def _json_error(status: int, code: str, message: str):
    return JsonResponse({"code": code, "message": message}, status=status, json_dumps_params={"ensure_ascii": False})


def _bare(status: int, title: str, text: str):
    from django.conf import settings
    from django.http import HttpResponse
    from django.template import loader

    html = loader.get_template("web/error_bare.html").render({"code": status, "title": title, "text": text, "css": f"{settings.STATIC_URL}web/css/console.css"})
    return HttpResponse(html, status=status)


def error_400(request, exception=None):
    if _api(request):
        return _json_error(400, "bad_request", _("请求格式不正确。"))
    return _bare(400, _("请求有误"), _("请求格式不正确或地址不被接受，请返回首页重新操作。"))


def error_403(request, exception=None):
    if _api(request):
        return _json_error(403, "permission_denied", _("您没有执行此操作的权限"))
    return render(request, "web/error.html", {"code": 403, "title": _("没有权限"), "text": _("您没有访问此页面的权限。")}, status=403)


def error_404(request, exception=None):
    if _api(request):
        return _json_error(404, "not_found", _("对象不存在或不在您的管理范围内"))
    return render(request, "web/error.html", {"code": 404, "title": _("页面不存在"), "text": _("您要找的内容不存在，或不在您的管理范围内。")}, status=404)


def error_500(request):
    if _api(request):
        return _json_error(500, "server_error", _("服务器处理请求时出错，请稍后再试或联系系统管理员。"))
    return _bare(500, _("系统出错"), _("服务器处理请求时出错，请稍后再试或联系系统管理员。"))


def csrf_failure(request, reason=""):
    """settings.CSRF_FAILURE_VIEW: an expired form or a cross-site post (Django's own page is English)."""
    if _api(request):
        return _json_error(403, "csrf_failed", _("安全校验失败（CSRF），请刷新页面后重试。"))
    return _bare(403, _("安全校验失败"), _("页面已过期或来源不明（CSRF 校验失败）。请返回上一页，刷新后重新提交。"))


# --- the member's own pages (党员 role) -----------------------------------------------------------
@gate.member
def me(request, actor):
    records = list(member_selectors.own_records(actor))
    history = {m.pk: list(member_selectors.status_history(actor, m)) for m in records}
    officer_posts = []
    for m in records:
        officer_posts += [p for p in m.posts.all() if p.ended_on is None]
        m.org_path = org_selectors.full_path_names(m.org)
        m.history = history[m.pk]
        m.is_branch = m.org.kind in BRANCH_KINDS
    return render(request, "web/me.html", {"records": records, "posts": officer_posts})
