"""Every write of the 12380 register: keyword-only arguments, one transaction, an audit event without content.

Keys: a person's own key pair is created at their first unlock (`unlock`), wrapped under their password; an office's
keys are created by `setup_office` and passed on by a holder with `grant_key`. Reading sealed content needs the
reader's private key (`handler_key`, a nacl PrivateKey that the console keeps for the session — see keyring.py).
Audit events name the report, the channel, the category, the step — never what the reporter wrote or who they are.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgwork.core import audit, idcard, procedures
from orgwork.core import calendar as workcal
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, PermissionDenied, ServiceError
from orgwork.core.models import Role
from orgwork.core.normalize import clean_text
from orgwork.core.params import writable_org
from orgwork.core.scope import get_in_scope
from orgwork.core.sms import SmsError, normalize_phone

from . import crypto
from .models import (
    Author,
    Category,
    Channel,
    Extension,
    Forwarding,
    HandlerKey,
    IdentityRequest,
    KeyGrant,
    KeyRole,
    Message,
    Office,
    Report,
    RequestStatus,
    SealedFile,
    Status,
)
from .rules import CATEGORY_LABELS, DECISIONS, KIND, OUT_OF_SCOPE_GUIDANCE, intake_rules

SYSTEM = "12380-intake"


def _system() -> Actor:
    return Actor.system_actor(SYSTEM)


def _is_handler_role(actor: Actor, office: Office) -> bool:
    if actor.unrestricted:
        return True
    return any(g.role in (Role.DEPT_ADMIN, Role.SYSADMIN) and office.org.path.startswith(g.path) for g in actor.effective_grants)


def _office_for_write(actor: Actor, office_id) -> Office:
    office = get_in_scope(Office.objects.select_related("org"), actor, write=True, pk=office_id)
    if not _is_handler_role(actor, office):
        raise PermissionDenied()
    return office


def _report_for_write(actor: Actor, report_id, *, lock: bool = True) -> Report:
    qs = Report.objects.select_related("office", "office__org", "procedure")
    if lock:
        qs = qs.select_for_update(of=("self",))
    report = get_in_scope(qs, actor, write=True, pk=report_id)
    if not _is_handler_role(actor, report.office):
        raise PermissionDenied()
    return report


# --- personal keys ------------------------------------------------------------------------------------------
def live_key(user) -> HandlerKey | None:
    return HandlerKey.objects.filter(user=user, retired_at__isnull=True).first()


def unlock(*, user, password: str) -> crypto.PrivateKey:
    """The person's private key from their password (re-entered in the console). First time: the key pair is made."""
    if user is None or not password or not user.check_password(password):
        raise ServiceError.single("password", "bad_password", _("密码不正确"))
    key = live_key(user)
    if key is None:
        with transaction.atomic():
            sk = crypto.new_keypair()
            salt = crypto.new_salt()
            label = crypto.cost_name()
            key = HandlerKey.objects.create(
                user=user, public_key=crypto.public_bytes(sk), salt=salt, kdf_cost=label,
                wrapped_secret=crypto.wrap(crypto.kdf("handler|" + password, salt, cost_label=label), bytes(sk)),
            )
            audit.record(Actor.for_user(user), "tipoffs.key.enroll", key, data={"user": user.pk})
        return sk
    try:
        raw = crypto.unwrap(crypto.kdf("handler|" + password, bytes(key.salt), cost_label=key.kdf_cost), bytes(key.wrapped_secret))
    except crypto.Locked:
        raise ServiceError.single(
            "password", "key_stale", _("密码已修改，原举报密钥无法解开：请重新生成个人密钥，并请本机构其他办理人员重新授权")
        ) from None
    return crypto.private_key(raw)


@transaction.atomic
def reenroll(*, user, password: str) -> HandlerKey:
    """After a password change: a new key pair; grants made to the old one end (a colleague grants again)."""
    if not user.check_password(password):
        raise ServiceError.single("password", "bad_password", _("密码不正确"))
    now = timezone.now()
    old = live_key(user)
    if old is not None:
        old.retired_at = now
        old.save(update_fields=["retired_at"])
        KeyGrant.objects.filter(handler_key=old, revoked_at__isnull=True).update(revoked_at=now)
    sk = crypto.new_keypair()
    salt = crypto.new_salt()
    label = crypto.cost_name()
    key = HandlerKey.objects.create(
        user=user, public_key=crypto.public_bytes(sk), salt=salt, kdf_cost=label,
        wrapped_secret=crypto.wrap(crypto.kdf("handler|" + password, salt, cost_label=label), bytes(sk)),
    )
    audit.record(Actor.for_user(user), "tipoffs.key.reenroll", key, data={"user": user.pk, "retired": old.pk if old else None})
    return key


def _grant_of(office: Office, user, role: str) -> KeyGrant | None:
    if user is None:
        return None
    return (
        KeyGrant.objects.filter(office=office, user=user, role=role, revoked_at__isnull=True, handler_key__retired_at__isnull=True)
        .select_related("handler_key")
        .order_by("-id")
        .first()
    )


def office_secret(office: Office, user, handler_key, role: str = KeyRole.HANDLER) -> crypto.PrivateKey:
    """The office (or custodian) private key, opened with the person's unlocked key; Locked when they have none."""
    grant = _grant_of(office, user, role)
    if grant is None or handler_key is None:
        raise crypto.Locked("no grant")
    return crypto.private_key(crypto.unseal(handler_key, bytes(grant.sealed_secret)))


def has_grant(office: Office, user, role: str = KeyRole.HANDLER) -> bool:
    return _grant_of(office, user, role) is not None


@transaction.atomic
def setup_office(*, actor: Actor, org_id, name: str, password: str) -> Office:
    """A handling office at an org: two key pairs made here; the founder receives both (then grants the custodian
    role to the custodian and gives up their own: `grant_key`, `revoke_grant`)."""
    org = writable_org(actor, org_id)
    if not actor.unrestricted and not any(g.role == Role.DEPT_ADMIN and org.path.startswith(g.path) for g in actor.effective_grants):
        raise PermissionDenied()
    if Office.objects.filter(org=org).exists():
        raise ServiceError.single("org", "duplicate_existing", _("%(name)s已设有举报受理机构") % {"name": org.name})
    name = clean_text(name)
    if not name:
        raise ServiceError.single("name", "required", _("请填写受理机构名称"))
    unlock(user=actor.user, password=password)  # makes the founder's key pair on first use
    key = live_key(actor.user)
    office_sk, custodian_sk = crypto.new_keypair(), crypto.new_keypair()
    office = Office.objects.create(org=org, name=name[:120], public_key=crypto.public_bytes(office_sk), custodian_public_key=crypto.public_bytes(custodian_sk))
    for role, sk in ((KeyRole.HANDLER, office_sk), (KeyRole.CUSTODIAN, custodian_sk)):
        KeyGrant.objects.create(office=office, user=actor.user, handler_key=key, role=role, sealed_secret=crypto.seal(bytes(key.public_key), bytes(sk)), granted_by=actor.user)
    audit.record(actor, "tipoffs.office.setup", office, data={"org": org.pk, "name": office.name})
    return office


@transaction.atomic
def grant_key(*, actor: Actor, handler_key, office_id, user_id, role: str) -> KeyGrant:
    """Pass the office key (role handler) or the custodian key (role custodian) to a colleague with a key pair."""
    office = _office_for_write(actor, office_id)
    if role not in KeyRole.values:
        raise ServiceError.single("role", "bad_value", _("职责应为举报办理人员或身份信息保管人"))
    try:
        secret = office_secret(office, actor.user, handler_key, role)
    except crypto.Locked:
        raise PermissionDenied() from None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ServiceError.single("user", "unknown_user", _("找不到该人员"))
    target = Actor.for_user(user)
    if not any(office.org.path.startswith(g.path) or g.path.startswith(office.org.path) for g in target.grants if g.role != Role.MEMBER):
        raise ServiceError.single("user", "out_of_scope", _("该人员不在本受理机构的工作范围内"))
    key = live_key(user)
    if key is None:
        raise ServiceError.single("user", "no_key", _("该人员尚未生成个人密钥：请其先登录并在“12380举报”中输入密码解锁一次"))
    if _grant_of(office, user, role) is not None:
        raise ServiceError.single("user", "duplicate_existing", _("该人员已有此授权"))
    grant = KeyGrant.objects.create(office=office, user=user, handler_key=key, role=role, sealed_secret=crypto.seal(bytes(key.public_key), bytes(secret)), granted_by=actor.user)
    audit.record(actor, "tipoffs.key.grant", grant, data={"office": office.pk, "user": user.pk, "role": role}, org_path=office.org.path)
    return grant


@transaction.atomic
def revoke_grant(*, actor: Actor, grant_id, reason: str) -> KeyGrant:
    grant = get_in_scope(KeyGrant.objects.select_for_update().select_related("office", "office__org"), actor, write=True, pk=grant_id)
    if not _is_handler_role(actor, grant.office):
        raise PermissionDenied()
    reason = clean_text(reason)
    if not reason:
        raise ServiceError.single("reason", "required", _("请填写撤销理由"))
    if grant.revoked_at is None:
        remaining = KeyGrant.objects.filter(office=grant.office, role=grant.role, revoked_at__isnull=True).exclude(pk=grant.pk).count()
        if remaining == 0:
            raise ServiceError.single("grant", "last_holder", _("这是该密钥的最后一个持有人，撤销后密钥将无法找回"))
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        audit.record(actor, "tipoffs.key.revoke", grant, data={"reason": reason, "role": grant.role, "user": grant.user_id}, org_path=grant.office.org.path)
    return grant


# --- intake ---------------------------------------------------------------------------------------------------
@dataclass
class Submitted:
    report: Report
    receipt: str  # shown once, never stored


def _clean_identity(errors: list, anonymous: bool, name: str, id_number: str, phone: str) -> dict | None:
    if anonymous:
        return None
    out = {"name": clean_text(name)[:60], "id_number": "", "phone": ""}
    if not out["name"]:
        errors.append(FieldError("reporter_name", "required", _("实名举报请填写举报人姓名")))
    try:
        out["id_number"] = idcard.parse(id_number).value
    except idcard.IdNumberError as exc:
        errors.append(FieldError("reporter_id_number", getattr(exc, "code", "id_format"), _("实名举报请填写正确的公民身份号码：%(reason)s") % {"reason": exc}))
    try:
        out["phone"] = normalize_phone(phone)
    except SmsError:
        errors.append(FieldError("reporter_phone", "bad_phone", _("实名举报请填写正确的手机号码")))
    return out


def _next_reference(office: Office, year: int) -> str:
    prefix = f"12380-{year}-"
    last = Report.objects.filter(office=office, reference__startswith=f"{prefix}").count()
    n = last + 1
    while Report.objects.filter(reference=f"{prefix}{office.pk:02d}{n:05d}").exists():
        n += 1
    return f"{prefix}{office.pk:02d}{n:05d}"


def default_office() -> Office | None:
    """The office the public form sends to: the accepting office highest in the tree."""
    return Office.objects.filter(accepting=True).select_related("org").order_by("org__depth", "id").first()


@transaction.atomic
def submit(
    *,
    actor: Actor | None,
    office_id=None,
    channel: str = Channel.ONLINE,
    category: str,
    person_name: str,
    person_unit: str = "",
    person_post: str = "",
    text: str,
    anonymous: bool,
    reporter_name: str = "",
    reporter_id_number: str = "",
    reporter_phone: str = "",
    files=(),
    received_on: dt.date | None = None,
) -> Submitted:
    """Register one tip-off from any channel. `actor` None: the public form (online); staff enter offline channels.

    `files`: (file name, bytes) pairs. Returns the report and its receipt code, which is shown once and kept
    nowhere (only its slow hash)."""
    today = dt.date.today()
    received_on = received_on or today
    rules = intake_rules(received_on)
    errors: list[FieldError] = []
    if actor is None:
        channel = Channel.ONLINE
        office = Office.objects.select_for_update().select_related("org").filter(pk=office_id, accepting=True).first() if office_id else default_office()
        if office is None:
            raise ServiceError.single("office", "no_office", _("暂未开通网上举报受理"))
        office = Office.objects.select_for_update().select_related("org").get(pk=office.pk)
        acting = _system()
        if received_on != today:
            raise ServiceError.single("received_on", "bad_value", _("网上举报的登记日期为提交当日"))
    else:
        office = _office_for_write(actor, office_id)
        office = Office.objects.select_for_update().select_related("org").get(pk=office.pk)
        acting = actor
        if channel not in Channel.values:
            errors.append(FieldError("channel", "bad_value", _("举报渠道应为：%(choices)s") % {"choices": "、".join(str(label) for label in Channel.labels)}))
        if received_on > today:
            errors.append(FieldError("received_on", "future_date", _("登记日期不能晚于今天")))
    if category not in rules["categories"]:
        errors.append(FieldError("category", "bad_value", _("请选择举报类别")))
    person = {"name": clean_text(person_name)[:60], "unit": clean_text(person_unit)[:120], "post": clean_text(person_post)[:60]}
    if not person["name"]:
        errors.append(FieldError("person_name", "required", _("请填写被举报人姓名")))
    body = str(text or "").strip()
    if not body:
        errors.append(FieldError("text", "required", _("请填写举报内容")))
    elif len(body) > rules["max_text_chars"]:
        errors.append(FieldError("text", "too_long", _("举报正文不超过%(max_text_chars)s字，现为%(n)s字") % {"max_text_chars": rules['max_text_chars'], "n": len(body)}))
    identity = _clean_identity(errors, bool(anonymous), reporter_name, reporter_id_number, reporter_phone)
    files = list(files or ())
    if len(files) > rules["max_attachments"]:
        errors.append(FieldError("files", "too_many", _("附件最多%(max_attachments)s个") % {"max_attachments": rules['max_attachments']}))
    for name, data in files:
        if len(data) > rules["max_attachment_bytes"]:
            errors.append(FieldError("files", "too_large", _("附件“%(value)s”超过%(value2)sMB") % {"value": clean_text(name)[:40], "value2": rules['max_attachment_bytes'] // (1024 * 1024)}))
    if errors:
        raise ServiceError(errors)

    receipt = crypto.new_receipt(rules["receipt_digits"])
    salt = crypto.new_salt()
    label = crypto.cost_name()
    verifier, wrap_key = crypto.receipt_material(receipt, salt, label)
    reporter_sk = crypto.new_keypair()
    content = {"person": person, "text": body}
    report = Report.objects.create(
        office=office,
        reference=_next_reference(office, received_on.year),
        channel=channel,
        category=category,
        in_scope=category in rules["in_scope"],
        anonymous=identity is None,
        received_on=received_on,
        rule_version=rules.version,
        attachment_count=len(files),
        sealed_content=crypto.seal_json(bytes(office.public_key), content),
        sealed_identity=crypto.seal_json(bytes(office.custodian_public_key), identity) if identity else None,
        receipt_lookup=crypto.lookup_key(receipt),
        receipt_verifier=verifier,
        receipt_salt=salt,
        receipt_cost=label,
        reporter_public_key=crypto.public_bytes(reporter_sk),
        reporter_wrapped_secret=crypto.wrap(wrap_key, bytes(reporter_sk)),
    )
    for name, data in files:
        _store_file(report, None, office, name, data)
    instance = procedures.start(actor=acting, kind=KIND, org_id=office.org_id, title=f"举报件{report.reference}", on=received_on, subject=report)
    procedures.complete_step(actor=acting, instance_id=instance.pk, step="register", done_on=received_on)
    instance.refresh_from_db()
    report.procedure = instance
    report.save(update_fields=["procedure"])
    audit.record(acting, "tipoffs.report.register", report, data={"channel": channel, "category": category, "anonymous": report.anonymous, "files": len(files)}, org_path=office.org.path)
    return Submitted(report=report, receipt=receipt)


def _store_file(report: Report, message: Message | None, office: Office, name: str, data: bytes) -> SealedFile:
    sealed = crypto.seal(bytes(office.public_key), bytes(data))
    f = SealedFile(report=report, message=message, sealed_name=crypto.seal(bytes(office.public_key), clean_text(name)[:200].encode("utf-8")), size=len(data))
    f.blob.save(secrets.token_hex(16) + ".sealed", ContentFile(sealed), save=False)
    f.save()
    return f


# --- the reporter, with the receipt alone -------------------------------------------------------------------
def find_by_receipt(receipt: str) -> tuple[Report, crypto.PrivateKey]:
    """The report a receipt belongs to and the reporter's private key; NotFound for any wrong code."""
    code = crypto.normalize_receipt(receipt)
    if len(code) < intake_rules()["receipt_digits"]:
        raise NotFound()
    for report in Report.objects.filter(receipt_lookup=crypto.lookup_key(code)).select_related("office", "procedure"):
        verifier, wrap_key = crypto.receipt_material(code, bytes(report.receipt_salt), report.receipt_cost)
        if crypto.verifier_matches(report.receipt_verifier, verifier):
            return report, crypto.private_key(crypto.unwrap(wrap_key, bytes(report.reporter_wrapped_secret)))
    raise NotFound()


def reporter_view(report: Report, reporter_sk) -> dict:
    """What the reporter sees: status, dates, replies and what they added (opened with their own key)."""
    messages = []
    for m in report.messages.all():
        messages.append({"author": m.author, "author_label": Author(m.author).label, "at": m.created_at, "text": crypto.unseal_json(reporter_sk, bytes(m.sealed_for_reporter))["text"]})
    return {
        "reference": report.reference,
        "received_on": report.received_on,
        "status": report.status,
        "status_label": Status(report.status).label,
        "category_label": Category(report.category).label,
        "messages": messages,
        "may_add": report.status not in (Status.CLOSED,),
    }


@transaction.atomic
def add_information(*, receipt: str, text: str, files=()) -> Message:
    """The reporter adds information (or answers a question) with the receipt alone."""
    report, _sk = find_by_receipt(receipt)
    report = Report.objects.select_for_update().select_related("office", "office__org").get(pk=report.pk)
    rules = intake_rules()
    body = str(text or "").strip()
    if not body:
        raise ServiceError.single("text", "required", _("请填写补充内容"))
    if len(body) > rules["max_text_chars"]:
        raise ServiceError.single("text", "too_long", _("补充内容不超过%(max_text_chars)s字") % {"max_text_chars": rules['max_text_chars']})
    if report.status == Status.CLOSED:
        raise ServiceError.single("receipt", "closed", _("该举报件已结案，不能再补充材料"))
    files = list(files or ())
    if len(files) + report.attachment_count > rules["max_attachments"] * 2:
        raise ServiceError.single("files", "too_many", _("附件数量超过上限"))
    m = _message(report, Author.REPORTER, body, None)
    for name, data in files:
        if len(data) > rules["max_attachment_bytes"]:
            raise ServiceError.single("files", "too_large", _("附件过大"))
        _store_file(report, m, report.office, name, data)
    report.attachment_count += len(files)
    report.save(update_fields=["attachment_count", "updated_at"])
    audit.record(_system(), "tipoffs.report.add_information", report, data={"message": m.pk, "files": len(files)}, org_path=report.office.org.path)
    return m


def _message(report: Report, author: str, text: str, user) -> Message:
    payload = {"text": text}
    return Message.objects.create(
        report=report, author=author, written_by=user,
        sealed_for_office=crypto.seal_json(bytes(report.office.public_key), payload),
        sealed_for_reporter=crypto.seal_json(bytes(report.reporter_public_key), payload),
    )


# --- reading (every read audited) -----------------------------------------------------------------------------
def read_report(*, actor: Actor, report_id, handler_key) -> dict:
    """The opened report for a handler holding the office key; one audit event per read."""
    report = get_in_scope(Report.objects.select_related("office", "office__org", "procedure"), actor, pk=report_id)
    try:
        sk = office_secret(report.office, actor.user, handler_key)
    except crypto.Locked:
        raise PermissionDenied() from None
    content = crypto.unseal_json(sk, bytes(report.sealed_content))
    messages = [
        {"id": m.pk, "author": m.author, "author_label": Author(m.author).label, "at": m.created_at, "text": crypto.unseal_json(sk, bytes(m.sealed_for_office))["text"]}
        for m in report.messages.all()
    ]
    files = [{"id": f.pk, "name": crypto.unseal(sk, bytes(f.sealed_name)).decode("utf-8"), "size": f.size, "message": f.message_id} for f in report.files.all()]
    with transaction.atomic():
        audit.record(actor, "tipoffs.report.read", report, data={"what": ["content", "messages", "file_names"]}, org_path=report.office.org.path)
    return {"report": report, "person": content["person"], "text": content["text"], "messages": messages, "files": files}


def read_file(*, actor: Actor, file_id, handler_key) -> tuple[str, bytes]:
    f = get_in_scope(SealedFile.objects.select_related("report", "report__office", "report__office__org"), actor, pk=file_id)
    try:
        sk = office_secret(f.report.office, actor.user, handler_key)
    except crypto.Locked:
        raise PermissionDenied() from None
    with f.blob.open("rb") as fh:
        data = crypto.unseal(sk, fh.read())
    name = crypto.unseal(sk, bytes(f.sealed_name)).decode("utf-8")
    with transaction.atomic():
        audit.record(actor, "tipoffs.file.read", f.report, data={"what": ["file"], "file": f.pk}, org_path=f.report.office.org.path)
    return name, data


# --- handling on the procedure kernel ------------------------------------------------------------------------
def _step(actor: Actor, report: Report, step: str, on: dt.date | None, data: dict | None = None):
    if report.procedure is None:
        raise ServiceError.single("report", "no_procedure", _("该举报件没有办理流程"))
    return procedures.complete_step(actor=actor, instance_id=report.procedure_id, step=step, done_on=on or dt.date.today(), data=data or {})


def _set_status(actor: Actor, report: Report, status: str, **extra) -> None:
    before = {"status": report.status, **{k: getattr(report, k) for k in extra}}
    report.status = status
    for k, v in extra.items():
        setattr(report, k, v)
    report.save()
    audit.record(actor, "tipoffs.report.status", report, changes=audit.diff(before, {"status": status, **extra}), org_path=report.office.org.path)


@transaction.atomic
def decide(*, actor: Actor, report_id, decision: str, forward_to: str = "", reason: str = "", on: dt.date | None = None) -> Report:
    """受理审查: accept, reject, or forward a matter outside the scope; the reporter is told through their receipt."""
    report = _report_for_write(actor, report_id)
    forward_to = clean_text(forward_to)
    reason = clean_text(reason)
    if decision == "forward" and not forward_to:
        raise ServiceError.single("forward_to", "required", _("转办时请填写转办机关"))
    if decision in ("reject", "forward") and not reason:
        raise ServiceError.single("reason", "required", _("不予受理或转办时请填写理由（将告知举报人）"))
    if decision == "accept" and not report.in_scope:
        raise ServiceError.single("decision", "out_of_scope", _("该举报件不属于12380受理范围，应转有关机关办理或不予受理"))
    on = on or dt.date.today()
    _step(actor, report, "accept", on, {"decision": decision, "forward_to": forward_to, "reason": reason[:200]})
    labels = dict(DECISIONS)
    if decision == "accept":
        _set_status(actor, report, Status.ACCEPTED)
        return report
    if decision == "forward":
        Forwarding.objects.create(report=report, to_body=forward_to[:120], forwarded_on=on, reporter_told=True)
        _message(report, Author.OFFICE, f"您反映的问题不属于12380受理范围，已于{on:%Y年%m月%d日}转{forward_to}办理。{reason}", actor.user)
        status = Status.FORWARDED
    else:
        _message(report, Author.OFFICE, f"经审查，您的举报不予受理。理由：{reason}", actor.user)
        status = Status.REJECTED
    procedures.terminate(actor=actor, instance_id=report.procedure_id, reason=labels[decision], on=on)
    _set_status(actor, report, status)
    return report


@transaction.atomic
def assign(*, actor: Actor, report_id, assignee: str, on: dt.date | None = None) -> Report:
    report = _report_for_write(actor, report_id)
    _step(actor, report, "assign", on, {"assignee": assignee})
    return report


@transaction.atomic
def verify(*, actor: Actor, report_id, method: str, on: dt.date | None = None) -> Report:
    report = _report_for_write(actor, report_id)
    _step(actor, report, "verify", on, {"method": method})
    return report


@transaction.atomic
def conclude(*, actor: Actor, report_id, outcome: str, on: dt.date | None = None) -> Report:
    report = _report_for_write(actor, report_id)
    _step(actor, report, "conclude", on, {"outcome": outcome})
    _set_status(actor, report, Status.CONCLUDED, outcome=outcome)
    return report


@transaction.atomic
def reply(*, actor: Actor, report_id, text: str, on: dt.date | None = None) -> Message:
    """A reply the reporter reads with the receipt. After conclusion it completes the step 答复举报人."""
    report = _report_for_write(actor, report_id)
    body = str(text or "").strip()
    if not body:
        raise ServiceError.single("text", "required", _("请填写答复内容"))
    if len(body) > 2000:
        raise ServiceError.single("text", "too_long", _("答复内容不超过2000字"))
    m = _message(report, Author.OFFICE, body, actor.user)
    if report.procedure and report.procedure.step == "reply":
        _step(actor, report, "reply", on)
        _set_status(actor, report, Status.REPLIED)
    audit.record(actor, "tipoffs.report.reply", report, data={"message": m.pk}, org_path=report.office.org.path)
    return m


@transaction.atomic
def close(*, actor: Actor, report_id, on: dt.date | None = None) -> Report:
    report = _report_for_write(actor, report_id)
    _step(actor, report, "close", on)
    _set_status(actor, report, Status.CLOSED)
    return report


@transaction.atomic
def request_extension(*, actor: Actor, report_id, reason: str) -> Extension:
    report = _report_for_write(actor, report_id)
    reason = clean_text(reason)
    if not reason:
        raise ServiceError.single("reason", "required", _("请填写延期理由"))
    if report.procedure is None or report.procedure.step != "conclude":
        raise ServiceError.single("report", "not_extendable", _("只有查核办结阶段可以申请延期"))
    d = procedures.definition_for(report.procedure)
    if Extension.objects.filter(report=report).count() >= d.value("max_extensions"):
        raise ServiceError.single("report", "extension_used", _("办结期限只能延长%(value)s次") % {"value": d.value('max_extensions')})
    ext = Extension.objects.create(report=report, requested_by=actor.user, reason=reason[:500])
    audit.record(actor, "tipoffs.extension.request", report, data={"extension": ext.pk, "reason": reason[:500]}, org_path=report.office.org.path)
    return ext


@transaction.atomic
def approve_extension(*, actor: Actor, extension_id, on: dt.date | None = None) -> Extension:
    """Approval by another person (not the one who asked): the due date moves by the rule's working days, once."""
    ext = get_in_scope(Extension.objects.select_for_update().select_related("report", "report__office", "report__office__org"), actor, write=True, pk=extension_id)
    report = _report_for_write(actor, ext.report_id)
    if ext.approved_at is not None:
        raise ServiceError.single("extension", "already_approved", _("该延期申请已批准"))
    if actor.user is not None and ext.requested_by_id == actor.user.pk:
        raise ServiceError.single("extension", "self_approval", _("延期申请应由申请人以外的负责人批准"))
    instance = report.procedure
    d = procedures.definition_for(instance)
    until = workcal.add_workdays(instance.due_on, d.value("extension_working_days"))
    procedures.extend_due(actor=actor, instance_id=instance.pk, until=until, reason=f"经批准延长办结期限{d.value('extension_working_days')}个工作日：{ext.reason}", on=on)
    ext.approved_by = actor.user
    ext.approved_at = timezone.now()
    ext.until = until
    ext.save()
    audit.record(actor, "tipoffs.extension.approve", report, data={"extension": ext.pk, "until": until}, org_path=report.office.org.path)
    return ext


@transaction.atomic
def update_forwarding(*, actor: Actor, report_id, acknowledged_on: dt.date | None = None, result_on: dt.date | None = None) -> Forwarding:
    report = _report_for_write(actor, report_id)
    fw = Forwarding.objects.select_for_update().filter(report=report).first()
    if fw is None:
        raise ServiceError.single("report", "not_forwarded", _("该举报件没有转办记录"))
    before = {"acknowledged_on": fw.acknowledged_on, "result_on": fw.result_on}
    for field_name, value in (("acknowledged_on", acknowledged_on), ("result_on", result_on)):
        if value is not None:
            if value < fw.forwarded_on or value > dt.date.today():
                raise ServiceError.single(field_name, "date_order", _("日期应在转办日期之后、今天之前"))
            setattr(fw, field_name, value)
    fw.save()
    audit.record(actor, "tipoffs.forwarding.update", report, changes=audit.diff(before, {"acknowledged_on": fw.acknowledged_on, "result_on": fw.result_on}), org_path=report.office.org.path)
    return fw


# --- the identity custodian ---------------------------------------------------------------------------------
@transaction.atomic
def request_identity(*, actor: Actor, report_id, reason: str) -> IdentityRequest:
    report = _report_for_write(actor, report_id)
    reason = clean_text(reason)
    if len(reason) < 5:
        raise ServiceError.single("reason", "required", _("请写明需要了解举报人身份的理由（至少5个字）"))
    if report.sealed_identity is None:
        raise ServiceError.single("report", "anonymous", _("该举报为匿名举报，没有举报人身份信息"))
    if not has_grant(report.office, actor.user):
        raise PermissionDenied()
    if IdentityRequest.objects.filter(report=report, requested_by=actor.user, status=RequestStatus.PENDING).exists():
        raise ServiceError.single("report", "duplicate_existing", _("已有待决定的申请"))
    req = IdentityRequest.objects.create(report=report, requested_by=actor.user, reason=reason[:500])
    audit.record(actor, "tipoffs.identity.request", req, data={"report": report.pk, "reason": reason[:500]}, org_path=report.office.org.path)
    return req


@transaction.atomic
def decide_identity(*, actor: Actor, request_id, grant: bool, note: str = "", custodian_key=None) -> IdentityRequest:
    """The custodian's decision. Granting opens the identity with the custodian key and seals it to the requester."""
    req = get_in_scope(IdentityRequest.objects.select_for_update().select_related("report", "report__office", "report__office__org"), actor, write=True, pk=request_id)
    office = req.report.office
    if req.status != RequestStatus.PENDING:
        raise ServiceError.single("request", "decided", _("该申请已作出决定"))
    if actor.user is not None and req.requested_by_id == actor.user.pk:
        raise ServiceError.single("request", "self_decision", _("申请人不能自行决定"))
    if not has_grant(office, actor.user, KeyRole.CUSTODIAN):
        raise PermissionDenied()
    note = clean_text(note)
    if grant:
        requester_key = live_key(req.requested_by)
        if requester_key is None:
            raise ServiceError.single("request", "no_key", _("申请人没有个人密钥"))
        try:
            secret = office_secret(office, actor.user, custodian_key, KeyRole.CUSTODIAN)
        except crypto.Locked:
            raise ServiceError.single("password", "locked", _("请先输入密码解锁身份保管密钥")) from None
        identity = crypto.unseal(secret, bytes(req.report.sealed_identity))
        req.sealed_for_requester = crypto.seal(bytes(requester_key.public_key), identity)
        req.status = RequestStatus.GRANTED
    else:
        if not note:
            raise ServiceError.single("note", "required", _("拒绝时请写明理由"))
        req.status = RequestStatus.REFUSED
    req.decided_by = actor.user
    req.decided_at = timezone.now()
    req.decision_note = note[:500]
    req.save()
    audit.record(actor, "tipoffs.identity.decide", req, data={"report": req.report_id, "granted": bool(grant), "note": note[:500]}, org_path=office.org.path)
    return req


def read_identity(*, actor: Actor, report_id, handler_key) -> dict:
    """The reporter's identity, for a handler whose request the custodian granted; refused otherwise. Audited."""
    report = get_in_scope(Report.objects.select_related("office", "office__org"), actor, pk=report_id)
    req = (
        IdentityRequest.objects.filter(report=report, requested_by=actor.user, status=RequestStatus.GRANTED).order_by("-decided_at").first()
        if actor.user is not None else None
    )
    if req is None:
        with transaction.atomic():
            audit.record(actor, "tipoffs.identity.refused", report, data={"reason": "no_granted_request"}, org_path=report.office.org.path)
        raise PermissionDenied("identity_not_granted")
    if handler_key is None:
        raise crypto.Locked("not unlocked")
    identity = crypto.unseal_json(handler_key, bytes(req.sealed_for_requester))
    with transaction.atomic():
        audit.record(actor, "tipoffs.identity.read", report, data={"request": req.pk}, org_path=report.office.org.path)
    return identity


def guidance() -> dict:
    return {"categories": CATEGORY_LABELS, "out_of_scope": OUT_OF_SCOPE_GUIDANCE}
