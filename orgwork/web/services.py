"""Account writes made from the console (password, TOTP device): one transaction, audited."""

from __future__ import annotations

from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from orgwork.core import audit
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, ServiceError


@transaction.atomic
def change_password(*, actor: Actor, request, old_password: str, new_password: str) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = actor.user
    if not user.check_password(old_password):
        raise ServiceError.single("old_password", "bad_password", _("原密码不正确"))
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
        raise ServiceError.single("token", "expired", _("绑定已过期，请刷新页面重新扫码"))
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit() or not device.verify_token(token):
        raise ServiceError.single("token", "bad_token", _("验证码不正确，请核对手机上的6位数字后重试"))
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


# --- forgotten password -------------------------------------------------------------------------
# A code sent to the email address on the account and/or the phone of the member linked to it, or a temporary
# password set by an administrator. Rate-limited per account and per address; every step audited.


def _reset_settings():
    from django.conf import settings

    return {
        "ttl": int(getattr(settings, "PASSWORD_RESET_CODE_MINUTES", 15)),
        "per_user": int(getattr(settings, "PASSWORD_RESET_MAX_PER_HOUR", 3)),
        "per_ip": int(getattr(settings, "PASSWORD_RESET_MAX_PER_IP_HOUR", 10)),
        "tries": int(getattr(settings, "PASSWORD_RESET_MAX_TRIES", 5)),
    }


def _mask_email(address: str) -> str:
    name, _at, domain = address.partition("@")
    return f"{name[:1]}***@{domain}"


def _mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"


def reset_destinations(user) -> dict[str, str]:
    """Where a code can go: the account's email, the phone of the member record linked to the account."""
    from orgwork.core.sms import SmsError, normalize_phone
    from orgwork.members.models import Member

    out = {}
    if user.email:
        out["email"] = user.email
    phone = Member.objects.filter(user=user).exclude(phone="").values_list("phone", flat=True).first()
    if phone:
        try:
            out["sms"] = normalize_phone(phone)
        except SmsError:
            pass
    return out


class RateLimited(ServiceError):
    pass


@transaction.atomic
def request_reset_code(*, username: str, ip: str | None) -> list[str]:
    """Send a 6-digit code to the account's email and/or phone. Returns the masked destinations (empty when the
    account is unknown or has none: the page says the same either way, so it reveals no account)."""
    import secrets
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.mail import send_mail
    from django.utils import timezone

    from orgwork.core.models import PasswordResetCode
    from orgwork.core.sms import SmsError, gateway

    conf = _reset_settings()
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    if ip and PasswordResetCode.objects.filter(requested_ip=ip, created_at__gte=hour_ago).count() >= conf["per_ip"]:
        raise RateLimited.single("username", "rate_limited", _("请求过于频繁，请一小时后再试"))
    user = get_user_model().objects.filter(username=(username or "").strip(), is_active=True).first()
    system = Actor.system_actor("找回密码")
    if user is None:
        return []
    if PasswordResetCode.objects.filter(user=user, created_at__gte=hour_ago).count() >= conf["per_user"]:
        raise RateLimited.single("username", "rate_limited", _("该账号一小时内最多获取%(per_user)s次验证码，请稍后再试") % {"per_user": conf['per_user']})
    where = reset_destinations(user)
    if not where:
        audit.record(system, "user.password_reset_unreachable", user, data={"username": user.get_username(), "ip": ip})
        return []
    code = f"{secrets.randbelow(10**6):06d}"
    PasswordResetCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)  # one live code at a time
    PasswordResetCode.objects.create(
        user=user, code_hash=make_password(code), channels=",".join(sorted(where)), requested_ip=ip, expires_at=now + timedelta(minutes=conf["ttl"])
    )
    text = _("您正在找回组工云账号“%(username)s”的密码，验证码 %(code)s，%(minutes)s分钟内有效。如非本人操作，请忽略并告知管理员。") % {
        "username": user.get_username(), "code": code, "minutes": conf["ttl"],
    }
    sent = []
    if "email" in where:
        send_mail(_("【组工云】找回密码验证码"), text, None, [where["email"]], fail_silently=False)
        sent.append(_mask_email(where["email"]))
    if "sms" in where:
        try:
            gateway().send(phone=where["sms"], text=_("【组工云】%(text)s") % {"text": text})
            sent.append(_mask_phone(where["sms"]))
        except SmsError:
            if not sent:
                raise ServiceError.single("username", "send_failed", _("验证码短信发送失败，请稍后再试或联系管理员")) from None
    audit.record(system, "user.password_reset_code", user, data={"username": user.get_username(), "channels": sorted(where), "ip": ip})
    return sent


@transaction.atomic
def reset_with_code(*, username: str, code: str, new_password: str, ip: str | None = None):
    """Set a new password with the code; the code is used once, expires, and allows a few wrong tries."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import check_password
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from orgwork.core.models import PasswordResetCode

    conf = _reset_settings()
    bad = ServiceError.single("code", "bad_code", _("验证码不正确或已失效，请重新获取"))
    user = get_user_model().objects.filter(username=(username or "").strip(), is_active=True).first()
    if user is None:
        raise bad
    row = PasswordResetCode.objects.select_for_update().filter(user=user, used_at__isnull=True, expires_at__gt=timezone.now()).order_by("-id").first()
    code = (code or "").strip()
    if row is None or row.attempts >= conf["tries"]:
        raise bad
    if not code.isdigit() or not check_password(code, row.code_hash):
        # counted by `reset_with_code_counted` after this transaction rolls back
        raise _CountedFailure(row.pk, row.attempts + 1, conf["tries"])
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ServiceError.single("new_password1", "weak_password", "；".join(exc.messages)) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    try:
        from axes.utils import reset as axes_reset

        axes_reset(username=user.get_username())  # a locked-out account can sign in with its new password
    except Exception:  # axes not installed or nothing to reset
        pass
    audit.record(Actor.for_user(user), "user.password_reset", user, data={"username": user.get_username(), "by": "code", "channels": row.channels, "ip": ip})
    return user


class _CountedFailure(ServiceError):
    def __init__(self, code_id: int, attempts: int, tries: int):
        self.code_id, self.attempts = code_id, attempts
        left = max(tries - attempts, 0)
        super().__init__([FieldError("code", "bad_code", (_("验证码不正确，还可以再试%(left)s次") % {"left": left}) if left else (_("验证码不正确，已失效，请重新获取")))])


def reset_with_code_counted(**kwargs):
    """`reset_with_code`, keeping the count of wrong tries although the failing request rolls back."""
    from orgwork.core.models import PasswordResetCode

    try:
        return reset_with_code(**kwargs)
    except _CountedFailure as exc:
        PasswordResetCode.objects.filter(pk=exc.code_id).update(attempts=exc.attempts)
        raise


def can_reset_for(actor: Actor, user) -> bool:
    """An administrator resets the password of accounts within the scope they administer."""
    from orgwork.core.models import Role, RoleAssignment

    if actor.unrestricted:
        return True
    if not actor.has_role(Role.SYSADMIN, Role.DEPT_ADMIN, Role.ORG_ADMIN):
        return False
    admin_paths = [g.path for g in actor.effective_grants if g.role in (Role.SYSADMIN, Role.DEPT_ADMIN, Role.ORG_ADMIN)]
    paths = list(RoleAssignment.objects.filter(user=user, revoked_at__isnull=True).values_list("org__path", flat=True))
    if not paths:
        from orgwork.members.models import Member

        paths = list(Member.objects.filter(user=user).values_list("org__path", flat=True))
    return bool(paths) and all(any(p.startswith(a) for a in admin_paths) for p in paths)


@transaction.atomic
def admin_reset_password(*, actor: Actor, username: str) -> str:
    """An administrator sets a temporary password (shown once, to hand over in person); audited."""
    import secrets

    from django.contrib.auth import get_user_model

    from orgwork.core.errors import NotFound

    user = get_user_model().objects.filter(username=(username or "").strip()).first()
    if user is None or user.pk == actor.user_id or not can_reset_for(actor, user):
        raise NotFound()
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    temp = "".join(secrets.choice(alphabet) for _ in range(10)) + "#" + f"{secrets.randbelow(100):02d}"
    user.set_password(temp)
    user.save(update_fields=["password"])
    try:
        from axes.utils import reset as axes_reset

        axes_reset(username=user.get_username())
    except Exception:
        pass
    audit.record(actor, "user.password_reset", user, data={"username": user.get_username(), "by": "administrator"})
    return temp
