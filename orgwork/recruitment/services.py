"""Every write of the development pipeline; the steps themselves go through the procedure kernel."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from orgwork.core import audit, distribution, params
from orgwork.core import procedures as proc
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, ServiceError
from orgwork.core.models import ProcedureInstance, ProcedureStatus
from orgwork.core.scope import get_in_scope
from orgwork.members.models import Education, Gender, Member, Standing
from orgwork.members.validation import clean_member
from orgwork.orgs.models import Org

from .models import Applicant, RecruitmentPlan, ThoughtReport
from .rules import KIND

PERSON_FIELDS = ("name", "id_number", "gender", "birth_date", "ethnicity", "education", "job", "phone")


def _branch(actor: Actor, org_id) -> Org:
    org = params.writable_org(actor, org_id, abolished_code="bad_value")
    if not org.is_branch:
        raise ServiceError.single("org", "not_branch", _("入党申请应向党支部提出，“%(name)s”不是党支部") % {"name": org.name})
    return org


def _notice_context(person: dict) -> dict:
    birth = person.get("birth_date")
    return {
        "gender": str(Gender(person["gender"]).label) if person.get("gender") else "",
        "birth": f"{birth.year}年{birth.month}月" if birth else "",
        "education": str(Education(person["education"]).label) if person.get("education") else "",
        "job": person.get("job") or "",
    }


@transaction.atomic
def start_application(
    *,
    actor: Actor,
    org_id,
    applied_on: dt.date | None,
    documents: dict | None = None,
    files: dict | None = None,
    comment: str = "",
    responsible: str = "",
    version: str | None = None,
    today: dt.date | None = None,
    **person,
) -> Applicant:
    """① 递交入党申请书: register the applicant and start the procedure under the version in force (or the org's)."""
    unknown = set(person) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown applicant fields: {sorted(unknown)}")
    org = _branch(actor, org_id)
    errors = []
    for key in ("name", "id_number"):
        if not person.get(key):
            errors.append(FieldError(key, "required", (_("请填写姓名")) if key == "name" else (_("请填写公民身份号码"))))
    if applied_on is None:
        errors.append(FieldError("applied_on", "required", _("请填写递交申请日期")))
    values = {}
    try:
        values = clean_member({k: v for k, v in person.items() if v not in (None, "")}, partial=True, today=today)
    except ServiceError as exc:
        errors.extend(exc.errors)
    if errors:
        raise ServiceError(errors)
    # 党员教育管理工作条例 第二十四条: one who left (出党, 除名) re-joins through this procedure; a suspended membership
    # is restored instead.
    earlier = Member.objects.filter(id_number=values["id_number"]).exclude(standing__in=[Standing.EXITED, Standing.REMOVED]).first()
    if earlier is not None and earlier.standing == Standing.SUSPENDED:
        raise ServiceError.single("id_number", "restore_instead", _("该人员为停止党籍的党员：应办理恢复党籍，不经发展程序重新入党"))
    if earlier is not None:
        raise ServiceError.single("id_number", "already_member", _("该公民身份号码的人员已是党员"))
    open_ = Applicant.objects.filter(id_number=values["id_number"], procedure__status__in=[ProcedureStatus.ACTIVE, ProcedureStatus.PAUSED])
    if open_.exists():
        raise ServiceError.single("id_number", "duplicate_existing", _("该人员已有正在办理的入党申请"))
    applicant = Applicant.objects.create(org=org, applied_on=applied_on, **{k: values.get(k, "") for k in PERSON_FIELDS if k in values})
    instance = proc.start(
        actor=actor, kind=KIND, org_id=org.pk, title=applicant.name, on=applied_on, subject=applicant, version=version, data={"notice_context": _notice_context(values)}
    )
    applicant.procedure = instance
    applicant.save(update_fields=["procedure"])
    audit.record(actor, "recruitment.apply", applicant, changes=audit.diff({}, {**values, "org": org.pk, "applied_on": applied_on}))
    proc.complete_step(
        actor=actor, instance_id=instance.pk, step="apply", done_on=applied_on, documents=documents, files=files, comment=comment, responsible=responsible, today=today
    )
    instance.refresh_from_db()
    return applicant


def _writable(actor: Actor, applicant_id) -> Applicant:
    applicant = get_in_scope(Applicant.objects.select_related("org", "procedure"), actor, write=True, pk=applicant_id)
    if applicant.procedure_id is None:
        raise NotFound()
    return applicant


def complete_step(*, actor: Actor, applicant_id, step: str, done_on, **kwargs):
    applicant = _writable(actor, applicant_id)
    return proc.complete_step(actor=actor, instance_id=applicant.procedure_id, step=step, done_on=done_on, **kwargs)


def add_assessment(*, actor: Actor, applicant_id, done_on, result: str, step: str | None = None, **kwargs):
    """半年考察: an assessment entry on ⑥ (activist) or ㉑ (probation), whichever stage the person is in."""
    applicant = _writable(actor, applicant_id)
    if step is None:
        step = "probation_assessment" if applicant.procedure.stage == "probation" else "activist_assessment"
    return proc.add_entry(actor=actor, instance_id=applicant.procedure_id, step=step, done_on=done_on, data={"result": result}, **kwargs)


def return_step(*, actor: Actor, applicant_id, to_step: str, reason: str, on=None):
    return proc.return_step(actor=actor, instance_id=_writable(actor, applicant_id).procedure_id, to_step=to_step, reason=reason, on=on)


def extend_due(*, actor: Actor, applicant_id, until, reason: str):
    return proc.extend_due(actor=actor, instance_id=_writable(actor, applicant_id).procedure_id, until=until, reason=reason)


def pause(*, actor: Actor, applicant_id, reason: str, on=None):
    return proc.pause(actor=actor, instance_id=_writable(actor, applicant_id).procedure_id, reason=reason, on=on)


def resume(*, actor: Actor, applicant_id, reason: str, on=None):
    return proc.resume(actor=actor, instance_id=_writable(actor, applicant_id).procedure_id, reason=reason, on=on)


def terminate(*, actor: Actor, applicant_id, reason: str, on=None):
    return proc.terminate(actor=actor, instance_id=_writable(actor, applicant_id).procedure_id, reason=reason, on=on)


def archive(*, actor: Actor, applicant_id, on=None):
    return proc.archive(actor=actor, instance_id=_writable(actor, applicant_id).procedure_id, on=on)


PROBATION_STEPS = ("assigned", "oath", "probation_assessment", "confirmation_application", "confirmation_meeting")


def extend_probation(*, actor: Actor, applicant_id, months: int, reason: str, decided_on: dt.date | None):
    """延长预备期: once, by 6–12 months, decided by the general meeting (党章第七条；细则第三十四条)."""
    applicant = _writable(actor, applicant_id)
    instance = applicant.procedure
    d = proc.definition_for(instance)
    low, high = d.value("probation_extension_min_months"), d.value("probation_extension_max_months")
    errors = []
    if instance.step not in PROBATION_STEPS:
        errors.append(FieldError("step", "not_probation", _("只有处于预备期、尚未讨论转正的预备党员可以延长预备期")))
    if instance.data.get("probation_extension_months"):
        errors.append(FieldError("months", "already_extended", _("预备期只能延长一次（党章第七条）")))
    if not isinstance(months, int) or not low <= months <= high:
        errors.append(FieldError("months", "bad_value", _("延长预备期不能少于%(low)s个月、最长不超过%(high)s个月（细则第三十四条）") % {"low": low, "high": high}))
    if decided_on is None:
        errors.append(FieldError("decided_on", "required", _("请填写支部大会讨论日期")))
    if errors:
        raise ServiceError(errors)
    return proc.set_fact(actor=actor, instance_id=instance.pk, key="probation_extension_months", value=months, reason=reason, on=decided_on)


@transaction.atomic
def set_plan(*, actor: Actor, org_id, year: int, planned: int) -> RecruitmentPlan:
    org = params.writable_org(actor, org_id, active=False, missing="not_found")
    if not org.is_branch:
        raise ServiceError.single("org", "not_branch", _("发展党员计划按党支部制定，“%(name)s”不是党支部") % {"name": org.name})
    if planned is None or planned < 0 or planned > 1000:
        raise ServiceError.single("planned", "bad_value", _("计划发展人数应为0至1000之间的整数"))
    plan, created = RecruitmentPlan.objects.get_or_create(org=org, year=year, defaults={"planned": planned})
    old = None if created else plan.planned
    if not created and plan.planned != planned:
        plan.planned = planned
        plan.save(update_fields=["planned", "updated_at"])
    audit.record(actor, "recruitment.plan", plan, changes={"planned": [old, planned]}, data={"year": year})
    return plan


def set_local_rules(*, actor: Actor, org_id, enabled: bool):
    """Switch the “两考两票两审两公示” rule set on or off for new applications under an org (a county)."""
    from .rules import VARIANT

    return proc.set_version(actor=actor, org_id=org_id, kind=KIND, version=VARIANT if enabled else None)


@transaction.atomic
def reassign_org(*, actor: Actor, from_org_id: int, to_org_id: int, reason: str) -> list[int]:
    """A branch merged into another (合并党组织): the people in its development pipeline continue there, records intact."""
    src = params.writable_org(actor, from_org_id, field="from_org", label=_("原党支部"), active=False)
    dst = params.writable_org(actor, to_org_id, field="to_org", label=_("合并后的党支部"))
    if not dst.is_branch:
        raise ServiceError.single("to_org", "not_a_branch", _("发展党员工作应由党支部承担"))
    ids = list(Applicant.objects.filter(org=src).order_by("pk").values_list("pk", flat=True))
    procedures = list(Applicant.objects.filter(pk__in=ids, procedure__isnull=False).values_list("procedure_id", flat=True))
    Applicant.objects.filter(pk__in=ids).update(org=dst, top_org_id=distribution.top_org_id_for_path(dst.path))
    ProcedureInstance.objects.filter(pk__in=procedures, org=src).update(org=dst, top_org_id=distribution.top_org_id_for_path(dst.path))
    audit.record(actor, "recruitment.reassign_org", dst, data={"from_org": src.pk, "from_name": src.name, "applicants": ids, "procedures": procedures, "reason": str(reason)[:500]})
    return ids


# --- the applicant on the phone: their own account, thought reports (思想汇报) ------------------------------------

OPEN_STATUSES = (ProcedureStatus.ACTIVE, ProcedureStatus.PAUSED)


@transaction.atomic
def link_user(*, actor: Actor, applicant_id: int, user) -> Applicant:
    """Link the applicant's own sign-in account (created by the phone sign-in after the SMS code proved the phone on
    the development record). One account per applicant."""
    applicant = Applicant.objects.select_for_update().select_related("org").get(pk=applicant_id)
    if applicant.user_id and applicant.user_id != user.pk:
        raise ServiceError.single("user", "already_linked", _("该发展对象已有登录账号"))
    applicant.user = user
    applicant.save(update_fields=["user"])
    audit.record(actor, "recruitment.link_user", applicant, data={"user": user.pk, "username": user.get_username()})
    return applicant


def _own_or_assisted(actor: Actor, applicant_id: int | None) -> tuple[Applicant, bool]:
    if applicant_id is None:
        applicant = (
            Applicant.objects.select_for_update(of=("self",)).select_related("org", "procedure")
            .filter(user_id=actor.user_id, member__isnull=True, procedure__status__in=OPEN_STATUSES).order_by("-applied_on", "-pk").first()
            if actor.user_id else None
        )  # fmt: skip
        if applicant is None:
            raise NotFound()
        return applicant, False
    return _writable(actor, applicant_id), True


@transaction.atomic
def submit_thought_report(*, actor: Actor, title: str, text: str, applicant_id: int | None = None, today: dt.date | None = None) -> ThoughtReport:
    """An applicant or activist sends a thought report to the branch from the phone (their own account), or the
    branch secretary enters one for a person without a smartphone (`applicant_id`, write scope: recorded as
    assisted). Kept in the development record; the branch is told at once."""
    from orgwork.core import deadlines
    from orgwork.core.normalize import clean_text

    today = today or dt.date.today()
    applicant, assisted = _own_or_assisted(actor, applicant_id)
    if applicant.procedure is None or applicant.procedure.status not in OPEN_STATUSES:
        raise ServiceError.single("applicant", "not_open", _("该发展对象的程序已结束"))
    title, text = clean_text(title), (text or "").strip()
    errors = []
    if not title:
        errors.append(FieldError("title", "required", _("请填写标题")))
    elif len(title) > 100:
        errors.append(FieldError("title", "too_long", _("标题不能超过100字")))
    if len(text) < 20:
        errors.append(FieldError("text", "too_short", _("思想汇报内容不能少于20字")))
    elif len(text) > 20000:
        errors.append(FieldError("text", "too_long", _("思想汇报内容不能超过20000字")))
    if errors:
        raise ServiceError(errors)
    report = ThoughtReport.objects.create(
        applicant=applicant, org=applicant.org, title=title, text=text, stage=applicant.procedure.stage, submitted_on=today,
        assisted_by=actor.label if assisted else "",
    )  # fmt: skip
    data = {"applicant": applicant.pk, "title": title, "stage": report.stage}
    if assisted:
        data["assisted_for"] = applicant.name
    audit.record(actor, "recruitment.thought_report.assisted" if assisted else "recruitment.thought_report", report, data=data)
    from django.urls import reverse

    item = deadlines.Item(
        kind="recruitment.thought_report", category="procedures", title=(_("%(name)s提交了思想汇报：%(title)s") % {"name": applicant.name, "title": title})[:120], org_id=applicant.org_id,
        url=reverse("recruitment:detail", args=[applicant.pk]), key=f"recruitment:thought_report:{report.pk}", waiting=True, subject=applicant.name, escalate=False,
    )  # fmt: skip
    deadlines.notify_now([item], actor=actor)
    return report


@transaction.atomic
def read_thought_report(*, actor: Actor, report_id: int, comment: str = "", on: dt.date | None = None) -> ThoughtReport:
    """The branch has read the report (阅看), with an optional comment the applicant sees."""
    from orgwork.core.normalize import clean_text

    report = get_in_scope(ThoughtReport.objects.select_for_update(of=("self",)).select_related("org"), actor, write=True, pk=report_id)
    report.read_by, report.read_on, report.comment = actor.label, on or dt.date.today(), clean_text(comment)[:500]
    report.save(update_fields=["read_by", "read_on", "comment"])
    audit.record(actor, "recruitment.thought_report.read", report, data={"comment": report.comment})
    return report
