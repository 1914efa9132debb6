"""Every write of work management: validated, one transaction, an audit event."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from orgwork.core import audit, params
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, ServiceError
from orgwork.core.rules import UnknownRule
from orgwork.core.scope import get_in_scope
from orgwork.members.models import Member

from . import rules
from .models import (
    CareCase,
    CareKind,
    CareVisit,
    CollectiveIncome,
    Issue,
    IssueStatus,
    Matter,
    Milestone,
    Rectification,
    Task,
    TaskKind,
    TaskUpdate,
    VisitKind,
)

MAX_UPLOAD = 20 * 1024 * 1024
EVIDENCE_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".ofd", ".txt")


def _text(errors, field, value, label, *, max_length, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.append(FieldError(field, "required", _("请填写%(label)s") % {"label": label}))
    elif len(value) > max_length:
        errors.append(FieldError(field, "too_long", _("%(label)s不能超过%(max_length)s字") % {"label": label, "max_length": max_length}))
    return value


def _member(actor, errors, field, member_id, label):
    if not member_id:
        return None
    try:
        return get_in_scope(Member.objects.all(), actor, pk=params.to_id(member_id, field=field, label=label, required=True))
    except (NotFound, ServiceError):
        errors.append(FieldError(field, "unknown_member", _("%(label)s不存在或不在您的管理范围内") % {"label": label}))
        return None


def _evidence(errors, field, file):
    if not file:
        return None
    name = (getattr(file, "name", "") or "").lower()
    if not name.endswith(EVIDENCE_SUFFIXES):
        errors.append(FieldError(field, "bad_value", _("佐证材料只接受PDF、图片、Word、Excel、OFD或文本文件")))
    elif getattr(file, "size", 0) > MAX_UPLOAD:
        errors.append(FieldError(field, "too_large", _("佐证材料不能超过20MB")))
    return file


# --- tasks, commitments, secretaries' projects --------------------------------------------------


@transaction.atomic
def create_task(
    *, actor: Actor, org_id, year: int | None, title: str, owner_name: str = "", owner_member_id=None, deadline: dt.date | None,
    kind: str = TaskKind.TASK, measures: str = "", milestones=(), show_to_members: bool = False, show_on_portal: bool = False,
) -> Task:  # fmt: skip
    org = params.writable_org(actor, org_id)
    errors: list[FieldError] = []
    if kind not in TaskKind.values:
        errors.append(FieldError("kind", "bad_value", _("类别不正确")))
    title = _text(errors, "title", title, _("目标"), max_length=200)
    measures = _text(errors, "measures", measures, _("措施"), max_length=2000, required=False)
    owner = _member(actor, errors, "owner_member", owner_member_id, _("责任人"))
    owner_name = owner.name if owner else (owner_name or "").strip()
    if not owner_name:
        errors.append(FieldError("owner_name", "required", _("请填写责任人或选择党员")))
    elif len(owner_name) > 60:
        errors.append(FieldError("owner_name", "too_long", _("责任人不能超过60字")))
    if kind == TaskKind.COMMITMENT and owner is None:
        errors.append(FieldError("owner_member", "required", _("承诺践诺须选择作出承诺的党员")))
    if year is None or not 2000 <= year <= 2100:
        errors.append(FieldError("year", "bad_value", _("请填写年度")))
    if deadline is None:
        errors.append(FieldError("deadline", "required", _("请填写完成时限")))
    elif year and deadline.year < year:
        errors.append(FieldError("deadline", "date_order", _("完成时限不能早于任务年度")))
    stones = []
    for i, (m_title, m_due) in enumerate(milestones or ()):
        m_title = (m_title or "").strip()
        if not m_title and not m_due:
            continue
        if not m_title or m_due is None:
            errors.append(FieldError("milestones", "required", _("第%(value)s个节点须填写内容和时限") % {"value": i + 1}))
        elif deadline and m_due > deadline:
            errors.append(FieldError("milestones", "date_order", _("节点“%(m_title)s”的时限晚于任务完成时限") % {"m_title": m_title}))
        else:
            stones.append((m_title[:200], m_due))
    if errors:
        raise ServiceError(errors)
    task = Task.objects.create(
        org=org, year=year, kind=kind, title=title, measures=measures, owner_name=owner_name, owner_member=owner, deadline=deadline,
        show_to_members=bool(show_to_members), show_on_portal=bool(show_on_portal),
    )  # fmt: skip
    for m_title, m_due in stones:
        Milestone.objects.create(task=task, title=m_title, due_on=m_due)
    audit.record(actor, "worklists.task.create", task, changes={"title": [None, title], "deadline": [None, deadline], "owner": [None, owner_name]}, data={"kind": kind, "milestones": len(stones)})
    return task


@transaction.atomic
def report_progress(*, actor: Actor, task_id, on: dt.date | None, progress: int | None, text: str, evidence=None, review_half: str = "", result: str = "", today: dt.date | None = None) -> TaskUpdate:
    today = today or dt.date.today()
    task = get_in_scope(Task.objects.select_for_update().select_related("org"), actor, write=True, pk=params.to_id(task_id, field="task", label=_("任务"), required=True))
    errors: list[FieldError] = []
    if task.cancelled_on:
        errors.append(FieldError("task", "not_allowed", _("任务已撤销")))
    text = _text(errors, "text", text, _("进展情况"), max_length=2000)
    result = _text(errors, "result", result, _("成效"), max_length=2000, required=False)
    if on is None:
        errors.append(FieldError("on", "required", _("请填写日期")))
    elif on > today:
        errors.append(FieldError("on", "future_date", _("日期不能晚于今天")))
    if progress is None or not 0 <= progress <= 100:
        errors.append(FieldError("progress", "bad_value", _("进度应为0到100之间的整数")))
    if review_half and (len(review_half) != 7 or review_half[4:] not in ("-H1", "-H2")):
        errors.append(FieldError("review_half", "bad_value", _("半年评议应为“2026-H1”或“2026-H2”")))
    evidence = _evidence(errors, "evidence", evidence)
    if errors:
        raise ServiceError(errors)
    update = TaskUpdate.objects.create(task=task, on=on, progress=progress, text=text, evidence=evidence or "", review_half=review_half, actor_label=actor.label)
    before = {"progress": task.progress, "done_on": task.done_on}
    task.progress = progress
    if result:
        task.result = result
    if progress == 100 and task.done_on is None:
        task.done_on = on
    elif progress < 100:
        task.done_on = None
    task.save(update_fields=["progress", "result", "done_on"])
    audit.record(actor, "worklists.task.progress", task, changes=audit.diff(before, {"progress": task.progress, "done_on": task.done_on}), data={"update": update.pk, "evidence": bool(evidence), "review_half": review_half})
    return update


@transaction.atomic
def complete_milestone(*, actor: Actor, milestone_id, on: dt.date | None, today: dt.date | None = None) -> Milestone:
    today = today or dt.date.today()
    m = get_in_scope(Milestone.objects.select_for_update().select_related("task__org"), actor, write=True, pk=params.to_id(milestone_id, field="milestone", label=_("节点"), required=True))
    if on is None or on > today:
        raise ServiceError.single("on", "bad_value", _("请填写不晚于今天的完成日期"))
    if m.done_on:
        raise ServiceError.single("milestone", "not_allowed", _("节点“%(title)s”已于%(done_on)s完成") % {"title": m.title, "done_on": m.done_on})
    m.done_on = on
    m.save(update_fields=["done_on"])
    audit.record(actor, "worklists.milestone.done", m.task, changes={"milestone": [None, m.title]}, data={"on": on})
    return m


@transaction.atomic
def cancel_task(*, actor: Actor, task_id, reason: str, today: dt.date | None = None) -> Task:
    task = get_in_scope(Task.objects.select_for_update().select_related("org"), actor, write=True, pk=params.to_id(task_id, field="task", label=_("任务"), required=True))
    errors: list[FieldError] = []
    reason = _text(errors, "reason", reason, _("撤销原因"), max_length=200)
    if task.cancelled_on:
        errors.append(FieldError("task", "not_allowed", _("任务已撤销")))
    if errors:
        raise ServiceError(errors)
    task.cancelled_on, task.cancel_reason = today or dt.date.today(), reason
    task.save(update_fields=["cancelled_on", "cancel_reason"])
    audit.record(actor, "worklists.task.cancel", task, changes={"cancelled_on": [None, task.cancelled_on]}, data={"reason": reason})
    return task


# --- assigned matters (13710) --------------------------------------------------------------------


@transaction.atomic
def assign_matter(*, actor: Actor, org_id, title: str, body: str = "", assigned_by: str, assigned_on: dt.date | None, template: str = "", today: dt.date | None = None) -> Matter:
    today = today or dt.date.today()
    org = params.writable_org(actor, org_id)
    errors: list[FieldError] = []
    title = _text(errors, "title", title, _("事项"), max_length=200)
    body = _text(errors, "body", body, _("内容"), max_length=4000, required=False)
    assigned_by = _text(errors, "assigned_by", assigned_by, _("交办单位"), max_length=120)
    if assigned_on is None:
        errors.append(FieldError("assigned_on", "required", _("请填写交办日期")))
        tpl = None
    else:
        try:
            tpl = rules.templates(assigned_on)
        except UnknownRule:
            tpl = None
            errors.append(FieldError("assigned_on", "no_rule_in_force", _("%(assigned_on)s没有适用的时限模板") % {"assigned_on": assigned_on}))
    template = template or (tpl["default"] if tpl else "")
    if tpl is not None and template not in tpl["templates"]:
        errors.append(FieldError("template", "bad_value", _("时限模板不存在")))
    if errors:
        raise ServiceError(errors)
    due = {k: d.isoformat() for k, d in rules.due_dates(template, assigned_on).items()}  # UnknownCalendarYear → 400 calendar_unknown
    matter = Matter.objects.create(org=org, title=title, body=body, assigned_by=assigned_by, assigned_on=assigned_on, template=template, template_version=tpl.version, due=due)
    audit.record(actor, "worklists.matter.assign", matter, changes={"title": [None, title]}, data={"template": template, "version": tpl.version, "due": due})
    return matter


@transaction.atomic
def complete_matter_step(*, actor: Actor, matter_id, step: str, on: dt.date | None, note: str = "", today: dt.date | None = None) -> Matter:
    """Record a step of a matter as done (in the template's order); the last step closes the matter."""
    today = today or dt.date.today()
    matter = get_in_scope(Matter.objects.select_for_update().select_related("org"), actor, write=True, pk=params.to_id(matter_id, field="matter", label=_("交办事项"), required=True))
    steps = rules.steps(matter.template, matter.template_version)
    keys = [s["key"] for s in steps]
    errors: list[FieldError] = []
    note = _text(errors, "note", note, _("办理情况"), max_length=500, required=False)
    if matter.closed_on:
        errors.append(FieldError("matter", "not_allowed", _("事项已办结反馈")))
    elif step not in keys:
        errors.append(FieldError("step", "bad_value", _("环节不正确")))
    else:
        pending = [k for k in keys if k not in matter.done]
        if not pending or pending[0] != step:
            label = next(s["label"] for s in steps if s["key"] == pending[0]) if pending else ""
            errors.append(FieldError("step", "out_of_order", _("请先完成“%(label)s”环节") % {"label": label}))
    if on is None:
        errors.append(FieldError("on", "required", _("请填写日期")))
    elif on > today or on < matter.assigned_on:
        errors.append(FieldError("on", "date_order", _("日期应在交办日期之后、不晚于今天")))
    if errors:
        raise ServiceError(errors)
    done = dict(matter.done)
    done[step] = {"on": on.isoformat(), "note": note, "by": actor.label}
    matter.done = done
    fields = ["done"]
    if step == keys[-1]:
        matter.closed_on = on
        fields.append("closed_on")
    matter.save(update_fields=fields)
    late = on.isoformat() > matter.due.get(step, "9999")
    audit.record(actor, "worklists.matter.step", matter, changes={step: [None, on]}, data={"note": note, "late": late})
    return matter


# --- issue list and rectification ----------------------------------------------------------------


@transaction.atomic
def create_issue(*, actor: Actor, org_id, year: int | None, source: str, description: str, owner_name: str = "", owner_member_id=None, deadline: dt.date | None, measures: str = "") -> Issue:
    org = params.writable_org(actor, org_id)
    errors: list[FieldError] = []
    source = _text(errors, "source", source, _("问题来源"), max_length=120)
    description = _text(errors, "description", description, _("问题"), max_length=2000)
    measures = _text(errors, "measures", measures, _("整改措施"), max_length=2000, required=False)
    owner = _member(actor, errors, "owner_member", owner_member_id, _("责任人"))
    owner_name = owner.name if owner else (owner_name or "").strip()
    if not owner_name:
        errors.append(FieldError("owner_name", "required", _("每个问题须明确责任人")))
    elif len(owner_name) > 60:
        errors.append(FieldError("owner_name", "too_long", _("责任人不能超过60字")))
    if year is None or not 2000 <= year <= 2100:
        errors.append(FieldError("year", "bad_value", _("请填写年度")))
    if deadline is None:
        errors.append(FieldError("deadline", "required", _("请填写整改时限")))
    if errors:
        raise ServiceError(errors)
    issue = Issue.objects.create(org=org, year=year, source=source, description=description, measures=measures, owner_name=owner_name, owner_member=owner, deadline=deadline)
    audit.record(actor, "worklists.issue.create", issue, changes={"description": [None, description], "owner": [None, owner_name], "deadline": [None, deadline]})
    return issue


@transaction.atomic
def rectify(*, actor: Actor, issue_id, on: dt.date | None, text: str, evidence=None, close: bool = False, result: str = "", today: dt.date | None = None) -> Rectification:
    """A rectification entry; `close` closes the issue (销号) — only with evidence on record and a result."""
    today = today or dt.date.today()
    issue = get_in_scope(Issue.objects.select_for_update().select_related("org"), actor, write=True, pk=params.to_id(issue_id, field="issue", label=_("问题"), required=True))
    errors: list[FieldError] = []
    if issue.status == IssueStatus.CLOSED:
        errors.append(FieldError("issue", "not_allowed", _("问题已销号")))
    text = _text(errors, "text", text, _("整改情况"), max_length=2000)
    result = _text(errors, "result", result, _("整改结果"), max_length=2000, required=close)
    if on is None:
        errors.append(FieldError("on", "required", _("请填写日期")))
    elif on > today:
        errors.append(FieldError("on", "future_date", _("日期不能晚于今天")))
    evidence = _evidence(errors, "evidence", evidence)
    if close and not evidence and not issue.entries.exclude(evidence="").exists():
        errors.append(FieldError("evidence", "required", _("销号须有整改佐证材料")))
    if errors:
        raise ServiceError(errors)
    entry = Rectification.objects.create(issue=issue, on=on, text=text, evidence=evidence or "", actor_label=actor.label)
    before = {"status": issue.status}
    if close:
        issue.status, issue.closed_on, issue.result = IssueStatus.CLOSED, on, result
    else:
        issue.status = IssueStatus.RECTIFYING
    issue.save(update_fields=["status", "closed_on", "result"])
    audit.record(actor, "worklists.issue.rectify", issue, changes=audit.diff(before, {"status": issue.status}), data={"entry": entry.pk, "evidence": bool(evidence)})
    return entry


# --- village collective income ---------------------------------------------------------------------


@transaction.atomic
def set_income(*, actor: Actor, org_id, year: int | None, target: Decimal | None, actual: Decimal | None, measures: str = "", today: dt.date | None = None) -> CollectiveIncome:
    today = today or dt.date.today()
    org = params.writable_org(actor, org_id)
    errors: list[FieldError] = []
    if org.sector != "rural":
        errors.append(FieldError("org", "not_allowed", _("%(name)s不是农村党组织") % {"name": org.name}))
    if year is None or not 2000 <= year <= today.year:
        errors.append(FieldError("year", "bad_value", _("年度不正确")))
    if target is None or target < 0:
        errors.append(FieldError("target", "bad_value", _("请填写目标收入（元）")))
    if actual is None or actual < 0:
        errors.append(FieldError("actual", "bad_value", _("请填写实际收入（元）")))
    measures = _text(errors, "measures", measures, _("增收措施"), max_length=2000, required=False)
    if errors:
        raise ServiceError(errors)
    row = CollectiveIncome.objects.select_for_update().filter(org=org, year=year).first()
    before = {"target": row.target, "actual": row.actual} if row else {}
    if row is None:
        row = CollectiveIncome(org=org, year=year)
    row.target, row.actual, row.measures, row.updated_on = target, actual, measures, today
    row.save()
    audit.record(actor, "worklists.income.set", row, changes=audit.diff(before, {"target": target, "actual": actual}))
    return row


# --- care register -----------------------------------------------------------------------------------


@transaction.atomic
def open_care_case(*, actor: Actor, member_id, kind: str, situation: str = "", helper_id=None, opened_on: dt.date | None = None, today: dt.date | None = None) -> CareCase:
    today = today or dt.date.today()
    errors: list[FieldError] = []
    member = _member(actor, errors, "member", member_id, _("党员"))
    if member_id in (None, ""):
        errors.append(FieldError("member", "required", _("请选择党员")))
    helper = _member(actor, errors, "helper", helper_id, _("结对帮扶党员"))
    if kind not in CareKind.values:
        errors.append(FieldError("kind", "bad_value", _("类别不正确")))
    situation = _text(errors, "situation", situation, _("困难情况"), max_length=2000, required=False)
    opened_on = opened_on or today
    if opened_on > today:
        errors.append(FieldError("opened_on", "future_date", _("登记日期不能晚于今天")))
    if member and helper and member.pk == helper.pk:
        errors.append(FieldError("helper", "bad_value", _("结对帮扶党员不能是本人")))
    if member and CareCase.objects.filter(member=member, kind=kind, closed_on__isnull=True).exists():
        errors.append(FieldError("member", "duplicate_existing", _("%(name)s已在关爱帮扶名册中") % {"name": member.name}))
    if errors:
        raise ServiceError(errors)
    params.writable_org(actor, member.org_id)
    case = CareCase.objects.create(member=member, org=member.org, kind=kind, situation=situation, helper=helper, opened_on=opened_on)
    audit.record(actor, "worklists.care.open", case, changes={"member": [None, member.name], "kind": [None, kind]}, data={"helper": helper.name if helper else ""})
    return case


@transaction.atomic
def record_visit(*, actor: Actor, case_id, on: dt.date | None, kind: str, visitor: str, occasion: str = "", amount: Decimal | None = None, note: str = "", today: dt.date | None = None) -> CareVisit:
    today = today or dt.date.today()
    case = get_in_scope(CareCase.objects.select_related("org", "member"), actor, write=True, pk=params.to_id(case_id, field="case", label=_("帮扶对象"), required=True))
    errors: list[FieldError] = []
    if kind not in VisitKind.values:
        errors.append(FieldError("kind", "bad_value", _("方式不正确")))
    visitor = _text(errors, "visitor", visitor, _("走访人"), max_length=120)
    occasion = _text(errors, "occasion", occasion, _("时节"), max_length=20, required=False)
    note = _text(errors, "note", note, _("情况"), max_length=500, required=False)
    if on is None or on > today:
        errors.append(FieldError("on", "bad_value", _("请填写不晚于今天的日期")))
    if amount is not None and amount < 0:
        errors.append(FieldError("amount", "bad_value", _("慰问金不能为负数")))
    if errors:
        raise ServiceError(errors)
    visit = CareVisit.objects.create(case=case, on=on, kind=kind, visitor=visitor, occasion=occasion, amount=amount, note=note)
    audit.record(actor, "worklists.care.visit", case, changes={"visit": [None, on]}, data={"kind": kind, "occasion": occasion, "amount": amount})
    return visit


@transaction.atomic
def close_care_case(*, actor: Actor, case_id, reason: str, today: dt.date | None = None) -> CareCase:
    case = get_in_scope(CareCase.objects.select_for_update().select_related("org"), actor, write=True, pk=params.to_id(case_id, field="case", label=_("帮扶对象"), required=True))
    errors: list[FieldError] = []
    reason = _text(errors, "reason", reason, _("退出原因"), max_length=200)
    if case.closed_on:
        errors.append(FieldError("case", "not_allowed", _("已退出名册")))
    if errors:
        raise ServiceError(errors)
    case.closed_on, case.close_reason = today or dt.date.today(), reason
    case.save(update_fields=["closed_on", "close_reason"])
    audit.record(actor, "worklists.care.close", case, changes={"closed_on": [None, case.closed_on]}, data={"reason": reason})
    return case
