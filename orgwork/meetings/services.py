"""Every write to organizational life: keyword-only arguments, one transaction, audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgwork.core import audit, distribution, params
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, ServiceError
from orgwork.core.fields import subtree_q
from orgwork.core.normalize import clean_name, clean_text
from orgwork.core.scope import scope
from orgwork.members.models import Member, Standing
from orgwork.orgs.models import BRANCH_KINDS, Org, OrgKind, OrgOfficer

from .models import (
    THEME_DAY_PARTS,
    Attachment,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    MeetingStatus,
    SignInVia,
)
from .rules import life_rules

# Kinds a group holds; everything else is held by a branch (or a higher committee).
GROUP_KINDS = {MeetingKind.GROUP_MEETING, MeetingKind.TALK, MeetingKind.CUSTOM}
RECORD_FIELDS = ("topic", "place", "host", "recorder", "minutes", "resolutions", "custom_kind", "speaker_name", "planned_on")


def _writable_org(actor: Actor, org_id) -> Org:
    return params.writable_org(actor, org_id)


def _writable_meeting(actor: Actor, meeting_id) -> Meeting:
    try:
        return scope(Meeting.objects.select_for_update().select_related("org"), actor, write=True).get(pk=meeting_id)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def roster_org(org: Org) -> Org:
    """Members are registered in branches; a group's roster is its branch's."""
    if org.kind == OrgKind.GROUP and org.parent_id:
        return Org.objects.get(pk=org.parent_id)
    return org


def roster(org: Org):
    base = roster_org(org)
    return Member.objects.filter(subtree_q(base.path, "org__path"), standing=Standing.NORMAL).order_by("name_pinyin", "id")


def default_expected(org: Org, kind: str) -> list[int]:
    """Who a meeting expects when nobody is chosen: a group meeting the members seated in that party group,
    a committee meeting the committee (the org's current seats held by members on its roll), any other meeting
    the org's roll. A group nobody was seated in, or a committee with no seat linked to a member record, falls
    back to the roll, so attendance can still be recorded."""
    if kind == MeetingKind.GROUP_MEETING and org.kind == OrgKind.GROUP:
        group = list(roster(org).filter(party_group=org).values_list("pk", flat=True))
        if group:
            return group
    if kind == MeetingKind.COMMITTEE_MEETING:
        seats = OrgOfficer.objects.filter(org=org, ended_on__isnull=True, member__isnull=False).values_list("member_id", flat=True)
        committee = list(roster(org).filter(pk__in=list(seats)).values_list("pk", flat=True))
        if committee:
            return committee
    return list(roster(org).values_list("pk", flat=True))


def _check_kind(org: Org, kind: str, errors: list[FieldError]):
    if kind not in MeetingKind.values:
        errors.append(FieldError("kind", "bad_value", _("会议类别“%(kind)s”无效") % {"kind": kind}))
    elif org.kind == OrgKind.GROUP and kind not in GROUP_KINDS:
        errors.append(FieldError("kind", "bad_kind_for_org", _("党小组不能召开%(label)s，请在所在党支部下记录") % {"label": MeetingKind(kind).label}))
    elif kind == MeetingKind.GROUP_MEETING and org.kind != OrgKind.GROUP:
        errors.append(FieldError("kind", "bad_kind_for_org", _("党小组会请在对应党小组下记录")))


def _members_in(org: Org, ids) -> list[int]:
    ids = {int(i) for i in ids or []}
    if not ids:
        return []
    found = set(roster(org).filter(pk__in=ids).values_list("pk", flat=True))
    missing = ids - found
    if missing:
        raise ServiceError.single("members", "not_in_roster", _("有%(n)s名人员不在本组织的在册党员中") % {"n": len(missing)})
    return sorted(found)


def is_secretary(org: Org, member_id: int | None, on: dt.date | None = None) -> bool:
    """The speaker is the branch's secretary (the seat current on the lecture date)."""
    if not member_id:
        return False
    base = roster_org(org)
    qs = OrgOfficer.objects.filter(org=base, member_id=member_id, post="secretary")
    if on is not None:
        qs = qs.exclude(started_on__gt=on).exclude(ended_on__lt=on)
    else:
        qs = qs.filter(ended_on__isnull=True)
    return qs.exists()


@transaction.atomic
def plan_meeting(
    *,
    actor: Actor,
    org_id: int,
    kind: str,
    topic: str,
    planned_on: dt.date,
    place: str = "",
    host: str = "",
    recorder: str = "",
    custom_kind: str = "",
    speaker_id: int | None = None,
    speaker_name: str = "",
    attendee_ids: list[int] | None = None,
) -> Meeting:
    """A planned meeting; expected attendees default to the whole roster (a talk names its participants)."""
    org = _writable_org(actor, org_id)
    errors: list[FieldError] = []
    _check_kind(org, kind, errors)
    topic = clean_text(topic)
    if not topic:
        errors.append(FieldError("topic", "required", _("请填写会议主题")))
    if planned_on is None:
        errors.append(FieldError("planned_on", "required", _("请填写计划日期")))
    if kind == MeetingKind.CUSTOM and not clean_text(custom_kind):
        errors.append(FieldError("custom_kind", "required", _("请填写活动类别名称")))
    if kind == MeetingKind.TALK and len(attendee_ids or []) < 2:
        errors.append(FieldError("attendee_ids", "required", _("谈心谈话请选择至少2名参加人")))
    if errors:
        raise ServiceError(errors)
    if attendee_ids:
        expected = _members_in(org, attendee_ids)
    else:
        expected = default_expected(org, kind)
    if speaker_id and speaker_id not in expected:
        _members_in(org, [speaker_id])
    if speaker_id and not clean_name(speaker_name):
        speaker_name = Member.objects.filter(pk=speaker_id).values_list("name", flat=True).first() or ""
    meeting = Meeting.objects.create(
        org=org,
        kind=kind,
        custom_kind=clean_text(custom_kind),
        topic=topic,
        planned_on=planned_on,
        place=clean_text(place),
        host=clean_name(host),
        recorder=clean_name(recorder),
        speaker_id=speaker_id,
        speaker_name=clean_name(speaker_name),
        rules_version=life_rules(planned_on).version,
        created_by_id=actor.user_id,
    )
    rows = [Attendance(meeting=meeting, member_id=m) for m in expected]
    distribution.fill(rows)  # each row carries its member's top-level org
    Attendance.objects.bulk_create(rows)
    audit.record(
        actor, "meeting.plan", meeting,
        changes=audit.diff({}, {"kind": kind, "topic": topic, "planned_on": planned_on, "org": org.pk}),
        data={"expected": len(expected)},
    )
    return meeting


@transaction.atomic
def update_meeting(*, actor: Actor, meeting_id: int, speaker_id: int | str | None = "", **fields) -> Meeting:
    unknown = set(fields) - set(RECORD_FIELDS)
    if unknown:
        raise TypeError(f"unknown meeting fields: {sorted(unknown)}")
    meeting = _writable_meeting(actor, meeting_id)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ServiceError.single("status", "cancelled", _("已取消的会议不能修改"))
    values = {}
    for key, value in fields.items():
        if key == "planned_on":
            if value is None:
                raise ServiceError.single("planned_on", "required", _("请填写计划日期"))
            values[key] = value
        elif key in ("host", "recorder", "speaker_name"):
            values[key] = clean_name(value)
        elif key in ("minutes", "resolutions"):
            values[key] = (value or "").strip()
        else:
            values[key] = clean_text(value)
    if "topic" in values and not values["topic"]:
        raise ServiceError.single("topic", "required", _("请填写会议主题"))
    if speaker_id != "":
        values["speaker_id"] = int(speaker_id) if speaker_id else None
        if values["speaker_id"]:
            _members_in(meeting.org, [values["speaker_id"]])
            if not values.get("speaker_name"):
                values["speaker_name"] = Member.objects.get(pk=values["speaker_id"]).name
    before = audit.snapshot(meeting, values)
    for k, v in values.items():
        setattr(meeting, k, v)
    if meeting.held_on and "speaker_id" in values:
        meeting.speaker_is_secretary = meeting.kind == MeetingKind.LECTURE and is_secretary(meeting.org, meeting.speaker_id, meeting.held_on)
    changes = audit.diff(before, audit.snapshot(meeting, values))
    if changes:
        meeting.save()
        audit.record(actor, "meeting.update", meeting, changes=changes)
    return meeting


@transaction.atomic
def set_checklist(*, actor: Actor, meeting_id: int, parts: dict[str, bool]) -> Meeting:
    meeting = _writable_meeting(actor, meeting_id)
    if meeting.kind != MeetingKind.THEME_DAY:
        raise ServiceError.single("checklist", "not_theme_day", _("只有主题党日有固定内容清单"))
    unknown = set(parts) - set(THEME_DAY_PARTS)
    if unknown:
        raise ServiceError.single("checklist", "bad_value", _("未知的固定内容：%(join)s") % {"join": '、'.join(sorted(unknown))})
    before = dict(meeting.checklist)
    meeting.checklist = {**before, **{k: bool(v) for k, v in parts.items()}}
    meeting.save(update_fields=["checklist", "updated_at"])
    audit.record(actor, "meeting.checklist", meeting, changes=audit.diff(before, meeting.checklist))
    return meeting


@transaction.atomic
def record_meeting(
    *,
    actor: Actor,
    meeting_id: int,
    held_on: dt.date,
    present_ids: list[int] | None = None,
    absent: dict[int, str] | None = None,
    minutes: str = "",
    resolutions: str = "",
    today: dt.date | None = None,
) -> Meeting:
    """The meeting took place: its date, who came (sign-ins kept), who was absent and why, minutes, resolutions."""
    today = today or dt.date.today()
    meeting = _writable_meeting(actor, meeting_id)
    errors: list[FieldError] = []
    if meeting.status == MeetingStatus.CANCELLED:
        errors.append(FieldError("status", "cancelled", _("已取消的会议不能记录")))
    if held_on is None:
        errors.append(FieldError("held_on", "required", _("请填写召开日期")))
    elif held_on > today:
        errors.append(FieldError("held_on", "future_date", _("召开日期不能晚于今天")))
    org = meeting.org
    if org.founded_on and held_on and held_on < org.founded_on:
        errors.append(FieldError("held_on", "date_order", _("召开日期不能早于党组织成立日期")))
    if meeting.kind == MeetingKind.THEME_DAY:
        missing = [str(label) for key, label in THEME_DAY_PARTS.items() if not meeting.checklist.get(key)]
        if missing:
            errors.append(FieldError("checklist", "incomplete", _("主题党日应包括%(join)s，尚缺：%(join2)s") % {"join": "、".join(str(v) for v in THEME_DAY_PARTS.values()), "join2": '、'.join(missing)}))
    absent = {int(k): clean_text(v) for k, v in (absent or {}).items()}
    no_reason = [k for k, v in absent.items() if not v]
    if no_reason:
        errors.append(FieldError("absent", "reason_required", _("有%(n)s名缺席人员未填写缺席原因") % {"n": len(no_reason)}))
    present = {int(i) for i in present_ids or []}
    if present & set(absent):
        errors.append(FieldError("absent", "conflict", _("同一人不能既出席又缺席")))
    if errors:
        raise ServiceError(errors)
    rows = {a.member_id: a for a in meeting.attendance.select_for_update()}
    unknown = (present | set(absent)) - set(rows)
    if unknown:
        # People who came without being on the list (e.g. from another branch's roster) must be members of this roster.
        for mid in _members_in(org, unknown):
            rows[mid] = Attendance.objects.create(meeting=meeting, member_id=mid, expected=False)
    changed = []
    for mid, a in rows.items():
        if mid in present or (a.status == AttendanceStatus.PRESENT and a.signed_in_at and mid not in absent):
            new = (AttendanceStatus.PRESENT, "")
        elif mid in absent:
            new = (AttendanceStatus.ABSENT, absent[mid])
        else:
            new = (AttendanceStatus.ABSENT if a.expected else a.status, a.absent_reason or ("未说明" if a.expected else ""))
        if (a.status, a.absent_reason) != new:
            a.status, a.absent_reason = new
            if a.status == AttendanceStatus.PRESENT and not a.via:
                a.via = SignInVia.MANUAL
            changed.append(a)
    Attendance.objects.bulk_update(changed, ["status", "absent_reason", "via"])
    before = {"status": meeting.status, "held_on": meeting.held_on}
    meeting.status = MeetingStatus.HELD
    meeting.held_on = held_on
    meeting.signin_open = False
    if minutes:
        meeting.minutes = minutes.strip()
    if resolutions:
        meeting.resolutions = resolutions.strip()
    meeting.speaker_is_secretary = meeting.kind == MeetingKind.LECTURE and is_secretary(org, meeting.speaker_id, held_on)
    meeting.rules_version = life_rules(held_on).version
    meeting.save()
    if meeting.kind == MeetingKind.TALK:
        refresh_talk_coverage(member_ids=list(rows), years=sorted({held_on.year, *([before["held_on"].year] if before["held_on"] else [])}))
    n_present = sum(1 for a in rows.values() if a.status == AttendanceStatus.PRESENT)
    audit.record(
        actor, "meeting.record", meeting,
        changes=audit.diff(before, {"status": meeting.status, "held_on": held_on}),
        data={"present": n_present, "absent": len(rows) - n_present, "speaker_is_secretary": meeting.speaker_is_secretary},
    )
    return meeting


def refresh_talk_coverage(*, member_ids: list[int] | None = None, years: list[int]) -> int:
    """Recompute the derived talk coverage for some members (or everyone) in some years, from the attendance records."""
    from django.db import connection
    from django.db.models import IntegerField, Min, Value

    from .models import TalkCoverage

    n = 0
    for year in years:
        present = Attendance.objects.filter(
            status=AttendanceStatus.PRESENT, meeting__kind=MeetingKind.TALK, meeting__held_on__gte=dt.date(year, 1, 1), meeting__held_on__lte=dt.date(year, 12, 31)
        )
        old = TalkCoverage.objects.filter(year=year)
        if member_ids is not None:
            present = present.filter(member_id__in=member_ids)
            old = old.filter(member_id__in=member_ids)
        old.delete()  # derived data, rebuilt from the records
        # One INSERT … SELECT: the rows never pass through Python.
        rows = (
            present.values("member_id", "member__top_org_id")
            .annotate(y=Value(year, output_field=IntegerField()), first_org=Min("meeting__org_id"))
            .order_by()
            .values_list("member_id", "y", "first_org", "member__top_org_id")
        )
        select, params = rows.query.sql_with_params()
        table = TalkCoverage._meta.db_table
        with connection.cursor() as cur:
            cur.execute(f"INSERT INTO {table} (member_id, year, org_id, top_org_id) {select}", params)  # top_org_id: the member's
            n += max(cur.rowcount, 0)
    return n


@transaction.atomic
def cancel_meeting(*, actor: Actor, meeting_id: int, reason: str) -> Meeting:
    meeting = _writable_meeting(actor, meeting_id)
    reason = clean_text(reason)
    if not reason:
        raise ServiceError.single("reason", "required", _("请填写取消原因"))
    if meeting.status != MeetingStatus.PLANNED:
        raise ServiceError.single("status", "not_planned", _("只有计划中的会议可以取消"))
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancel_reason = reason
    meeting.signin_open = False
    meeting.save(update_fields=["status", "cancel_reason", "signin_open", "updated_at"])
    audit.record(actor, "meeting.cancel", meeting, data={"reason": reason})
    return meeting


@transaction.atomic
def publish_minutes(*, actor: Actor, meeting_id: int, publish: bool = True) -> Meeting:
    """The branch publishes a held meeting's minutes and resolutions to the members expected at it (their phone
    pages), or withdraws them. Only a held meeting with minutes can be published; unchanged is not recorded again."""
    meeting = _writable_meeting(actor, meeting_id)
    publish = bool(publish)
    if meeting.minutes_published == publish:
        return meeting
    if publish:
        if meeting.status != MeetingStatus.HELD:
            raise ServiceError.single("minutes_published", "not_held", _("会议尚未召开，不能向党员公开会议记录"))
        if not (meeting.minutes or "").strip():
            raise ServiceError.single("minutes", "required", _("会议记录为空，请先填写会议记录再向党员公开"))
    meeting.minutes_published = publish
    meeting.minutes_published_at = timezone.now() if publish else None
    meeting.save(update_fields=["minutes_published", "minutes_published_at", "updated_at"])
    audit.record(actor, "meeting.minutes_publish" if publish else "meeting.minutes_withdraw", meeting, changes={"minutes_published": [not publish, publish]})
    return meeting


@transaction.atomic
def set_signin(*, actor: Actor, meeting_id: int, open: bool) -> Meeting:
    meeting = _writable_meeting(actor, meeting_id)
    if open and meeting.status != MeetingStatus.PLANNED:
        raise ServiceError.single("status", "not_planned", _("只有计划中的会议可以开放签到"))
    meeting.signin_open = bool(open)
    meeting.save(update_fields=["signin_open", "updated_at"])
    audit.record(actor, "meeting.signin_open" if open else "meeting.signin_close", meeting)
    return meeting


@transaction.atomic
def sign_in(*, actor: Actor, code: str = "", token: str = "") -> Attendance:
    """A member signs in on their phone with the code shown at the meeting, or by scanning its QR code."""
    member = Member.objects.filter(user_id=actor.user_id, standing=Standing.NORMAL).select_related("org").first() if actor.user_id else None
    if member is None:
        raise ServiceError.single("member", "not_a_member", _("您的账号未关联党员信息，不能签到"))
    qs = Meeting.objects.select_related("org").filter(signin_open=True, status=MeetingStatus.PLANNED)
    if token:
        qs = qs.filter(signin_token=token)
        via = SignInVia.QR
    else:
        code = (code or "").strip()
        if not code.isdigit() or len(code) != 6:
            raise ServiceError.single("code", "bad_value", _("签到码为6位数字"))
        qs = qs.filter(signin_code=code)
        via = SignInVia.CODE
    candidates = [m for m in qs if member.org.path.startswith(roster_org(m.org).path)]
    if not candidates:
        raise ServiceError.single("code", "no_meeting", _("没有找到正在签到的会议，请核对签到码"))
    expected = [m for m in candidates if m.attendance.filter(member=member).exists()]
    meeting = (expected or candidates)[0]
    att, _created = Attendance.objects.select_for_update().get_or_create(meeting=meeting, member=member, defaults={"expected": False})
    if att.status != AttendanceStatus.PRESENT:
        att.status = AttendanceStatus.PRESENT
        att.absent_reason = ""
        att.signed_in_at = timezone.now()
        att.via = via
        att.save(update_fields=["status", "absent_reason", "signed_in_at", "via"])
        audit.record(actor, "meeting.sign_in", meeting, data={"member": member.pk, "via": via})
    return att


@transaction.atomic
def add_attachment(*, actor: Actor, meeting_id: int, file, name: str = "", is_photo: bool | None = None) -> Attachment:
    meeting = _writable_meeting(actor, meeting_id)
    name = clean_text(name or getattr(file, "name", "")) or "附件"
    if is_photo is None:
        is_photo = (getattr(file, "content_type", "") or "").startswith("image/") or name.lower().endswith((".jpg", ".jpeg", ".png", ".gif", ".webp"))
    size = getattr(file, "size", 0) or 0
    if size > 20 * 1024 * 1024:
        raise ServiceError.single("file", "too_large", _("单个附件不能超过20MB"))
    att = Attachment.objects.create(meeting=meeting, file=file, name=name[:200], is_photo=bool(is_photo), uploaded_by_id=actor.user_id)
    audit.record(actor, "meeting.attach", meeting, data={"attachment": att.pk, "name": att.name, "photo": att.is_photo})
    return att


__all__ = [
    "BRANCH_KINDS",
    "add_attachment",
    "cancel_meeting",
    "plan_meeting",
    "publish_minutes",
    "record_meeting",
    "set_checklist",
    "set_signin",
    "sign_in",
    "update_meeting",
]


@transaction.atomic
def reassign_org(*, actor: Actor, from_org_id: int, to_org_id: int, reason: str) -> list[int]:
    """An org merged into another (合并党组织): its meetings continue in the ledger of the org it merged into.

    Each moved meeting is listed, with the org it was held by, in the audit event (and in the caller's record).
    Appraisal rounds stay with the old org: one round per org and year, kept as that org's history.
    """
    src = params.writable_org(actor, from_org_id, field="from_org", label=_("原党组织"), active=False)
    dst = params.writable_org(actor, to_org_id, field="to_org", label=_("合并后的党组织"))
    reason = clean_text(reason)
    if not reason:
        raise ServiceError.single("reason", "required", _("请填写原因"))
    ids = list(Meeting.objects.filter(org=src).order_by("pk").values_list("pk", flat=True))
    Meeting.objects.filter(pk__in=ids).update(org=dst, top_org_id=distribution.top_org_id_for_path(dst.path))
    from .models import TalkCoverage

    TalkCoverage.objects.filter(org=src).update(org=dst)
    audit.record(actor, "meeting.reassign_org", dst, data={"from_org": src.pk, "from_name": src.name, "meetings": ids, "reason": reason})
    return ids
