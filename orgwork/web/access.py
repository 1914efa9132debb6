"""What every console view does before its handler: sign-in, second factor, audience, scope errors."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from orgwork.core.errors import NotFound
from orgwork.core.middleware import actor_for_request
from orgwork.core.models import Role


def is_member_only(actor) -> bool:
    """The 党员 role alone: the member's own phone pages, not the console."""
    if actor.unrestricted:
        return False
    grants = actor.effective_grants
    return bool(grants) and all(g.role == Role.MEMBER for g in grants)


def needs_second_factor(request) -> bool:
    user = request.user
    verified = getattr(user, "is_verified", None)
    return bool(verified is not None and not verified() and user_has_device(user))


def _gate(request, *, staff: bool):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if needs_second_factor(request):
        return redirect(reverse("web:otp_verify") + "?" + urlencode({"next": request.get_full_path()}))
    actor = actor_for_request(request)
    if staff:
        if is_member_only(actor):
            return redirect("web:me")
        if not actor.unrestricted and not actor.subtree_paths():
            raise PermissionDenied
    return None


def _wrap(staff: bool):
    def deco(view):
        @wraps(view)
        def inner(request, *args, **kwargs):
            early = _gate(request, staff=staff)
            if early is not None:
                return early
            try:
                return view(request, actor_for_request(request), *args, **kwargs)
            except NotFound:
                raise Http404 from None

        return inner

    return deco


console_view = _wrap(staff=True)  # staff and branch secretaries
signed_in_view = _wrap(staff=False)  # anyone signed in (account pages, the member's own view)


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"
