"""Appointing and ending party-affairs staff: validated, one transaction, audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from orgwork.core import audit, params
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, ServiceError
from orgwork.core.scope import get_in_scope
from orgwork.members.models import Member, Standing

from .models import PartyAffairsStaff


@transaction.atomic
def appoint(
    *, actor: Actor, org_id, name: str = "", member_id=None, post: str = "", full_time: bool = True, started_on: dt.date | None, today: dt.date | None = None
) -> PartyAffairsStaff:
    today = today or dt.date.today()
    org = params.writable_org(actor, org_id)
    errors: list[FieldError] = []
    member = None
    if member_id:
        try:
            member = get_in_scope(Member.objects.all(), actor, pk=params.to_id(member_id, field="member", label=_("党员"), required=True))
        except (NotFound, ServiceError):
            errors.append(FieldError("member", "unknown_member", _("党员不存在或不在您的管理范围内")))
        else:
            if member.standing != Standing.NORMAL:
                errors.append(FieldError("member", "not_allowed", _("%(name)s不在册（%(standing)s）") % {"name": member.name, "standing": member.get_standing_display()}))
            name = member.name
    name = (name or "").strip()
    post = (post or "").strip()
    if not name:
        errors.append(FieldError("name", "required", _("请填写姓名或选择党员")))
    elif len(name) > 60:
        errors.append(FieldError("name", "too_long", _("姓名不能超过60字")))
    if len(post) > 60:
        errors.append(FieldError("post", "too_long", _("岗位不能超过60字")))
    if started_on is None:
        errors.append(FieldError("started_on", "required", _("请填写任职日期")))
    elif started_on > today:
        errors.append(FieldError("started_on", "future_date", _("任职日期不能晚于今天")))
    if member is not None and PartyAffairsStaff.objects.filter(member=member, ended_on__isnull=True, full_time=True).exists() and full_time:
        errors.append(FieldError("member", "duplicate_existing", _("%(name)s已是在岗的专职党务工作者") % {"name": member.name}))
    if errors:
        raise ServiceError(errors)
    staff = PartyAffairsStaff.objects.create(org=org, member=member, name=name, post=post, full_time=bool(full_time), started_on=started_on)
    audit.record(actor, "staffing.appoint", staff, changes={"name": [None, name], "full_time": [None, staff.full_time], "started_on": [None, started_on]})
    return staff


@transaction.atomic
def end(*, actor: Actor, staff_id, ended_on: dt.date | None, reason: str, today: dt.date | None = None) -> PartyAffairsStaff:
    today = today or dt.date.today()
    staff = get_in_scope(PartyAffairsStaff.objects.select_for_update(), actor, write=True, pk=params.to_id(staff_id, field="staff", label=_("党务工作者"), required=True))
    reason = (reason or "").strip()
    errors: list[FieldError] = []
    if staff.ended_on:
        errors.append(FieldError("staff", "not_allowed", _("%(name)s已于%(ended_on)s离岗") % {"name": staff.name, "ended_on": staff.ended_on}))
    if ended_on is None:
        errors.append(FieldError("ended_on", "required", _("请填写离岗日期")))
    elif ended_on > today or ended_on < staff.started_on:
        errors.append(FieldError("ended_on", "date_order", _("离岗日期应在任职日期之后、不晚于今天")))
    if not reason:
        errors.append(FieldError("reason", "required", _("请填写离岗原因")))
    elif len(reason) > 200:
        errors.append(FieldError("reason", "too_long", _("离岗原因不能超过200字")))
    if errors:
        raise ServiceError(errors)
    staff.ended_on, staff.end_reason = ended_on, reason
    staff.save(update_fields=["ended_on", "end_reason"])
    audit.record(actor, "staffing.end", staff, changes={"ended_on": [None, ended_on]}, data={"reason": reason})
    return staff
