"""Sign-ins in the audit trail: every successful sign-in and every failed attempt (the account name tried and the
address — never the password)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from . import audit
from .actor import Actor
from .clientip import client_ip

USERNAME_MAX = 150


@receiver(user_logged_in, dispatch_uid="orgwork.core.signin_audit.ok")
def signed_in(sender, request, user, **kwargs):
    ip = client_ip(request) if request is not None else None
    with transaction.atomic():  # audit events are written inside a transaction (the sign-in view has none of its own)
        audit.record(Actor.system_actor(user.get_username()), "user.sign_in", user, data={"username": user.get_username(), "ip": ip})


@receiver(user_login_failed, dispatch_uid="orgwork.core.signin_audit.failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    User = get_user_model()
    username = str((credentials or {}).get(User.USERNAME_FIELD) or (credentials or {}).get("username") or "")[:USERNAME_MAX]
    ip = client_ip(request) if request is not None else None
    user = User.objects.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    entry = audit.Entry(
        action="user.sign_in_failed", object_type="auth.user", object_id=str(user.pk) if user else "", object_repr=username,
        data={"username": username, "ip": ip, "known_account": user is not None},
    )  # fmt: skip
    with transaction.atomic():
        audit.record_many(Actor.system_actor("system:sign-in"), [entry])
