"""Account writes made from the console (password, TOTP device): one transaction, audited."""

from __future__ import annotations

from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from orgwork.core import audit
from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError


@transaction.atomic
def change_password(*, actor: Actor, request, old_password: str, new_password: str) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = actor.user
    if not user.check_password(old_password):
        raise ServiceError.single("old_password", "bad_password", "原密码不正确")
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ServiceError.single("new_password1", "weak_password", "；".join(exc.messages)) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
    update_session_auth_hash(request, user)  # stay signed in on this device
    audit.record(actor, "user.password_change", user, data={"username": user.get_username()})


@transaction.atomic
def start_totp(*, actor: Actor) -> TOTPDevice:
    """An unconfirmed device whose secret the user scans; it counts only once confirmed with a code."""
    TOTPDevice.objects.filter(user=actor.user, confirmed=False).delete()  # stale, never-used secrets
    return TOTPDevice.objects.create(user=actor.user, name="身份验证器", confirmed=False)


@transaction.atomic
def confirm_totp(*, actor: Actor, device_id: int, token: str) -> TOTPDevice:
    device = TOTPDevice.objects.select_for_update().filter(user=actor.user, pk=device_id, confirmed=False).first()
    if device is None:
        raise ServiceError.single("token", "expired", "绑定已过期，请刷新页面重新扫码")
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit() or not device.verify_token(token):
        raise ServiceError.single("token", "bad_token", "验证码不正确，请核对手机上的6位数字后重试")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(actor, "user.totp_enrol", actor.user, data={"device": device.pk})
    return device


@transaction.atomic
def remove_totp(*, actor: Actor) -> int:
    devices = TOTPDevice.objects.filter(user=actor.user)
    n = devices.count()
    devices.delete()  # a credential, not a record
    if n:
        audit.record(actor, "user.totp_remove", actor.user, data={"devices": n})
    return n
