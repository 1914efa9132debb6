"""Member self-service writes: sign-in by an SMS code, and requests a member sends to the branch.

Sign-in by SMS code: the page asks for a phone number; when an active account is linked to it (the phone of the
member record linked to the account, or the phone the user set for SMS notices) a 6-digit code goes there through
`core.sms.gateway()`. Only a hash is kept; the code expires after SELFSERVICE_SMS_CODE_MINUTES (5), allows
SELFSERVICE_SMS_CODE_TRIES (5) wrong tries and is used once; at most SELFSERVICE_SMS_CODES_PER_HOUR (5) codes per
number and SELFSERVICE_SMS_CODES_PER_IP_HOUR (20) per address an hour. Unknown numbers get the same answer as known
ones (no account enumeration). Every step is audited; the second factor (TOTP) is still asked by the view.
"""

from __future__ import annotations

import datetime as dt
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from orgwork.core import audit, deadlines
from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError
from orgwork.core.rules import rule
from orgwork.core.sms import SmsError, gateway, normalize_phone
from orgwork.members import selectors as member_selectors
from orgwork.members.models import Member

from .models import MemberRequest, RequestKind, RequestStatus, SignInCode


class RateLimited(ServiceError):
    pass


def code_settings() -> dict:
    return {
        "ttl": int(getattr(settings, "SELFSERVICE_SMS_CODE_MINUTES", 5)),
        "tries": int(getattr(settings, "SELFSERVICE_SMS_CODE_TRIES", 5)),
        "per_phone": int(getattr(settings, "SELFSERVICE_SMS_CODES_PER_HOUR", 5)),
        "per_ip": int(getattr(settings, "SELFSERVICE_SMS_CODES_PER_IP_HOUR", 20)),
    }


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"


def _same_phone(stored: str, phone: str) -> bool:
    try:
        return normalize_phone(stored) == phone
    except SmsError:
        return False


def users_for_phone(phone: str) -> list:
    """The active accounts whose linked member record, or whose own SMS setting, has this number."""
    from orgwork.notifications.models import DeliverySettings

    ids = set()
    for user_id, stored in Member.objects.filter(user__isnull=False, user__is_active=True, phone__contains=phone[-4:]).values_list("user_id", "phone"):
        if _same_phone(stored, phone):
            ids.add(user_id)
    for user_id, stored in DeliverySettings.objects.filter(user__is_active=True, sms_phone__contains=phone[-4:]).values_list("user_id", "sms_phone"):
        if _same_phone(stored, phone):
            ids.add(user_id)
    from orgwork.recruitment import selectors as recruitment_selectors

    for user_id, stored in recruitment_selectors.applicants_for_phone(phone[-4:]).filter(user__isnull=False).values_list("user_id", "phone"):
        if _same_phone(stored, phone):
            ids.add(user_id)
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def applicants_without_account(phone: str) -> list:
    """Open development records (applicants, activists) with this phone and no sign-in account yet."""
    from orgwork.recruitment import selectors as recruitment_selectors

    return [a for a in recruitment_selectors.applicants_for_phone(phone[-4:]).filter(user__isnull=True) if _same_phone(a.phone, phone)]


def _applicant_account(applicant):
    """The applicant's own account, made when the SMS code proved the phone on the development record: named with
    the person's name, no password (they sign in by SMS code; they may set one), no role — only their own pages."""
    from orgwork.recruitment import services as recruitment_services

    User = get_user_model()
    username = f"applicant{applicant.pk}"
    n = 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"applicant{applicant.pk}-{n}"
    user = User(username=username, first_name=applicant.name[:150])
    user.set_unusable_password()
    user.save()
    system = Actor.system_actor("短信登录")
    recruitment_services.link_user(actor=system, applicant_id=applicant.pk, user=user)
    audit.record(system, "selfservice.applicant_account", user, data={"username": username, "applicant": applicant.pk})
    return user


def _phone_or_error(text: str) -> str:
    try:
        return normalize_phone(text)
    except SmsError:
        raise ServiceError.single("phone", "bad_phone", _("手机号码格式不正确，请填写11位手机号")) from None


@transaction.atomic
def request_code(*, phone: str, ip: str | None = None) -> str:
    """Send a sign-in code when the number belongs to exactly one active account. Returns the masked number — the
    same answer whether or not an account has it."""
    phone = _phone_or_error(phone)
    conf = code_settings()
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    if ip and SignInCode.objects.filter(requested_ip=ip, created_at__gte=hour_ago).count() >= conf["per_ip"]:
        raise RateLimited.single("phone", "rate_limited", _("请求过于频繁，请一小时后再试"))
    if SignInCode.objects.filter(phone=phone, created_at__gte=hour_ago).count() >= conf["per_phone"]:
        raise RateLimited.single("phone", "rate_limited", _("该号码一小时内最多获取%(n)s次验证码，请稍后再试") % {"n": conf["per_phone"]})
    users = users_for_phone(phone)
    fresh = applicants_without_account(phone)
    user = users[0] if len(users) == 1 and not fresh else None
    applicant = fresh[0] if len(fresh) == 1 and not users else None
    code = f"{secrets.randbelow(10**6):06d}"
    SignInCode.objects.filter(phone=phone, used_at__isnull=True).update(used_at=now)  # one live code per number
    SignInCode.objects.create(phone=phone, user=user, applicant=applicant, code_hash=make_password(code), requested_ip=ip, expires_at=now + timedelta(minutes=conf["ttl"]))
    system = Actor.system_actor("短信登录")
    if user is None and applicant is None:
        # unknown number, or one shared by several accounts: nothing is sent, the page answers the same
        entry = audit.Entry(
            action="user.sms_code_unmatched", object_type="auth.user", object_id="", object_repr=mask_phone(phone),
            data={"phone": mask_phone(phone), "ip": ip, "accounts": len(users) + len(fresh)},
        )  # fmt: skip
        audit.record_many(system, [entry])
        return mask_phone(phone)
    try:
        gateway().send(phone=phone, text=_("【组工云】您的登录验证码 %(code)s，%(minutes)s分钟内有效。请勿告诉他人；如非本人操作，请忽略。") % {"code": code, "minutes": conf["ttl"]})
    except SmsError:
        raise ServiceError.single("phone", "send_failed", _("验证码短信发送失败，请稍后再试")) from None
    if user is not None:
        audit.record(system, "user.sms_code", user, data={"username": user.get_username(), "phone": mask_phone(phone), "ip": ip})
    else:
        audit.record(system, "user.sms_code_applicant", applicant, data={"applicant": applicant.pk, "phone": mask_phone(phone), "ip": ip})
    return mask_phone(phone)


def verify_code(*, phone: str, code: str, ip: str | None = None):
    """The account for a correct, live code (the code is then used up); else ServiceError. A wrong code counts a try;
    after the last try the code is refused even when right."""
    phone = _phone_or_error(phone)
    conf = code_settings()
    code = (code or "").strip()
    failed = None
    with transaction.atomic():
        row = SignInCode.objects.select_for_update().filter(phone=phone, used_at__isnull=True, expires_at__gt=timezone.now()).order_by("-id").first()
        if row is None or row.attempts >= conf["tries"]:
            failed = _("验证码不正确或已失效，请重新获取")
        elif not (code.isdigit() and len(code) == 6 and check_password(code, row.code_hash)) or (row.user is None and row.applicant_id is None) or (row.user is not None and not row.user.is_active):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            left = conf["tries"] - row.attempts
            failed = _("验证码不正确，还可以再试%(n)s次") % {"n": left} if left > 0 else _("验证码不正确，已失效，请重新获取")
        else:
            row.used_at = timezone.now()
            row.save(update_fields=["used_at"])
            user = row.user
            if user is None:  # an applicant's first sign-in: the code proved the phone on the development record
                row.applicant.refresh_from_db()
                user = row.applicant.user or _applicant_account(row.applicant)
            audit.record(Actor.system_actor("短信登录"), "user.sms_sign_in", user, data={"username": user.get_username(), "phone": mask_phone(phone), "ip": ip})
            return user
    entry = audit.Entry(
        action="user.sign_in_failed", object_type="auth.user", object_id=str(row.user_id or "") if row else "", object_repr=mask_phone(phone),
        data={"method": "sms", "phone": mask_phone(phone), "ip": ip},
    )  # fmt: skip
    with transaction.atomic():
        audit.record_many(Actor.system_actor("system:sign-in"), [entry])
    raise ServiceError.single("code", "bad_code", failed)


# --- requests to the branch ---------------------------------------------------------------------


def _own_member(actor: Actor) -> Member:
    member = member_selectors.own_records(actor).first()
    if member is None:
        raise ServiceError.single("member", "no_record", _("您的账号尚未关联党员档案，请联系所在党支部"))
    return member


def _tell_branch(request: MemberRequest, actor: Actor) -> None:
    """Into the branch secretary's inbox at once (responsible people of the branch, core.responsibility)."""
    title = f"{request.member.name}：{request.get_kind_display()}"
    item = deadlines.Item(
        kind="selfservice.request", category="mobile" if request.kind == RequestKind.AWAY else "other", title=title,
        org_id=request.org_id, url=reverse("selfservice:requests") + f"?org={request.org_id}", key=f"selfservice:request:{request.pk}",
        body=request.text[:200], waiting=True, subject=request.member.name, escalate=False,
    )  # fmt: skip
    deadlines.notify_now([item], actor=actor)


def _member_or_assisted(actor: Actor, member_id: int | None) -> tuple[Member, str]:
    """The actor's own record, or — with `member_id` — a member in the actor's write scope the secretary acts for
    (a member without a smartphone): then the actor's label is recorded as the one who assisted."""
    if member_id is None:
        return _own_member(actor), ""
    from orgwork.core.scope import get_in_scope

    return get_in_scope(Member.objects.select_related("org"), actor, write=True, pk=member_id), actor.label


def record_assisted(actor: Actor, member: Member, what: str, obj=None, **data) -> None:
    """The audit line of an assisted act: who acted for whom, and what."""
    entry = audit.Entry(
        action="selfservice.assisted", object_type="members.member", object_id=str(member.pk), object_repr=member.name, org_path=member.org.path,
        data={"for": member.name, "member": member.pk, "by": actor.label, "what": what, **data},
    )  # fmt: skip
    audit.record_many(actor, [entry])


@transaction.atomic
def ask_correction(*, actor: Actor, text: str, member_id: int | None = None) -> MemberRequest:
    """The member asks the branch to correct their record; the text says what is wrong and what is right."""
    member, assisted_by = _member_or_assisted(actor, member_id)
    text = (text or "").strip()
    if not text:
        raise ServiceError.single("text", "required", _("请说明哪一项信息有误、正确的内容是什么"))
    if len(text) > 1000:
        raise ServiceError.single("text", "too_long", _("说明不能超过1000字"))
    req = MemberRequest.objects.create(member=member, org=member.org, kind=RequestKind.CORRECTION, text=text, assisted_by=assisted_by)
    audit.record(actor, "selfservice.correction_asked", req, data={"member": member.name, "assisted_by": assisted_by})
    if assisted_by:
        record_assisted(actor, member, "correction", request=req.pk)
    _tell_branch(req, actor)
    return req


@transaction.atomic
def ask_transfer(*, actor: Actor, destination: str, text: str = "") -> MemberRequest:
    """The member asks the branch to transfer their organizational relation (workplace or residence changed, 党员教育管理
    工作条例 第二十五条). This starts the transfer procedure at the branch (lifecycle: the step "党员提出申请" done,
    the secretary told at once); the branch accepts it with the destination or declines it with a reason, and the
    member follows it on the hub. The phone's own row keeps what was typed; its handling is the procedure's."""
    from orgwork.lifecycle.services import transfers

    member = _own_member(actor)
    text = (text or "").strip()
    transfers.request_transfer(actor=actor, member_id=member.pk, destination=destination, text=text)
    destination = (destination or "").strip()
    req = MemberRequest.objects.create(member=member, org=member.org, kind=RequestKind.TRANSFER, text=text, destination=destination, status=RequestStatus.DONE)
    audit.record(actor, "selfservice.transfer_asked", req, data={"member": member.name, "destination": destination})
    return req


def _add_months(day: dt.date, months: int) -> dt.date:
    import calendar

    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def away_months(on: dt.date | None = None) -> int:
    """党员教育管理工作条例（2019）第三十二条: away six months or more → a mobile member (rule lifecycle.mobile)."""
    return int(rule("lifecycle.mobile", on=on).values["away_flag_months"])


@transaction.atomic
def report_away(
    *, actor: Actor, left_on: dt.date, destination: str, expected_return: dt.date | None = None, text: str = "", today: dt.date | None = None, member_id: int | None = None,
) -> MemberRequest:  # fmt: skip
    """The member reports going away for six months or more (外出报告); the branch registers the mobile member.
    With `member_id` the secretary reports for a member without a smartphone (recorded as assisted)."""
    today = today or timezone.localdate()
    member, assisted_by = _member_or_assisted(actor, member_id)
    destination = (destination or "").strip()
    if not destination:
        raise ServiceError.single("destination", "required", _("请填写外出地点"))
    if left_on is None:
        raise ServiceError.single("left_on", "required", _("请填写外出日期"))
    if left_on > _add_months(today, 3):
        raise ServiceError.single("left_on", "too_far", _("外出日期不能晚于三个月以后"))
    months = away_months(left_on)
    if expected_return is not None and expected_return < _add_months(left_on, months):
        raise ServiceError.single("expected_return", "too_short", _("外出不足%(months)s个月无需报告为流动党员；预计返回日期应在外出日期%(months)s个月以后") % {"months": months})
    if MemberRequest.objects.filter(member=member, kind=RequestKind.AWAY, status=RequestStatus.OPEN).exists():
        raise ServiceError.single("left_on", "already_open", _("您已报告外出，支部尚未处理，无需重复报告"))
    req = MemberRequest.objects.create(
        member=member, org=member.org, kind=RequestKind.AWAY, text=(text or "").strip()[:1000], left_on=left_on,
        destination=destination[:200], expected_return=expected_return, assisted_by=assisted_by,
    )  # fmt: skip
    audit.record(actor, "selfservice.away_reported", req, data={"member": member.name, "left_on": left_on.isoformat(), "destination": req.destination, "assisted_by": assisted_by})
    if assisted_by:
        record_assisted(actor, member, "away", request=req.pk)
    _tell_branch(req, actor)
    return req


@transaction.atomic
def close_request(*, actor: Actor, request_id: int) -> MemberRequest:
    """The branch has handled the request (corrected the record / registered the mobile member)."""
    from orgwork.core.scope import get_in_scope

    req = get_in_scope(MemberRequest.objects.select_for_update(), actor, write=True, pk=request_id)
    if req.status != RequestStatus.OPEN:
        raise ServiceError.single("request", "not_open", _("该申请已处理"))
    req.status = RequestStatus.DONE
    req.save(update_fields=["status"])
    audit.record(actor, "selfservice.request_closed", req, data={"kind": req.kind})
    return req


@transaction.atomic
def register_mobile_from_request(
    *, actor: Actor, request_id: int, home_contact: str, home_contact_phone: str = "", card_number: str = "", workplace: str = "", today: dt.date | None = None,
):  # fmt: skip
    """The branch registers the mobile member straight from the member's away report (外出报告 → 流动党员登记,
    党员教育管理工作条例 第三十二条): lifecycle's own `register` with what the member reported, plus the contact at
    home and the card number the branch assigns; the report is then closed. Returns the registration."""
    from orgwork.core.scope import get_in_scope
    from orgwork.lifecycle.services import mobile

    req = get_in_scope(MemberRequest.objects.select_for_update(of=("self",)).select_related("member"), actor, write=True, pk=request_id)
    if req.kind != RequestKind.AWAY:
        raise ServiceError.single("request", "not_away", _("只有外出报告可以登记为流动党员"))
    if req.status != RequestStatus.OPEN:
        raise ServiceError.single("request", "not_open", _("该申请已处理"))
    reg = mobile.register(
        actor=actor, member_id=req.member_id, left_on=req.left_on, destination=req.destination, home_contact=home_contact, workplace=workplace,
        home_contact_phone=home_contact_phone, member_phone=req.member.phone, card_number=card_number, expected_return=req.expected_return, today=today,
    )  # fmt: skip
    req.status = RequestStatus.DONE
    req.save(update_fields=["status"])
    audit.record(actor, "selfservice.mobile_registered", req, data={"kind": req.kind, "registration": reg.pk, "card": reg.card_number})
    return reg


# --- accounts: a password if wanted, bulk accounts from the roster --------------------------------------------


@transaction.atomic
def set_own_password(*, actor: Actor, password: str, password2: str):
    """After signing in by SMS code the person may set a password (optional; Django's password validators apply)."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = actor.user
    if user is None:
        raise ServiceError.single("password", "not_signed_in", _("请先登录"))
    if not password:
        raise ServiceError.single("password", "required", _("请填写密码"))
    if password != password2:
        raise ServiceError.single("password2", "mismatch", _("两次填写的密码不一致"))
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ServiceError.single("password", "weak_password", "；".join(exc.messages)) from None
    first = not user.has_usable_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor, "user.password_set", user, data={"username": user.get_username(), "first": first})
    return user


def _account_username(member) -> str:
    User = get_user_model()
    base = f"m{member.pk}"
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


@transaction.atomic
def create_member_accounts(*, actor: Actor, org_id: int | None = None) -> dict:
    """Accounts for the members on the roster (in the actor's write scope, under `org_id` when given) who have a
    mobile phone and no account: named with the member's name, the 党员 role at their organization, no password
    (they sign in by SMS code and may set one). A number already used by another account is skipped (the SMS
    sign-in needs one account per number). One audit event per account and one for the batch."""
    from orgwork.core.fields import subtree_q
    from orgwork.core.models import Role
    from orgwork.core.scope import scope
    from orgwork.core.services import grant_role
    from orgwork.members import services as member_services
    from orgwork.members.models import Standing

    qs = scope(Member.objects.select_related("org"), actor, write=True).filter(user__isnull=True, standing=Standing.NORMAL)
    if org_id is not None:
        from orgwork.orgs.models import Org

        org = scope(Org.objects.filter(pk=org_id), actor, write=True).first()
        if org is None:
            raise ServiceError.single("org", "not_found", _("党组织不存在或不在管理范围内"))
        qs = qs.filter(subtree_q(org.path, "org__path"))
    created, skipped = [], []
    User = get_user_model()
    rows = []
    for member in qs.order_by("org__path", "name_pinyin", "pk"):
        try:
            rows.append((member, normalize_phone(member.phone)))
        except SmsError:
            rows.append((member, None))
    from collections import Counter

    seen = Counter(p for _m, p in rows if p)
    for member, phone in rows:
        if phone is None:
            skipped.append((member.name, _("没有有效的手机号码")))
            continue
        if seen[phone] > 1:
            skipped.append((member.name, _("与其他党员的手机号码相同")))
            continue
        if users_for_phone(phone):
            skipped.append((member.name, _("手机号码已被其他账号使用")))
            continue
        user = User(username=_account_username(member), first_name=member.name[:150])
        user.set_unusable_password()
        user.save()
        grant_role(actor=actor, user=user, org=member.org, role=Role.MEMBER)
        member_services.link_user(actor=actor, member_id=member.pk, user=user)
        audit.record(actor, "selfservice.account_created", user, org_path=member.org.path, data={"member": member.pk, "name": member.name, "phone": mask_phone(phone)})
        created.append(member.name)
    summary = audit.Entry(
        action="selfservice.accounts_batch", object_type="orgs.org", object_id=str(org_id or ""), object_repr=f"{len(created)} accounts",
        data={"created": len(created), "skipped": len(skipped)},
    )  # fmt: skip
    audit.record_many(actor, [summary])
    return {"created": created, "skipped": skipped}


def assisted_points(*, actor: Actor, member_id: int, indicator_code: str, occurred_on: dt.date, units=1, note: str = "", files=()):
    """The secretary submits points for a member without a smartphone (scores' own service; the entry's note and
    the audit say who acted for whom)."""
    from orgwork.core.scope import get_in_scope
    from orgwork.scores import services as score_services

    with transaction.atomic():
        member = get_in_scope(Member.objects.select_related("org"), actor, write=True, pk=member_id)
        label = f"（{actor.label}代为提交）"
        entry = score_services.submit_points(
            actor=actor, member_id=member.pk, indicator_code=indicator_code, occurred_on=occurred_on, units=units, note=(label + (note or ""))[:500], files=files,
        )  # fmt: skip
        record_assisted(actor, member, "points", entry=getattr(entry, "pk", None), indicator=indicator_code)
    return entry
