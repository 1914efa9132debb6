"""Every write of the petition register and the reception schedule: keyword-only arguments, one transaction, audit."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from orgwork.core import audit, distribution, procedures
from orgwork.core import sms as core_sms
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, PermissionDenied, ServiceError
from orgwork.core.models import Role
from orgwork.core.normalize import clean_text
from orgwork.core.params import writable_org
from orgwork.core.scope import get_in_scope
from orgwork.orgs.models import Org

from .models import Booking, BookingStatus, Channel, Leader, Level, Petition, ReceptionDay, Reply, Satisfaction, Status
from .rules import CATEGORIES, DECISIONS, KIND, RESULTS, intake_rules

SYSTEM = "petition-intake"


def _system() -> Actor:
    return Actor.system_actor(SYSTEM)


def default_org() -> Org | None:
    return Org.objects.filter(parent__isnull=True, abolished_on__isnull=True).order_by("path").first()


def _reference(on: dt.date) -> str:
    prefix = f"XF{on:%Y}"
    n = Petition.objects.filter(reference__startswith=prefix).count() + 1
    while Petition.objects.filter(reference=f"{prefix}{n:06d}").exists():
        n += 1
    return f"{prefix}{n:06d}"


def _phone(errors: list, phone: str, *, required: bool) -> str:
    phone = clean_text(phone)
    if not phone:
        if required:
            errors.append(FieldError("petitioner_phone", "required", _("请填写联系电话")))
        return ""
    try:
        return core_sms.normalize_phone(phone)
    except core_sms.SmsError:
        errors.append(FieldError("petitioner_phone", "bad_phone", _("请填写正确的手机号码")))
        return ""


@transaction.atomic
def submit(
    *, actor: Actor | None, channel: str = Channel.ONLINE, category: str, content: str, petitioner_name: str = "", petitioner_phone: str = "",
    org_id=None, user=None, received_on: dt.date | None = None,
) -> Petition:
    """Register a petition from any channel. actor None: the public hall (online, anonymous or signed in) or SMS."""
    today = dt.date.today()
    received_on = received_on or today
    rules = intake_rules(received_on)
    errors: list[FieldError] = []
    if actor is None:
        if channel not in (Channel.ONLINE, Channel.SMS):
            raise ServiceError.single("channel", "bad_value", _("网上和短信以外的信访由工作人员登记"))
        org = default_org()
        if org is None:
            raise ServiceError.single("org", "no_org", _("尚未设立受理单位"))
        acting = _system()
        received_on = today
    else:
        org = writable_org(actor, org_id)
        acting = actor
        if channel not in Channel.values:
            errors.append(FieldError("channel", "bad_value", _("信访渠道不正确")))
        if received_on > today:
            errors.append(FieldError("received_on", "future_date", _("登记日期不能晚于今天")))
    if category not in rules["categories"]:
        errors.append(FieldError("category", "bad_value", _("请选择信访类别")))
    body = str(content or "").strip()
    if not body:
        errors.append(FieldError("content", "required", _("请填写信访内容")))
    elif len(body) > rules["max_text_chars"]:
        errors.append(FieldError("content", "too_long", _("信访内容不超过%(max_text_chars)s字") % {"max_text_chars": rules['max_text_chars']}))
    phone = _phone(errors, petitioner_phone, required=False)
    if errors:
        raise ServiceError(errors)
    name = clean_text(petitioner_name)[:60]
    if user is not None and not name:
        name = (user.get_full_name() or "")[:60]
    repeat_of = None
    if phone:
        since = received_on - dt.timedelta(days=rules["repeat_window_days"])
        repeat_of = Petition.objects.filter(petitioner_phone=phone, category=category, received_on__gte=since).order_by("-received_on", "-id").first()
    p = Petition.objects.create(
        org=org, reference=_reference(received_on), channel=channel, category=category, petitioner_name=name, petitioner_phone=phone,
        user=user if getattr(user, "is_authenticated", False) else None, content=body, received_on=received_on, repeat_of=repeat_of, rule_version=rules.version,
    )
    instance = procedures.start(actor=_system() if actor is None else acting, kind=KIND, org_id=org.pk, title=f"信访事项{p.reference}", on=received_on, subject=p)
    procedures.complete_step(actor=_system() if actor is None else acting, instance_id=instance.pk, step="register", done_on=received_on)
    instance.refresh_from_db()
    p.procedure = instance
    p.save(update_fields=["procedure"])
    audit.record(acting, "petitions.submit", p, data={"channel": channel, "category": category, "repeat_of": repeat_of.pk if repeat_of else None}, org_path=org.path)
    return p


def sms_inbound(*, phone: str, text: str, received_at=None, message_id: str = "") -> str:
    """The SMS gateway's inbound hook (core.sms.register_inbound): every message is a petition; the answer names it."""
    p = submit(actor=None, channel=Channel.SMS, category="other", content=text, petitioner_phone=phone)
    return _("您的信访事项已登记，编号%(reference)s。我们将在15日内告知是否受理。") % {"reference": p.reference}


def _for_write(actor: Actor, petition_id) -> Petition:
    p = get_in_scope(Petition.objects.select_for_update(of=("self",)).select_related("org", "procedure"), actor, write=True, pk=petition_id)
    return p


def _step(actor: Actor, p: Petition, step: str, on, data=None):
    return procedures.complete_step(actor=actor, instance_id=p.procedure_id, step=step, done_on=on or dt.date.today(), data=data or {})


def _status(actor: Actor, p: Petition, status: str, **extra) -> None:
    before = {"status": p.status, **{k: getattr(p, k) for k in extra}}
    p.status = status
    for k, v in extra.items():
        setattr(p, k, v)
    p.save()
    audit.record(actor, "petitions.status", p, changes=audit.diff(before, {"status": status, **extra}), org_path=p.org.path)


@transaction.atomic
def route(*, actor: Actor, petition_id, org_id, reason: str) -> Petition:
    """交办: send the petition to the responsible unit (the unit's admins then act on it)."""
    p = _for_write(actor, petition_id)
    org = writable_org(actor, org_id)
    reason = clean_text(reason)
    if not reason:
        raise ServiceError.single("reason", "required", _("请填写交办说明"))
    before = p.org_id
    p.org = org
    p.top_org_id = distribution.top_org_id_for_path(org.path)  # the distribution column follows the new org
    p.save(update_fields=["org", "top_org"])
    if p.procedure_id:
        type(p.procedure).objects.filter(pk=p.procedure_id).update(org=org, top_org_id=distribution.top_org_id_for_path(org.path))
    audit.record(actor, "petitions.route", p, changes={"org": [before, org.pk]}, data={"reason": reason[:500]}, org_path=org.path)
    return p


@transaction.atomic
def decide(*, actor: Actor, petition_id, decision: str, reason: str = "", on: dt.date | None = None) -> Petition:
    p = _for_write(actor, petition_id)
    if decision not in dict(DECISIONS):
        raise ServiceError.single("decision", "bad_value", _("请选择受理意见"))
    if decision != "accept" and not clean_text(reason):
        raise ServiceError.single("reason", "required", _("不予受理或转送时请写明理由"))
    _step(actor, p, "accept", on, {"decision": decision, "reason": clean_text(reason)[:500]})
    if decision == "accept":
        _status(actor, p, Status.ACCEPTED)
    else:
        procedures.terminate(actor=actor, instance_id=p.procedure_id, reason=dict(DECISIONS)[decision], on=on)
        _status(actor, p, Status.NOT_ACCEPTED if decision == "not_accept" else Status.TRANSFERRED)
        _reply(actor, p, f"您的信访事项{dict(DECISIONS)[decision]}。理由：{clean_text(reason)}")
    return p


def _above(actor: Actor, org) -> bool:
    """An administrator of a higher organization than the unit (the unit does not approve its own extension)."""
    if actor.unrestricted:
        return True
    roles = {Role.SYSADMIN, Role.DEPT_ADMIN, Role.ORG_ADMIN}
    return any(g.role in roles and org.path.startswith(g.path) and g.path != org.path for g in actor.effective_grants)


@transaction.atomic
def extend(*, actor: Actor, petition_id, reason: str, on: dt.date | None = None) -> Petition:
    """延期: by at most 30 days, approved at the level above the unit (a committee admin)."""
    p = _for_write(actor, petition_id)
    if p.procedure is None or p.procedure.step != "conclude":
        raise ServiceError.single("petition", "not_extendable", _("只有办理阶段可以延期"))
    if not _above(actor, p.org):
        raise PermissionDenied()
    if (p.procedure.data.get("extensions") or {}).get("conclude"):
        raise ServiceError.single("petition", "extension_used", _("办理期限已延长过"))
    days = procedures.definition_for(p.procedure).value("extension_days")
    procedures.extend_due(actor=actor, instance_id=p.procedure_id, until=p.procedure.due_on + dt.timedelta(days=days), reason=f"经批准延长{days}日：{clean_text(reason)}", on=on)
    return p


@transaction.atomic
def conclude(*, actor: Actor, petition_id, result: str, on: dt.date | None = None) -> Petition:
    p = _for_write(actor, petition_id)
    if result not in dict(RESULTS):
        raise ServiceError.single("result", "bad_value", _("请选择办理意见"))
    _step(actor, p, "conclude", on, {"result": result})
    _status(actor, p, Status.CONCLUDED, result=result)
    return p


def _reply(actor: Actor, p: Petition, text: str) -> Reply:
    r = Reply.objects.create(petition=p, text=text, written_by=actor.user)
    if p.petitioner_phone:
        try:
            core_sms.gateway().send(phone=p.petitioner_phone, text=(_("【信访答复】%(reference)s：%(text)s") % {"reference": p.reference, "text": text})[:core_sms.MAX_LENGTH])
            r.sms_sent = True
            r.save(update_fields=["sms_sent"])
        except core_sms.SmsError:
            pass
    return r


@transaction.atomic
def reply(*, actor: Actor, petition_id, text: str, on: dt.date | None = None) -> Reply:
    p = _for_write(actor, petition_id)
    text = str(text or "").strip()
    if not text:
        raise ServiceError.single("text", "required", _("请填写答复内容"))
    r = _reply(actor, p, text[:2000])
    if p.procedure and p.procedure.step == "reply":
        _step(actor, p, "reply", on)
        _status(actor, p, Status.REPLIED)
    audit.record(actor, "petitions.reply", p, data={"reply": r.pk, "sms": r.sms_sent}, org_path=p.org.path)
    return r


@transaction.atomic
def close(*, actor: Actor, petition_id, on: dt.date | None = None) -> Petition:
    p = _for_write(actor, petition_id)
    _step(actor, p, "close", on)
    _status(actor, p, Status.CLOSED)
    return p


def find_public(reference: str, phone: str) -> Petition:
    """The petitioner's own petition by its number and the phone they gave (anonymous ones cannot be followed)."""
    try:
        phone = core_sms.normalize_phone(phone)
    except core_sms.SmsError:
        raise NotFound() from None
    p = Petition.objects.filter(reference=clean_text(reference).upper(), petitioner_phone=phone).select_related("org").first()
    if p is None:
        raise NotFound()
    return p


@transaction.atomic
def evaluate(*, reference: str, phone: str, satisfaction: str, note: str = "") -> Petition:
    p = find_public(reference, phone)
    p = Petition.objects.select_for_update().get(pk=p.pk)
    if p.status not in (Status.REPLIED, Status.CLOSED, Status.NOT_ACCEPTED, Status.TRANSFERRED):
        raise ServiceError.single("satisfaction", "too_early", _("答复后才能评价"))
    if satisfaction not in Satisfaction.values:
        raise ServiceError.single("satisfaction", "bad_value", _("请选择满意度"))
    p.satisfaction = satisfaction
    p.satisfaction_note = clean_text(note)[:500]
    p.save(update_fields=["satisfaction", "satisfaction_note"])
    audit.record(_system(), "petitions.evaluate", p, data={"satisfaction": satisfaction}, org_path=p.org.path)
    return p


@transaction.atomic
def link_repeat(*, actor: Actor, petition_id, previous_reference: str) -> Petition:
    p = _for_write(actor, petition_id)
    prev = get_in_scope(Petition.objects.all(), actor, reference=clean_text(previous_reference).upper()) if previous_reference else None
    if prev is None or prev.pk == p.pk:
        raise ServiceError.single("previous_reference", "bad_value", _("请填写此前另一件信访事项的编号"))
    before = p.repeat_of_id
    p.repeat_of = prev
    p.save(update_fields=["repeat_of"])
    audit.record(actor, "petitions.link_repeat", p, changes={"repeat_of": [before, prev.pk]}, org_path=p.org.path)
    return p


# --- leaders' reception --------------------------------------------------------------------------------------
@transaction.atomic
def add_leader(*, actor: Actor, org_id, name: str, post: str, level: str) -> Leader:
    org = writable_org(actor, org_id)
    name, post = clean_text(name), clean_text(post)
    errors = []
    if not name:
        errors.append(FieldError("name", "required", _("请填写姓名")))
    if not post:
        errors.append(FieldError("post", "required", _("请填写职务")))
    if level not in Level.values:
        errors.append(FieldError("level", "bad_value", _("层级应为市级或县级领导")))
    if errors:
        raise ServiceError(errors)
    leader = Leader.objects.create(org=org, name=name[:60], post=post[:120], level=level)
    audit.record(actor, "petitions.leader.add", leader, data={"level": level}, org_path=org.path)
    return leader


@transaction.atomic
def schedule_day(*, actor: Actor, leader_id, date: dt.date, place: str, published: bool = True) -> ReceptionDay:
    leader = get_in_scope(Leader.objects.select_related("org"), actor, write=True, pk=leader_id)
    place = clean_text(place)
    if not place:
        raise ServiceError.single("place", "required", _("请填写接访地点"))
    if date is None:
        raise ServiceError.single("date", "required", _("请填写接访日期"))
    if ReceptionDay.objects.filter(leader=leader, date=date).exists():
        raise ServiceError.single("date", "duplicate_existing", _("该领导当天已安排接访"))
    day = ReceptionDay.objects.create(leader=leader, date=date, place=place[:200], published=published)
    audit.record(actor, "petitions.reception.schedule", day, data={"leader": leader.pk, "date": date}, org_path=leader.org.path)
    return day


@transaction.atomic
def book(*, day_id, name: str, phone: str, topic: str, actor: Actor | None = None) -> Booking:
    """An appointment on a published reception day (public, or entered by staff)."""
    qs = ReceptionDay.objects.select_related("leader", "leader__org")
    day = qs.filter(pk=day_id, published=True).first() if actor is None else get_in_scope(qs, actor, write=True, pk=day_id)
    if day is None:
        raise ServiceError.single("day", "bad_value", _("请选择已公布的接访日"))
    if day.date < dt.date.today():
        raise ServiceError.single("day", "past", _("该接访日已过"))
    errors = []
    name, topic = clean_text(name), clean_text(topic)
    if not name:
        errors.append(FieldError("name", "required", _("请填写姓名")))
    if not topic:
        errors.append(FieldError("topic", "required", _("请填写反映事项")))
    phone = _phone(errors, phone, required=True)
    if errors:
        raise ServiceError(errors)
    b = Booking.objects.create(day=day, name=name[:60], phone=phone, topic=topic[:500])
    audit.record(actor or _system(), "petitions.reception.book", b, data={"day": day.pk}, org_path=day.leader.org.path)
    return b


@transaction.atomic
def record_reception(*, actor: Actor, day_id, record: str) -> ReceptionDay:
    day = get_in_scope(ReceptionDay.objects.select_for_update(of=("self",)).select_related("leader", "leader__org"), actor, write=True, pk=day_id)
    record = str(record or "").strip()
    if not record:
        raise ServiceError.single("record", "required", _("请填写接访记录"))
    if day.date > dt.date.today():
        raise ServiceError.single("record", "future_date", _("接访日之后才能填写记录"))
    day.held = True
    day.record = record[:5000]
    day.save(update_fields=["held", "record"])
    day.bookings.filter(status=BookingStatus.BOOKED).update(status=BookingStatus.RECEIVED)
    audit.record(actor, "petitions.reception.record", day, data={"held": True}, org_path=day.leader.org.path)
    return day


@transaction.atomic
def follow_up(*, actor: Actor, booking_id, follow_up: str, closed_on: dt.date | None = None) -> Booking:
    b = get_in_scope(Booking.objects.select_for_update(of=("self",)).select_related("day", "day__leader", "day__leader__org"), actor, write=True, pk=booking_id)
    text = clean_text(follow_up)
    if not text:
        raise ServiceError.single("follow_up", "required", _("请填写跟踪办理情况"))
    b.follow_up = text[:500]
    if closed_on:
        b.closed_on = closed_on
        b.status = BookingStatus.CLOSED
    b.save()
    audit.record(actor, "petitions.reception.follow_up", b, data={"closed_on": closed_on}, org_path=b.day.leader.org.path)
    return b


CATEGORY_LABELS = dict(CATEGORIES)
