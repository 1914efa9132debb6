"""Every write to discipline records: keyword-only arguments, one transaction, one audit event each.

Recording a sanction that ends party posts (撤销党内职务, 留党察看, 开除党籍) ends the member's current seats
through the org service; 开除党籍 ends membership through the exit procedure of the lifecycle app (procedure
kind ``member_expulsion`` on the kernel), so the member's standing history, counters and audit follow it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from orgwork.core import audit
from orgwork.core import procedures as proc
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, ServiceError
from orgwork.core.normalize import add_months, add_years, clean_text
from orgwork.core.scope import scope
from orgwork.members.models import Member, Standing
from orgwork.orgs import services as org_services
from orgwork.orgs.models import OrgOfficer

from .models import Sanction, SanctionKind
from .rules import rule_version, sanction_rules
from .selectors import get_sanction, restricted_actor

EXPULSION_PROCEDURE = "member_expulsion"
SANCTIONABLE = (Standing.NORMAL, Standing.SUSPENDED)
AUDITED = ("kind", "probation_years", "decided_on", "effective_on", "ends_on", "decided_by", "document", "reason")


def _required(errors: list, value, field: str, label: str, limit: int) -> str:
    value = clean_text(value)
    if not value:
        errors.append(FieldError(field, "required", _("请填写%(label)s") % {"label": label}))
    elif len(value) > limit:
        errors.append(FieldError(field, "too_long", _("%(label)s不能超过%(limit)s个字") % {"label": label, "limit": limit}))
    return value


def _day(errors: list, value, field: str, label: str, today: dt.date) -> dt.date | None:
    if value is None:
        errors.append(FieldError(field, "required", _("请填写%(label)s") % {"label": label}))
        return None
    if value > today:
        errors.append(FieldError(field, "future_date", _("%(label)s不能晚于今天") % {"label": label}))
        return None
    return value


def ends_on_for(rules, kind: str, effective_on: dt.date, probation_years: int | None) -> dt.date | None:
    if kind == SanctionKind.PROBATION:
        return add_years(effective_on, probation_years)
    if kind == SanctionKind.EXPULSION:
        return None
    return add_months(effective_on, rules["influence_months"][kind])


@transaction.atomic
def record_sanction(
    *,
    actor: Actor,
    member_id: int,
    kind: str,
    decided_on: dt.date | None,
    decided_by: str,
    document: str,
    reason: str,
    effective_on: dt.date | None = None,
    probation_years: int | None = None,
    today: dt.date | None = None,
) -> Sanction:
    today = today or dt.date.today()
    writer = restricted_actor(actor)
    try:
        member = scope(Member.objects.select_for_update().select_related("org"), writer, write=True).get(pk=member_id)
    except (Member.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    errors: list[FieldError] = []
    if kind not in SanctionKind.values:
        errors.append(FieldError("kind", "bad_value", _("请选择处分种类")))
    decided_on = _day(errors, decided_on, "decided_on", _("决定日期"), today)
    effective_on = effective_on or decided_on
    if effective_on is not None:
        effective_on = _day(errors, effective_on, "effective_on", _("生效日期"), today)
    if decided_on and effective_on and effective_on < decided_on:
        errors.append(FieldError("effective_on", "date_order", _("生效日期不能早于决定日期")))
    decided_by = _required(errors, decided_by, "decided_by", _("作出决定的机关"), 120)
    document = _required(errors, document, "document", _("处分决定文号"), 120)
    reason = _required(errors, reason, "reason", _("违纪事实和依据"), 5000)
    if member.standing not in SANCTIONABLE:
        errors.append(FieldError("member", "not_in_registry", _("党籍状态为“%(standing)s”，不能登记党纪处分") % {"standing": member.get_standing_display()}))
    if errors:
        raise ServiceError(errors)
    rules = sanction_rules(effective_on)
    if kind == SanctionKind.PROBATION:
        allowed = tuple(rules["probation_years"])
        if probation_years not in allowed:
            raise ServiceError.single("probation_years", "bad_value", _("留党察看期限应为%(join)s年（党章第四十条）") % {"join": '或'.join(str(y) for y in allowed)})
    elif probation_years:
        raise ServiceError.single("probation_years", "not_applicable", _("只有留党察看处分有察看期限"))
    else:
        probation_years = None
    if Sanction.objects.filter(member=member, kind=SanctionKind.EXPULSION, lifted_on__isnull=True).exists():
        raise ServiceError.single("member", "expelled", _("%(name)s已被开除党籍") % {"name": member.name})
    s = Sanction.objects.create(
        member=member,
        member_name=member.name,
        org_name=member.org.name,
        kind=kind,
        probation_years=probation_years,
        decided_on=decided_on,
        effective_on=effective_on,
        ends_on=ends_on_for(rules, kind, effective_on, probation_years),
        decided_by=decided_by,
        document=document,
        reason=reason,
        rule_version=rules.version,
        recorded_by_id=actor.user_id,
        recorded_by_label=actor.label,
    )
    ended_posts = _end_posts(actor, s) if kind in rules["ends_posts"] else []
    if kind == SanctionKind.EXPULSION:
        s.exit_procedure = _expel(actor, s, today=today)
        s.save(update_fields=["exit_procedure"])
    audit.record(
        actor, "discipline.record", s,
        changes=audit.diff({}, audit.snapshot(s, AUDITED)),
        data={"member": member.pk, "rule_version": rules.version, "ended_posts": ended_posts, "exit_procedure": s.exit_procedure_id},
    )
    return s


def _end_posts(actor: Actor, s: Sanction) -> list[int]:
    """受撤销党内职务、留党察看、开除党籍处分的，党内职务随之撤销 (条例第十一至十三条)."""
    proxy = Actor.system_actor(f"{actor.label}（党纪处分#{s.pk}）")
    ended = []
    seats = OrgOfficer.objects.filter(Q(started_on__isnull=True) | Q(started_on__lte=s.effective_on), member=s.member, ended_on__isnull=True)
    for seat in seats.order_by("pk"):
        org_services.end_officer(actor=proxy, officer_id=seat.pk, on=s.effective_on, reason=f"受{s.get_kind_display()}处分（{s.document}），党内职务撤销")
        ended.append(seat.pk)
    return ended


def _expel(actor: Actor, s: Sanction, *, today: dt.date):
    """开除党籍 through the exit procedure, so standing, history and counters change the one way they always do."""
    instance = proc.start(actor=actor, kind=EXPULSION_PROCEDURE, org_id=s.member.org_id, title=f"{s.member_name}·开除党籍", on=s.effective_on, subject=s.member)
    proc.complete_step(
        actor=actor,
        instance_id=instance.pk,
        step="record",
        done_on=s.effective_on,
        data={"reason": f"{s.decided_by}{s.document}：{s.reason}"[:1900], "decided_by": s.decided_by, "document": s.document},
        documents={"处分决定": s.document},
        today=today,
    )
    return instance


def _locked(actor: Actor, sanction_id) -> Sanction:
    s = get_sanction(actor, sanction_id, write=True)
    return Sanction.objects.select_for_update().select_related("member", "member__org").get(pk=s.pk)


@transaction.atomic
def extend_probation(*, actor: Actor, sanction_id: int, decided_on: dt.date | None, document: str, reason: str, today: dt.date | None = None) -> Sanction:
    """留党察看期满仍不符合恢复党员权利条件的，延长一年；最长不超过二年 (党章第四十条, 条例第十二条)."""
    today = today or dt.date.today()
    s = _locked(actor, sanction_id)
    errors: list[FieldError] = []
    decided_on = _day(errors, decided_on, "decided_on", _("延长决定日期"), today)
    document = _required(errors, document, "document", _("延长决定文号"), 120)
    reason = _required(errors, reason, "reason", _("延长理由"), 500)
    if errors:
        raise ServiceError(errors)
    rules = rule_version(s.rule_version)
    if s.kind != SanctionKind.PROBATION:
        raise ServiceError.single("kind", "not_probation", _("只有留党察看处分可以延长察看期"))
    if s.lifted_on:
        raise ServiceError.single("sanction", "revoked", _("该处分已撤销"))
    most = rules["probation_max_years"]
    if s.probation_years >= most:
        raise ServiceError.single("probation_years", "too_long", _("留党察看期限最长不超过%(most)s年（党章第四十条），不能再延长") % {"most": most})
    if decided_on < s.effective_on or decided_on > s.ends_on:
        raise ServiceError.single("decided_on", "date_order", _("延长察看期应在察看期内（至迟于期满日%(ends_on)s）作出决定") % {"ends_on": format(s.ends_on, '%Y年%m月%d日')})
    before = audit.snapshot(s, ("probation_years", "ends_on", "extended_on", "extension_document"))
    s.probation_years = most
    s.ends_on = add_years(s.effective_on, most)
    s.extended_on, s.extension_document = decided_on, document
    s.save(update_fields=["probation_years", "ends_on", "extended_on", "extension_document", "updated_at"])
    audit.record(actor, "discipline.extend", s, changes=audit.diff(before, audit.snapshot(s, before)), data={"reason": reason})
    return s


@transaction.atomic
def revoke_sanction(*, actor: Actor, sanction_id: int, on: dt.date | None, reason: str, document: str, today: dt.date | None = None) -> Sanction:
    """A sanction revoked on review or appeal (撤销处分): it stops weighing from that day; the record stays."""
    today = today or dt.date.today()
    s = _locked(actor, sanction_id)
    errors: list[FieldError] = []
    on = _day(errors, on, "on", _("撤销日期"), today)
    reason = _required(errors, reason, "reason", _("撤销原因"), 500)
    document = _required(errors, document, "document", _("撤销决定文号"), 120)
    if errors:
        raise ServiceError(errors)
    if s.kind == SanctionKind.EXPULSION:
        raise ServiceError.single("kind", "expulsion_final", _("开除党籍的，只能按发展党员程序重新入党，不能在此撤销（党员教育管理工作条例第二十四条）"))
    if s.lifted_on:
        raise ServiceError.single("sanction", "revoked", _("该处分已撤销"))
    if on < s.effective_on:
        raise ServiceError.single("on", "date_order", _("撤销日期不能早于处分生效日期"))
    if s.ends_on and on >= s.ends_on:
        raise ServiceError.single("on", "already_ended", _("该处分已于%(ends_on)s期满解除") % {"ends_on": format(s.ends_on, '%Y年%m月%d日')})
    s.lifted_on, s.lift_reason, s.lift_document = on, reason, document
    s.save(update_fields=["lifted_on", "lift_reason", "lift_document", "updated_at"])
    audit.record(actor, "discipline.revoke", s, changes={"lifted_on": [None, on.isoformat()]}, data={"reason": reason, "document": document})
    return s


@transaction.atomic
def correct_sanction(*, actor: Actor, sanction_id: int, comment: str, decided_by: str | None = None, document: str | None = None, reason: str | None = None) -> Sanction:
    """Correct a typed fact of the record (not its kind or dates): the old value stays in the audit trail."""
    s = _locked(actor, sanction_id)
    errors: list[FieldError] = []
    comment = _required(errors, comment, "comment", _("更正说明"), 500)
    values = {}
    for key, value, label, limit in (("decided_by", decided_by, _("作出决定的机关"), 120), ("document", document, _("处分决定文号"), 120), ("reason", reason, _("违纪事实和依据"), 5000)):
        if value is not None:
            values[key] = _required(errors, value, key, label, limit)
    if errors:
        raise ServiceError(errors)
    before = audit.snapshot(s, values)
    for key, value in values.items():
        setattr(s, key, value)
    changes = audit.diff(before, audit.snapshot(s, values))
    if not changes:
        raise ServiceError.single("comment", "no_change", _("没有需要更正的内容"))
    s.save(update_fields=[*values, "updated_at"])
    audit.record(actor, "discipline.correct", s, changes=changes, data={"comment": comment})
    return s

