"""Every write of remote education: validated, one transaction, an audit event. Hours from a study session are
credited to each attending member's training archive through `training.services.credit_hours` (idempotent on
source + ref, so recording the same attendance twice credits once)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from orgwork.core import audit, params
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, ServiceError
from orgwork.core.scope import get_in_scope
from orgwork.members.models import Member, Standing
from orgwork.training import services as training

from .models import Attendance, Course, CourseKind, StudySession, Venue, VenueKind
from .rules import education_rules


def _text(errors, field, value, label, *, max_length, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.append(FieldError(field, "required", _("请填写%(label)s") % {"label": label}))
    elif len(value) > max_length:
        errors.append(FieldError(field, "too_long", _("%(label)s不能超过%(max_length)s字") % {"label": label, "max_length": max_length}))
    return value


def _hours(errors, value) -> Decimal | None:
    try:
        h = Decimal(str(value)).quantize(Decimal("0.1"))
        if not Decimal("0") < h <= Decimal("24"):
            raise InvalidOperation
        return h
    except (InvalidOperation, ValueError, TypeError):
        errors.append(FieldError("hours", "bad_value", _("学时应为大于0、不超过24的数")))
        return None


def parse_equipment(text: str) -> list[dict]:
    """"电视机 1\n电脑 2" → [{"name": "电视机", "count": 1}, …]; a line without a number counts 1."""
    out = []
    for line in (text or "").splitlines():
        parts = line.strip().replace("，", " ").replace(",", " ").split()
        if not parts:
            continue
        count = int(parts[-1]) if len(parts) > 1 and parts[-1].isdigit() else 1
        name = " ".join(parts[:-1] if len(parts) > 1 and parts[-1].isdigit() else parts)[:60]
        out.append({"name": name, "count": min(count, 9999)})
    return out


@transaction.atomic
def create_venue(*, actor: Actor, org_id, kind: str, name: str, admin_name: str = "", admin_member_id=None, address: str = "", area: int | None = None, equipment: list | None = None, opened_on: dt.date | None = None) -> Venue:
    org = params.writable_org(actor, org_id)
    errors: list[FieldError] = []
    if kind not in VenueKind.values:
        errors.append(FieldError("kind", "bad_value", _("类别不正确")))
    name = _text(errors, "name", name, _("名称"), max_length=120)
    address = _text(errors, "address", address, _("地址"), max_length=200, required=False)
    admin = None
    if admin_member_id:
        try:
            admin = get_in_scope(Member.objects.all(), actor, pk=params.to_id(admin_member_id, field="admin_member", label=_("管理员"), required=True))
        except NotFound:
            errors.append(FieldError("admin_member", "unknown_member", _("管理员不存在或不在您的管理范围内")))
    admin_name = admin.name if admin else _text(errors, "admin_name", admin_name, _("管理员"), max_length=60)
    if errors:
        raise ServiceError(errors)
    v = Venue.objects.create(org=org, kind=kind, name=name, address=address, area=area, equipment=list(equipment or []), admin_name=admin_name, admin_member=admin, opened_on=opened_on)
    audit.record(actor, "education.venue", v, changes={"name": [None, name], "kind": [None, kind]}, data={"equipment": v.equipment, "admin": admin_name})
    return v


@transaction.atomic
def upload_course(*, actor: Actor, org_id, title: str, kind: str, file, hours, topic: str = "", description: str = "", today: dt.date | None = None) -> Course:
    """A course stored on this server: the file is kept under MEDIA_ROOT (never a link to a CDN)."""
    org = params.writable_org(actor, org_id)
    r = education_rules(today)
    errors: list[FieldError] = []
    title = _text(errors, "title", title, _("课程名称"), max_length=200)
    topic = _text(errors, "topic", topic, _("专题"), max_length=60, required=False)
    description = _text(errors, "description", description, _("简介"), max_length=2000, required=False)
    h = _hours(errors, hours)
    if kind not in CourseKind.values:
        errors.append(FieldError("kind", "bad_value", _("类型不正确")))
    if not file:
        errors.append(FieldError("file", "required", _("请上传课程文件")))
    else:
        suffixes = r["video_suffixes"] if kind == CourseKind.VIDEO else r["document_suffixes"]
        if not str(file.name).lower().endswith(tuple(suffixes)):
            errors.append(FieldError("file", "bad_value", _("%(value)s只接受：%(join)s") % {"value": _("视频") if kind == CourseKind.VIDEO else _("文档"), "join": "、".join(suffixes)}))
        elif file.size > r["max_file_mb"] * 1024 * 1024:
            errors.append(FieldError("file", "too_large", _("文件不能超过%(max_file_mb)sMB") % {"max_file_mb": r['max_file_mb']}))
    if errors:
        raise ServiceError(errors)
    c = Course.objects.create(org=org, title=title, kind=kind, topic=topic, description=description, hours=h, file=file, file_name=str(file.name)[-200:], size=file.size)
    audit.record(actor, "education.course", c, changes={"title": [None, title]}, data={"kind": kind, "file": c.file_name, "size": c.size, "hours": h})
    return c


@transaction.atomic
def withdraw_course(*, actor: Actor, course_id, today: dt.date | None = None) -> Course:
    c = get_in_scope(Course.objects.select_for_update().select_related("org"), actor, write=True, pk=params.to_id(course_id, field="course", label=_("课程"), required=True))
    if c.withdrawn_on:
        raise ServiceError.single("course", "not_allowed", _("课程已下架"))
    c.withdrawn_on = today or dt.date.today()
    c.save(update_fields=["withdrawn_on"])
    audit.record(actor, "education.course_withdraw", c, changes={"withdrawn_on": [None, c.withdrawn_on]})
    return c


@transaction.atomic
def record_session(
    *, actor: Actor, venue_id, title: str = "", held_on: dt.date | None, hours=None, host: str, member_ids=(), course_id=None, today: dt.date | None = None
) -> StudySession:  # fmt: skip
    """A study session at a site with its attendance; each attending member is credited the hours (training archive)."""
    today = today or dt.date.today()
    venue = get_in_scope(Venue.objects.select_related("org"), actor, write=True, pk=params.to_id(venue_id, field="venue", label=_("站点"), required=True))
    errors: list[FieldError] = []
    course = None
    if course_id:
        course = Course.objects.filter(pk=params.to_id(course_id, field="course", label=_("课程"), required=True), withdrawn_on__isnull=True).first()
        if course is None:
            errors.append(FieldError("course", "bad_value", _("课程不存在或已下架")))
    title = (title or "").strip() or (course.title if course else "")
    title = _text(errors, "title", title, _("学习内容"), max_length=200)
    host = _text(errors, "host", host, _("主持人"), max_length=60)
    h = _hours(errors, hours if hours not in (None, "") else (course.hours if course else None))
    if venue.closed_on:
        errors.append(FieldError("venue", "not_allowed", _("%(name)s已停用") % {"name": venue.name}))
    if held_on is None:
        errors.append(FieldError("held_on", "required", _("请填写日期")))
    elif held_on > today:
        errors.append(FieldError("held_on", "future_date", _("日期不能晚于今天")))
    ids = sorted({params.to_id(m, field="members", label=_("参学党员"), required=True) for m in member_ids or ()})
    members = list(Member.objects.filter(pk__in=ids))
    from orgwork.core.scope import scope

    visible = set(scope(Member.objects.filter(pk__in=ids), actor).values_list("pk", flat=True))
    if not ids:
        errors.append(FieldError("members", "required", _("请选择参学党员")))
    elif len(members) != len(ids) or set(ids) - visible:
        errors.append(FieldError("members", "unknown_member", _("有参学党员不存在或不在您的管理范围内")))
    for m in members:
        if m.standing != Standing.NORMAL:
            errors.append(FieldError("members", "not_allowed", _("%(name)s不在册（%(standing)s）") % {"name": m.name, "standing": m.get_standing_display()}))
    if errors:
        raise ServiceError(errors)
    s = StudySession.objects.create(venue=venue, course=course, title=title, held_on=held_on, hours=h, host=host)
    source = education_rules(held_on)["credit_source"]
    for m in members:
        credit = training.credit_hours(
            actor, id_number=m.id_number, name=m.name, hours=h, on=held_on, source=source, ref=f"education:session:{s.pk}:member:{m.pk}",
            member=m, note=f"{venue.name}：{title}"[:200], today=today,
        )  # fmt: skip
        Attendance.objects.create(session=s, member=m, credit_id=credit.pk)
    audit.record(actor, "education.session", s, changes={"title": [None, title], "held_on": [None, held_on]}, data={"venue": venue.pk, "members": len(members), "hours": h})
    return s
