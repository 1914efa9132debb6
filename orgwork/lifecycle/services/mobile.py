"""Mobile-member writes (流动党员): outgoing registration, contact records, attachment, end, suspension proposal."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from orgwork.core import audit
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, ServiceError
from orgwork.core.normalize import add_months, clean_text
from orgwork.core.scope import scope
from orgwork.members.models import Member, Standing
from orgwork.orgs.models import Org

from ..models import MobileContact, MobileRegistration, MobileStatus
from ..rules import mobile_rules


def _today(today):
    return today or dt.date.today()


def _registration(actor: Actor, registration_id, *, write=True, attached_ok=False) -> MobileRegistration:
    qs = MobileRegistration.objects.select_for_update(of=("self",)).select_related("member__org", "attached_org")
    try:
        return scope(qs, actor, write=write).get(pk=registration_id)
    except (MobileRegistration.DoesNotExist, ValueError, TypeError):
        pass
    if attached_ok:
        # the organization the member takes part in at the destination may record contacts too
        try:
            reg = qs.get(pk=registration_id, attached_org__isnull=False)
        except (MobileRegistration.DoesNotExist, ValueError, TypeError):
            raise NotFound() from None
        if scope(Org.objects.filter(pk=reg.attached_org_id), actor, write=True).exists():
            return reg
    raise NotFound()


@transaction.atomic
def register(
    *,
    actor: Actor,
    member_id: int,
    left_on: dt.date,
    destination: str,
    home_contact: str,
    workplace: str = "",
    home_contact_phone: str = "",
    member_phone: str = "",
    card_number: str = "",
    expected_return: dt.date | None = None,
    today: dt.date | None = None,
) -> MobileRegistration:
    """Outgoing registration (外出报告): destination, workplace, a named contact at home, the mobile member card."""
    today = _today(today)
    try:
        member = scope(Member.objects.select_for_update().select_related("org"), actor, write=True).get(pk=member_id)
    except (Member.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    errors = []
    if member.standing != Standing.NORMAL:
        errors.append(FieldError("member", "not_allowed", _("只有党籍正常的党员可以登记外出流动")))
    if left_on is None:
        errors.append(FieldError("left_on", "required", _("请填写外出日期")))
    elif left_on > today:
        errors.append(FieldError("left_on", "future_date", _("外出日期不能晚于今天")))
    destination, home_contact = clean_text(destination), clean_text(home_contact)
    if not destination:
        errors.append(FieldError("destination", "required", _("请填写流入地")))
    if not home_contact:
        errors.append(FieldError("home_contact", "required", _("请指定流出地党组织联系人")))
    if expected_return and left_on and expected_return < left_on:
        errors.append(FieldError("expected_return", "date_order", _("预计返回日期不能早于外出日期")))
    if errors:
        raise ServiceError(errors)
    if MobileRegistration.objects.filter(member=member, status=MobileStatus.AWAY).exists():
        raise ServiceError.single("member", "duplicate_existing", _("该党员已有在外流动登记"))
    try:
        with transaction.atomic():
            reg = MobileRegistration.objects.create(
                member=member,
                left_on=left_on,
                destination=destination[:200],
                workplace=clean_text(workplace)[:200],
                home_contact=home_contact[:60],
                home_contact_phone=clean_text(home_contact_phone)[:30],
                member_phone=clean_text(member_phone)[:30],
                card_number=clean_text(card_number)[:40],
                expected_return=expected_return,
                rule_version=mobile_rules(on=left_on).version,
            )
    except IntegrityError:
        raise ServiceError.single("member", "duplicate_existing", _("该党员已有在外流动登记")) from None
    audit.record(actor, "mobile.register", reg, org_path=member.org.path, data={"member": member.pk, "destination": reg.destination, "card": reg.card_number})
    return reg


@transaction.atomic
def record_contact(*, actor: Actor, registration_id: int, contacted_on: dt.date, channel: str = "", note: str = "", today: dt.date | None = None) -> MobileContact:
    today = _today(today)
    reg = _registration(actor, registration_id, attached_ok=True)
    if contacted_on is None or contacted_on > today:
        raise ServiceError.single("contacted_on", "future_date", _("联系日期不能为空或晚于今天"))
    if contacted_on < reg.left_on:
        raise ServiceError.single("contacted_on", "date_order", _("联系日期不能早于外出日期"))
    c = MobileContact.objects.create(registration=reg, contacted_on=contacted_on, channel=clean_text(channel)[:30], note=clean_text(note)[:500], actor_label=actor.label)
    if reg.last_contact_on is None or contacted_on > reg.last_contact_on:
        reg.last_contact_on = contacted_on
        reg.save(update_fields=["last_contact_on"])
    audit.record(actor, "mobile.contact", reg, org_path=reg.member.org.path, data={"on": contacted_on, "channel": c.channel})
    return c


@transaction.atomic
def attach(*, actor: Actor, registration_id: int, org_id: int, on: dt.date, today: dt.date | None = None) -> MobileRegistration:
    """Attach to a mobile-member organization at the destination: the member takes part there (条例第33条)."""
    today = _today(today)
    reg = _registration(actor, registration_id)
    try:
        org = Org.objects.get(pk=org_id)
    except (Org.DoesNotExist, ValueError, TypeError):
        raise ServiceError.single("org", "unknown_org", _("党组织不存在")) from None
    if not org.is_active or not org.is_branch:
        raise ServiceError.single("org", "bad_value", _("请选择流入地的流动党员党支部（或其他在用党支部）"))
    if org.pk == reg.member.org_id:
        raise ServiceError.single("org", "bad_value", _("该党组织就是党员所在党组织"))
    if on is None or on > today or on < reg.left_on:
        raise ServiceError.single("on", "bad_value", _("编入日期应在外出日期和今天之间"))
    before = reg.attached_org_id
    reg.attached_org, reg.attached_on = org, on
    reg.save(update_fields=["attached_org", "attached_on"])
    audit.record(actor, "mobile.attach", reg, org_path=reg.member.org.path, changes={"attached_org": [before, org.pk]})
    return reg


@transaction.atomic
def end(*, actor: Actor, registration_id: int, on: dt.date, status: str, reason: str = "", today: dt.date | None = None) -> MobileRegistration:
    today = _today(today)
    reg = _registration(actor, registration_id)
    if status not in (MobileStatus.RETURNED, MobileStatus.TRANSFERRED, MobileStatus.ENDED):
        raise ServiceError.single("status", "bad_value", _("结束方式应为返回、转接或注销"))
    if reg.status != MobileStatus.AWAY:
        raise ServiceError.single("status", "not_allowed", _("该登记已结束"))
    if on is None or on > today or on < reg.left_on:
        raise ServiceError.single("on", "bad_value", _("结束日期应在外出日期和今天之间"))
    reg.status, reg.ended_on, reg.end_reason = status, on, clean_text(reason)[:200]
    reg.save(update_fields=["status", "ended_on", "end_reason"])
    audit.record(actor, "mobile.end", reg, org_path=reg.member.org.path, data={"status": status, "on": on})
    return reg


def away_flag_on(reg: MobileRegistration) -> dt.date:
    """The day a member has been away 6 months (条例第32条: transfer when away 6 months or more)."""
    return add_months(reg.left_on, mobile_rules(version=reg.rule_version)["away_flag_months"])


def no_contact_flag_on(reg: MobileRegistration) -> dt.date:
    return add_months(reg.contact_anchor, mobile_rules(version=reg.rule_version)["no_contact_suspend_months"])


@transaction.atomic
def propose_suspension(*, actor: Actor, registration_id: int, on: dt.date, today: dt.date | None = None):
    """No contact for 6 months → a suspension procedure is opened for the branch to decide; nothing is decided here."""
    from . import exits

    today = _today(today)
    reg = _registration(actor, registration_id)
    if reg.status != MobileStatus.AWAY:
        raise ServiceError.single("status", "not_allowed", _("该登记已结束"))
    if no_contact_flag_on(reg) > on:
        months = mobile_rules(version=reg.rule_version)["no_contact_suspend_months"]
        raise ServiceError.single("on", "too_early", _("最近联系日期为%(year)s年%(month)02d月%(day)02d日，未满%(months)s个月") % {"year": reg.contact_anchor.year, "month": reg.contact_anchor.month, "day": reg.contact_anchor.day, "months": months})
    if reg.suspension_procedure_id is not None:
        raise ServiceError.single("registration", "duplicate_existing", _("已提出停止党籍的建议"))
    inst = exits.start(
        actor=actor,
        member_id=reg.member_id,
        kind="suspension",
        on=on,
        data={"source": "mobile_no_contact", "registration": reg.pk, "last_contact": reg.contact_anchor.isoformat()},
        today=today,
    )
    reg.suspension_procedure = inst
    reg.save(update_fields=["suspension_procedure"])
    audit.record(actor, "mobile.propose_suspension", reg, org_path=reg.member.org.path, data={"procedure": inst.pk})
    return inst
