"""Forgotten password: a code sent by email or SMS (reachable before sign-in), or a temporary password set by an
administrator. Rate-limited and audited in `web.services`."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from orgwork.core import gate
from orgwork.core.clientip import client_ip
from orgwork.core.errors import NotFound, ServiceError

from . import services as web_services
from .forms import ResetVerifyForm, UsernameForm


def _ip(request) -> str | None:
    return client_ip(request)


@gate.auth_flow
def forgot(request):
    """Step 1: the account name; a code goes to its email and/or the linked member's phone."""
    errors, sent, asked, status = None, [], False, 200
    form = UsernameForm(request.POST)
    username = form.choice("username", "")
    if request.method == "POST":
        if not form.is_valid():
            errors, status = [(e.field, e.message) for e in form.field_errors()], 400
        elif not username:
            errors, status = [("username", _("请填写用户名"))], 400
        else:
            try:
                sent = web_services.request_reset_code(username=username, ip=_ip(request))
                asked = True
            except ServiceError as exc:
                errors = [(e.field, e.message) for e in exc.errors]
                status = 429 if isinstance(exc, web_services.RateLimited) else 400
        if asked:
            request.session["reset_username"] = username
            request.session["reset_sent"] = sent
            return redirect("web:password_reset_verify")
    return render(request, "web/account/forgot.html", {"errors": errors, "username": username}, status=status if errors else 200)


@gate.auth_flow
def forgot_verify(request):
    """Step 2: the code and the new password."""
    username = request.session.get("reset_username", "")
    sent = request.session.get("reset_sent", [])
    errors = None
    if request.method == "POST":
        form = ResetVerifyForm(request.POST)
        try:
            d = form.values()
            username = d["username"] or username
            p1, p2 = d["new_password1"], d["new_password2"]
            if not p1:
                raise ServiceError.single("new_password1", "required", _("请填写新密码"))
            if p1 != p2:
                raise ServiceError.single("new_password2", "mismatch", _("两次输入的新密码不一致"))
            web_services.reset_with_code_counted(username=username, code=d["code"], new_password=p1, ip=_ip(request))
        except ServiceError as exc:
            errors = [(e.field, e.message) for e in exc.errors]
        else:
            request.session.pop("reset_username", None)
            request.session.pop("reset_sent", None)
            messages.success(request, _("密码已重设，请用新密码登录"))
            return redirect("web:login")
    return render(request, "web/account/forgot_verify.html", {"errors": errors, "username": username, "sent": sent}, status=400 if errors else 200)


@gate.staff
def admin_reset(request, actor):
    """An administrator resets someone's password to a temporary one, shown once to hand over in person."""
    form = UsernameForm(request.POST)
    errors, temp, username = None, None, form.choice("username", "")
    if request.method == "POST":
        try:
            form.values()
            temp = web_services.admin_reset_password(actor=actor, username=username)
        except NotFound:
            errors = [("username", _("没有该账号，或该账号不在您的管理范围内"))]
        except ServiceError as exc:
            errors = [(e.field, e.message) for e in exc.errors]
    return render(
        request, "web/account/admin_reset.html",
        {"errors": errors, "temp": temp, "username": username, "crumbs": [(_("我的账号"), reverse("web:account")), (_("重设他人密码"), "")]},
        status=400 if errors else 200,
    )  # fmt: skip
