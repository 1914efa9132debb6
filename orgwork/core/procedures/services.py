"""Every write on a procedure: keyword-only arguments, one transaction, an audit event and a step record."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from .. import audit
from .. import calendar as workcal
from ..actor import Actor
from ..errors import FieldError, PermissionDenied, ServiceError
from ..models import (
    Notice,
    NoticeStatus,
    Objection,
    ObjectionStatus,
    ProcedureInstance,
    ProcedureSetting,
    ProcedureStatus,
    StepAction,
    StepRecord,
)
from ..normalize import clean_text
from ..params import writable_org
from ..present import day_text
from ..scope import get_in_scope
from .engine import _add_record, _check_date, _fmt, _lock, _refresh, _save_attachments, _step_moved, _valid_records, clean_fields, may_act, render_template
from .language import _COMPLETED, _GATES, _HOOKS, Context, Field, definition, definition_for, version_for


@transaction.atomic
def start(*, actor: Actor, kind: str, org_id, title: str, on: dt.date, subject=None, version: str | None = None, data: dict | None = None) -> ProcedureInstance:
    org = writable_org(actor, org_id, abolished_code="bad_value")
    title = clean_text(title)
    if not title:
        raise ServiceError.single("title", "required", _("请填写名称"))
    version = version or version_for(kind, org, on=on)
    d = definition(kind, version=version)
    first = d.steps[0]
    if not may_act(actor, org, first.role):
        raise PermissionDenied()
    instance = ProcedureInstance.objects.create(
        kind=kind,
        rule_name=d.ruleset.name,
        rule_version=d.version,
        org=org,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        title=title[:200],
        stage=first.stage,
        step=first.key,
        step_since=on,
        started_on=on,
        data=audit.to_json(data or {}),
    )
    _add_record(instance, actor, action=StepAction.START, step=None, done_on=on, data={"version": d.version})
    audit.record(actor, "procedure.start", instance, data={"kind": kind, "version": d.version, "title": instance.title})
    return instance


@transaction.atomic
def complete_step(
    *,
    actor: Actor,
    instance_id,
    step: str,
    done_on: dt.date | None,
    data: dict | None = None,
    comment: str = "",
    responsible: str = "",
    documents: dict | None = None,
    files: dict | None = None,
    today: dt.date | None = None,
) -> StepRecord:
    instance = _lock(actor, instance_id)
    d = definition_for(instance)
    today = today or dt.date.today()
    if instance.status != ProcedureStatus.ACTIVE:
        raise ServiceError.single("status", "not_active", _("该事项%(status)s，不能办理步骤") % {"status": instance.get_status_display()})
    sd = d.step(step)
    if sd.key != instance.step:
        current = d.step(instance.step)
        raise ServiceError.single(
            "step", "wrong_step", _("当前应办理第%(number)s步“%(title)s”，不能办理第%(number2)s步“%(title2)s”") % {"number": d.number(current.key), "title": current.title, "number2": d.number(sd.key), "title2": sd.title}
        )
    if not may_act(actor, instance.org, sd.role):
        raise PermissionDenied()
    values, errors = clean_fields(sd.fields, data or {})
    if sd.notice:
        notice_values, notice_errors = clean_fields(
            (Field("notice_place", _("公示地点/方式")), Field("notice_start", _("公示开始日期"), "date", required=False), Field("notice_end", _("公示结束日期"), "date", required=False)),
            data or {},
        )
        errors += notice_errors
    records = _valid_records(instance)
    if _check_date(errors, "done_on", done_on, today=today):
        previous = [r for r in records if r.action == StepAction.COMPLETE]
        if previous and done_on < previous[-1].done_on:
            errors.append(FieldError("done_on", "date_order", _("办理日期不能早于上一步骤“%(step_title)s”的日期%(fmt)s") % {"step_title": previous[-1].step_title, "fmt": day_text(previous[-1].done_on)}))
        if instance.not_before and done_on < instance.not_before:
            errors.append(
                FieldError("done_on", "too_early", _("“%(title)s”最早可于%(date)s办理%(note)s") % {
                    "title": sd.title, "date": day_text(instance.not_before), "note": f"（{sd.earliest.note}）" if sd.earliest and sd.earliest.note else "",
                })
            )
        if instance.due_strict and instance.due_on and done_on > instance.due_on:
            note = f"（{sd.due.note}）" if sd.due and sd.due.note else ""
            late = {"title": sd.title, "fmt": day_text(instance.due_on), "note": note, "limit": day_text(instance.due_limit)}
            if instance.due_limit and instance.due_limit > instance.due_on:
                message = _("“%(title)s”应于%(fmt)s前完成%(note)s；确需延长的，可办理延期，最长至%(limit)s") % late
            else:
                message = _("“%(title)s”应于%(fmt)s前完成%(note)s") % late
            errors.append(FieldError("done_on", "too_late", message))
        for notice in instance.notices.filter(status=NoticeStatus.OPEN):
            if done_on <= notice.ends_on:
                errors.append(FieldError("done_on", "notice_running", _("“%(title)s”公示期至%(fmt)s结束，公示期满后才能办理“%(title2)s”") % {"title": notice.title, "fmt": day_text(notice.ends_on), "title2": sd.title}))
            open_count = notice.objections.filter(status=ObjectionStatus.OPEN).count()
            if open_count:
                errors.append(FieldError("objections", "objection_open", _("“%(title)s”公示期间收到的%(open_count)s件异议尚未核查处理完毕") % {"title": notice.title, "open_count": open_count}))
    given = {clean_text(k) for k, v in (documents or {}).items() if clean_text(v)} | {clean_text(k) for k, v in (files or {}).items() if v}
    for label in sd.documents:
        if label not in given:
            errors.append(FieldError("documents", "document_missing", _("缺少材料“%(label)s”（上传文件或填写文号/档案编号）") % {"label": label}))
    ctx = Context(instance=instance, definition=d, step=sd, done_on=done_on, data=values, actor=actor, records=records)
    if not errors:
        for name in sd.gates:
            found = _GATES[name](ctx) or []
            errors.extend(found)
    notice_args = None
    if sd.notice and not errors:
        n = d.value(sd.notice.working_days)
        start_on = notice_values.get("notice_start") or done_on
        end_on = None
        try:
            if start_on < done_on:
                errors.append(FieldError("notice_start", "date_order", _("公示开始日期不能早于本步骤办理日期")))
            end_on = notice_values.get("notice_end") or workcal.nth_workday_from(start_on, n)
            counted = workcal.workdays_between(start_on, end_on)
            if counted < n:
                note = f"（{sd.notice.note}）" if sd.notice.note else ""
                errors.append(
                    FieldError("notice_end", "notice_too_short", _("公示期%(fmt)s至%(fmt2)s只有%(counted)s个工作日，应不少于%(n)s个工作日%(note)s") % {"fmt": day_text(start_on), "fmt2": day_text(end_on), "counted": counted, "n": n, "note": note})
                )
        except workcal.UnknownCalendarYear as exc:
            errors.extend(exc.errors)
        notice_args = (start_on, end_on, n, notice_values.get("notice_place", ""))
    if errors:
        raise ServiceError(errors)

    stored = audit.to_json(values)
    record = _add_record(instance, actor, action=StepAction.COMPLETE, step=sd, done_on=done_on, comment=comment, responsible=responsible, data=stored)
    attachments = _save_attachments(record, documents, files)
    steps_data = dict(instance.data.get("steps") or {})
    steps_data[sd.key] = {**stored, "done_on": done_on.isoformat()}
    instance.data = {**instance.data, "steps": steps_data}
    notice = None
    if notice_args:
        start_on, end_on, n, place = notice_args
        context = {
            **{k: v for k, v in (instance.data.get("notice_context") or {}).items()},
            "title": instance.title,
            "org": instance.org.name,
            "start": _fmt(start_on),
            "end": _fmt(end_on),
            "days": n,
            "place": place,
            "step": sd.title,
            "done_on": _fmt(done_on),
        }
        notice = Notice.objects.create(
            instance=instance,
            record=record,
            step=sd.key,
            title=render_template(sd.notice.title, context)[:200],
            text=render_template(sd.notice.text, context),
            place=place[:200],
            starts_on=start_on,
            ends_on=end_on,
            working_days=n,
        )
    nxt = d.next(sd.key)
    before = {"step": instance.step, "status": instance.status}
    if nxt is None:
        instance.status = ProcedureStatus.COMPLETED
        instance.step = ""
        instance.ended_on = done_on
    else:
        instance.step = nxt.key
        instance.stage = nxt.stage
        instance.step_since = done_on
    records.append(record)
    _refresh(instance, d, records)
    instance.save()
    audit.record(
        actor,
        "procedure.step.complete",
        instance,
        changes=audit.diff(before, {"step": instance.step, "status": instance.status}),
        data={
            "step": sd.key,
            "seq": record.seq,
            "done_on": done_on,
            "values": stored,
            "attachments": [a.label for a in attachments],
            "notice": notice.pk if notice else None,
        },
    )
    for name in sd.on_complete:
        _HOOKS[name](ctx, record)
    if instance.status == ProcedureStatus.COMPLETED:
        for listener in _COMPLETED.get(instance.kind, ()):
            listener(instance, actor)
    _step_moved(instance, actor, today)
    return record


@transaction.atomic
def add_entry(
    *,
    actor: Actor,
    instance_id,
    step: str,
    done_on: dt.date | None,
    data: dict | None = None,
    comment: str = "",
    responsible: str = "",
    documents: dict | None = None,
    files: dict | None = None,
    today: dt.date | None = None,
) -> StepRecord:
    """A repeatable record on a step not yet completed in the current stage (e.g. a half-yearly assessment)."""
    instance = _lock(actor, instance_id)
    d = definition_for(instance)
    today = today or dt.date.today()
    if instance.status != ProcedureStatus.ACTIVE:
        raise ServiceError.single("status", "not_active", _("该事项%(status)s，不能登记") % {"status": instance.get_status_display()})
    sd = d.step(step)
    if sd.entry_fields is None:
        raise ServiceError.single("step", "no_entries", _("“%(title)s”不需要逐次登记") % {"title": sd.title})
    if d.index(sd.key) < d.index(instance.step) or sd.stage != instance.stage:
        raise ServiceError.single("step", "wrong_step", _("“%(title)s”已完成或尚未到该阶段，不能登记") % {"title": sd.title})
    if not may_act(actor, instance.org, sd.role):
        raise PermissionDenied()
    values, errors = clean_fields(sd.entry_fields, data or {})
    if _check_date(errors, "done_on", done_on, today=today) and done_on < instance.started_on:
        errors.append(FieldError("done_on", "date_order", _("日期不能早于事项开始日期%(fmt)s") % {"fmt": day_text(instance.started_on)}))
    if errors:
        raise ServiceError(errors)
    record = _add_record(instance, actor, action=StepAction.ENTRY, step=sd, done_on=done_on, comment=comment, responsible=responsible, data=values)
    _save_attachments(record, documents, files)
    audit.record(actor, "procedure.step.entry", instance, data={"step": sd.key, "seq": record.seq, "done_on": done_on, "values": record.data})
    return record


def _reason(reason: str) -> str:
    reason = clean_text(reason)
    if not reason:
        raise ServiceError.single("reason", "required", _("请填写原因"))
    if len(reason) > 500:
        raise ServiceError.single("reason", "bad_value", _("原因不能超过500字"))
    return reason


@transaction.atomic
def return_step(*, actor: Actor, instance_id, to_step: str, reason: str, on: dt.date | None = None) -> StepRecord:
    """退回: send the procedure back to an earlier step for correction; later records stay, marked superseded."""
    instance = _lock(actor, instance_id)
    d = definition_for(instance)
    reason = _reason(reason)
    on = on or dt.date.today()
    if instance.status != ProcedureStatus.ACTIVE:
        raise ServiceError.single("status", "not_active", _("该事项%(status)s，不能退回") % {"status": instance.get_status_display()})
    target = d.step(to_step)
    current = d.step(instance.step)
    if d.index(target.key) >= d.index(current.key):
        raise ServiceError.single("to_step", "bad_value", _("只能退回到当前步骤“%(title)s”之前已完成的步骤") % {"title": current.title})
    if not (may_act(actor, instance.org, current.role) or may_act(actor, instance.org, target.role)):
        raise PermissionDenied()
    records = _valid_records(instance)
    for r in records:
        if r.action == StepAction.COMPLETE and d.step(r.step).locks and d.index(r.step) >= d.index(target.key):
            raise ServiceError.single("to_step", "locked", _("“%(step_title)s”已完成，不能再退回到此前的步骤") % {"step_title": r.step_title})
    ret = _add_record(instance, actor, action=StepAction.RETURN, step=target, done_on=on, comment=reason, data={"from": current.key})
    later = {s.key for s in d.steps[d.index(target.key) :]}
    superseded = [r for r in records if r.step in later and r.action in (StepAction.COMPLETE, StepAction.EXTEND)]
    StepRecord.objects.filter(pk__in=[r.pk for r in superseded]).update(valid=False, returned_by=ret)
    Notice.objects.filter(instance=instance, record__in=[r.pk for r in superseded]).update(status=NoticeStatus.WITHDRAWN)
    steps_data = {k: v for k, v in (instance.data.get("steps") or {}).items() if k not in later}
    extensions = {k: v for k, v in (instance.data.get("extensions") or {}).items() if k not in later}
    instance.data = {**instance.data, "steps": steps_data, "extensions": extensions}
    before = instance.step
    instance.step = target.key
    instance.stage = target.stage
    instance.step_since = on
    _refresh(instance, d, [*(r for r in records if r.pk not in {s.pk for s in superseded}), ret])  # the return dates a RETURNED rule
    instance.save()
    audit.record(actor, "procedure.step.return", instance, changes={"step": [before, target.key]}, data={"reason": reason, "superseded": [r.seq for r in superseded]})
    _step_moved(instance, actor, on)
    return ret


@transaction.atomic
def extend_due(*, actor: Actor, instance_id, until: dt.date, reason: str, on: dt.date | None = None) -> StepRecord:
    """延期: move the current step's due date, no further than the step's limit."""
    instance = _lock(actor, instance_id)
    d = definition_for(instance)
    reason = _reason(reason)
    if instance.status != ProcedureStatus.ACTIVE:
        raise ServiceError.single("status", "not_active", _("该事项%(status)s，不能延期") % {"status": instance.get_status_display()})
    sd = d.step(instance.step)
    if not may_act(actor, instance.org, sd.role):
        raise PermissionDenied()
    if sd.due_limit is None or instance.due_on is None:
        raise ServiceError.single("until", "not_extendable", _("“%(title)s”的期限不能延长") % {"title": sd.title})
    if until is None or until <= instance.due_on:
        raise ServiceError.single("until", "bad_value", _("延期后的期限应晚于%(fmt)s") % {"fmt": day_text(instance.due_on)})
    if instance.due_limit and until > instance.due_limit:
        raise ServiceError.single("until", "too_late", _("“%(title)s”最长只能延至%(date)s%(note)s") % {
            "title": sd.title, "date": day_text(instance.due_limit), "note": f"（{sd.due_limit.note}）" if sd.due_limit.note else "",
        })  # fmt: skip
    old = instance.due_on
    record = _add_record(instance, actor, action=StepAction.EXTEND, step=sd, done_on=on or dt.date.today(), comment=reason, data={"from": old, "until": until})
    extensions = dict(instance.data.get("extensions") or {})
    extensions[sd.key] = until.isoformat()
    instance.data = {**instance.data, "extensions": extensions}
    _refresh(instance, d, _valid_records(instance))
    instance.save()
    audit.record(actor, "procedure.extend", instance, changes=audit.diff({"due_on": old}, {"due_on": until}), data={"step": sd.key, "reason": reason})
    return record


@transaction.atomic
def set_fact(*, actor: Actor, instance_id, key: str, value, reason: str, on: dt.date | None = None, role: str = "branch") -> StepRecord:
    """Record a fact the date rules read (e.g. months of a probation extension), with its reason; due dates follow."""
    instance = _lock(actor, instance_id)
    reason = _reason(reason)
    if instance.status != ProcedureStatus.ACTIVE:
        raise ServiceError.single("status", "not_active", _("该事项%(status)s，不能办理") % {"status": instance.get_status_display()})
    if not may_act(actor, instance.org, role):
        raise PermissionDenied()
    d = definition_for(instance)
    step = d.step(instance.step) if instance.step else None
    old = instance.data.get(key)
    record = _add_record(instance, actor, action=StepAction.EXTEND, step=step, done_on=on or dt.date.today(), comment=reason, data={key: value, "previous": old})
    instance.data = {**instance.data, key: audit.to_json(value)}
    _refresh(instance, d, _valid_records(instance))
    instance.save()
    audit.record(actor, "procedure.set_fact", instance, changes=audit.diff({key: old}, {key: value}), data={"reason": reason})
    return record


def _status_change(actor: Actor, instance_id, *, allowed_from, to, action, refused, reason=None, on=None) -> StepRecord:
    """`refused`: the message when the status does not allow it, with %(status)s for the present status."""
    instance = _lock(actor, instance_id)
    if instance.status not in allowed_from:
        raise ServiceError.single("status", "not_allowed", refused % {"status": instance.get_status_display()})
    if not may_act(actor, instance.org, "branch"):
        raise PermissionDenied()
    on = on or dt.date.today()
    d = definition_for(instance)
    step = d.step(instance.step) if instance.step else None
    record = _add_record(instance, actor, action=action, step=step, done_on=on, comment=reason or "")
    before = instance.status
    instance.status = to
    if to in (ProcedureStatus.TERMINATED,):
        instance.ended_on = on
        instance.end_reason = reason or ""
    _refresh(instance, d, _valid_records(instance))
    instance.save()
    audit.record(actor, f"procedure.{action}", instance, changes={"status": [before, to]}, data={"reason": reason or "", "on": on})
    return record


@transaction.atomic
def pause(*, actor: Actor, instance_id, reason: str, on: dt.date | None = None) -> StepRecord:
    return _status_change(actor, instance_id, allowed_from={ProcedureStatus.ACTIVE}, to=ProcedureStatus.PAUSED, action=StepAction.PAUSE, refused=_("该事项%(status)s，不能暂停"), reason=_reason(reason), on=on)


@transaction.atomic
def resume(*, actor: Actor, instance_id, reason: str, on: dt.date | None = None) -> StepRecord:
    return _status_change(actor, instance_id, allowed_from={ProcedureStatus.PAUSED}, to=ProcedureStatus.ACTIVE, action=StepAction.RESUME, refused=_("该事项%(status)s，不能恢复"), reason=_reason(reason), on=on)


@transaction.atomic
def terminate(*, actor: Actor, instance_id, reason: str, on: dt.date | None = None) -> StepRecord:
    return _status_change(
        actor,
        instance_id,
        allowed_from={ProcedureStatus.ACTIVE, ProcedureStatus.PAUSED},
        to=ProcedureStatus.TERMINATED,
        action=StepAction.TERMINATE,
        refused=_("该事项%(status)s，不能终止"),
        reason=_reason(reason),
        on=on,
    )


@transaction.atomic
def archive(*, actor: Actor, instance_id, on: dt.date | None = None) -> StepRecord:
    return _status_change(
        actor,
        instance_id,
        allowed_from={ProcedureStatus.COMPLETED, ProcedureStatus.TERMINATED},
        to=ProcedureStatus.ARCHIVED,
        action=StepAction.ARCHIVE,
        refused=_("该事项%(status)s，不能归档（只有已办结或已终止的事项可以归档）"),
        on=on,
    )


@transaction.atomic
def record_objection(*, actor: Actor, notice_id, received_on: dt.date | None, content: str, source: str = "") -> Objection:
    notice = get_in_scope(Notice.objects.select_related("instance__org"), actor, write=True, pk=notice_id)
    content = clean_text(content)
    errors = []
    if not content:
        errors.append(FieldError("content", "required", _("请填写反映内容")))
    if received_on is None:
        errors.append(FieldError("received_on", "required", _("请填写收到日期")))
    elif not notice.starts_on <= received_on <= notice.ends_on:
        errors.append(FieldError("received_on", "outside_notice", _("收到日期应在公示期内（%(fmt)s至%(fmt2)s）") % {"fmt": day_text(notice.starts_on), "fmt2": day_text(notice.ends_on)}))
    if notice.status != NoticeStatus.OPEN:
        errors.append(FieldError("notice", "withdrawn", _("该公示已撤回")))
    if errors:
        raise ServiceError(errors)
    objection = Objection.objects.create(notice=notice, received_on=received_on, content=content, source=clean_text(source)[:200], recorded_by=actor.label)
    audit.record(actor, "procedure.objection.record", objection, data={"notice": notice.pk, "instance": notice.instance_id, "received_on": received_on})
    return objection


@transaction.atomic
def resolve_objection(*, actor: Actor, objection_id, upheld: bool, resolution: str, on: dt.date | None = None) -> Objection:
    objection = get_in_scope(Objection.objects.select_for_update().select_related("notice__instance__org"), actor, write=True, pk=objection_id)
    if objection.status != ObjectionStatus.OPEN:
        raise ServiceError.single("status", "not_open", _("该异议已处理"))
    resolution = clean_text(resolution)
    if not resolution:
        raise ServiceError.single("resolution", "required", _("请填写核查处理情况"))
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.resolution = resolution
    objection.resolved_on = on or dt.date.today()
    objection.resolved_by = actor.label
    objection.save()
    audit.record(actor, "procedure.objection.resolve", objection, changes={"status": [ObjectionStatus.OPEN, objection.status]}, data={"resolution": resolution})
    return objection


@transaction.atomic
def set_version(*, actor: Actor, org_id, kind: str, version: str | None) -> ProcedureSetting | None:
    """Make new instances under an org follow another version (None: back to the version in force by date)."""
    from django.utils import timezone

    org = writable_org(actor, org_id, active=False, missing="not_found")
    if not may_act(actor, org, "department"):
        raise PermissionDenied()
    if version is not None:
        definition(kind, version=version)  # must exist
    current = ProcedureSetting.objects.filter(org=org, kind=kind, ended_at__isnull=True).first()
    if current is not None:
        if current.version == version:
            return current
        current.ended_at = timezone.now()
        current.save(update_fields=["ended_at"])
    setting = ProcedureSetting.objects.create(org=org, kind=kind, version=version) if version else None
    audit.record(actor, "procedure.set_version", org, data={"kind": kind, "version": version, "previous": current.version if current else None})
    return setting
