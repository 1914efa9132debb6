"""The engine: who may act, field cleaning, due dates in working days, and the record helpers the services share."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import audit
from .. import calendar as workcal
from ..actor import Actor
from ..errors import FieldError
from ..models import (
    Attachment,
    ProcedureInstance,
    ProcedureStatus,
    Role,
    StepAction,
    StepRecord,
)
from ..normalize import BadDate, add_months, clean_text, parse_date, to_halfwidth
from ..scope import get_in_scope
from .language import RETURNED, DateRule, Definition, Field, StepDef

# --- roles -----------------------------------------------------------------------------------

ROLE_LABELS = {"branch": gettext_lazy("党支部"), "committee": gettext_lazy("上级党委"), "department": gettext_lazy("组织部门")}
_ROLE_GRANTS = {
    "branch": {Role.SYSADMIN, Role.DEPT_ADMIN, Role.ORG_ADMIN, Role.SECRETARY},
    "committee": {Role.SYSADMIN, Role.DEPT_ADMIN, Role.ORG_ADMIN},
    "department": {Role.SYSADMIN, Role.DEPT_ADMIN},
}


def may_act(actor: Actor, org, role: str) -> bool:
    """Whether the actor may complete a step of `role` for a procedure handled by `org`."""
    if actor.unrestricted:
        return True
    allowed = _ROLE_GRANTS[role]
    for g in actor.effective_grants:
        if g.role not in allowed or not org.path.startswith(g.path):
            continue
        if role == "committee" and g.path == org.path and org.is_branch:
            continue  # a branch does not approve its own steps
        return True
    return False


# --- field cleaning --------------------------------------------------------------------------

_TRUE = {"1", "true", "yes", "on", "是", "y", "t", "同意", "通过", "合格"}
_FALSE = {"0", "false", "no", "off", "否", "n", "f", "不同意", "不通过", "不合格", ""}


def _clean_value(f: Field, raw):
    """(value, error message or None); value None means empty."""
    if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
        return None, None
    if f.type == "text":
        return clean_text(raw)[:2000], None
    if f.type == "int":
        try:
            n = int(to_halfwidth(str(raw)).strip())
        except ValueError:
            return None, _("%(label)s应为整数") % {"label": f.label}
        if n < 0:
            return None, _("%(label)s不能为负数") % {"label": f.label}
        return n, None
    if f.type == "date":
        if isinstance(raw, dt.date):
            return raw, None
        try:
            return parse_date(raw), None
        except BadDate:
            return None, _("%(label)s“%(value)s”不是有效日期") % {"label": f.label, "value": raw}
    if f.type == "bool":
        if isinstance(raw, bool):
            return raw, None
        text = clean_text(raw).lower()
        if text in _TRUE:
            return True, None
        if text in _FALSE:
            return False, None
        return None, _("%(label)s应为“是”或“否”") % {"label": f.label}
    if f.type == "choice":
        text = clean_text(raw)
        for value, label in f.choices:
            if text in (value, label):
                return value, None
        return None, _("%(label)s应为：%(choices)s") % {"label": f.label, "choices": "、".join(str(label) for _v, label in f.choices)}
    if f.type == "member":
        try:
            return int(str(raw).strip()), None
        except ValueError:
            return None, _("请搜索并选择%(label)s") % {"label": f.label}
    if f.type == "members":
        items = raw if isinstance(raw, (list, tuple)) else to_halfwidth(str(raw)).replace("，", ",").replace("、", ",").split(",")
        out = []
        for item in items:
            item = str(item).strip()
            if not item:
                continue
            try:
                out.append(int(item))
            except ValueError:
                return None, _("请搜索并选择%(label)s") % {"label": f.label}
        return out or None, None
    raise ValueError(f"unknown field type {f.type}")


def clean_fields(fields: Iterable[Field], raw: dict) -> tuple[dict, list[FieldError]]:
    out, errors = {}, []
    raw = raw or {}
    for f in fields:
        value, message = _clean_value(f, raw.get(f.name))
        if message:
            errors.append(FieldError(f.name, "bad_value", message))
        elif value is None:
            if f.required and f.type != "bool":
                errors.append(FieldError(f.name, "required", _("请填写%(label)s") % {"label": f.label}))
            elif f.type == "bool":
                out[f.name] = False
        else:
            out[f.name] = value
    return out, errors


# --- dates -----------------------------------------------------------------------------------


def _anchor(records: list[StepRecord], key: str) -> dt.date | None:
    found = None
    for r in records:
        if r.step == key and r.action == StepAction.COMPLETE and r.valid:
            found = r.done_on
    return found


def _returned_to(records: list[StepRecord], key: str) -> dt.date | None:
    """The day the procedure was last sent back to step `key` (None when it never was)."""
    found = None
    for r in records:
        if r.step == key and r.action == StepAction.RETURN and r.valid:
            found = r.done_on
    return found


def evaluate(rule: DateRule | None, definition_: Definition, instance: ProcedureInstance, records: list[StepRecord]) -> dt.date | None:
    if rule is None:
        return None
    day = _returned_to(records, instance.step) if rule.after == RETURNED else _anchor(records, rule.after)
    if day is None:
        return None
    months = definition_.value(rule.months)
    if rule.plus_months_from:
        months += int(instance.data.get(rule.plus_months_from) or 0)
    day = add_months(day, months) + dt.timedelta(days=definition_.value(rule.days))
    n = definition_.value(rule.working_days)
    if n:
        day = workcal.add_workdays(day, n)
    return day


def _valid_records(instance: ProcedureInstance) -> list[StepRecord]:
    return list(instance.records.filter(valid=True).order_by("seq"))


def _refresh(instance: ProcedureInstance, definition_: Definition, records: list[StepRecord]) -> None:
    """Set the current step's due date, extension limit and earliest date from the rules."""
    if instance.status in (ProcedureStatus.COMPLETED, ProcedureStatus.TERMINATED, ProcedureStatus.ARCHIVED) or not instance.step:
        instance.due_on = instance.due_limit = instance.not_before = None
        instance.due_strict = False
        return
    step = definition_.step(instance.step)
    instance.stage = step.stage
    due = evaluate(step.due, definition_, instance, records)
    extended = (instance.data.get("extensions") or {}).get(step.key)
    if extended:
        due = dt.date.fromisoformat(extended)
    instance.due_on = due
    instance.due_strict = step.due_strict and due is not None
    instance.due_limit = evaluate(step.due_limit, definition_, instance, records)
    instance.not_before = evaluate(step.earliest, definition_, instance, records)


# --- writes ----------------------------------------------------------------------------------


def _step_moved(instance: ProcedureInstance, actor: Actor, today: dt.date) -> None:
    """A step now waiting at another level (a committee's 备案, the county's review) is notified there at once."""
    from .. import deadlines

    deadlines.procedure_moved(instance, actor=actor, today=today)



def _lock(actor: Actor, instance_id) -> ProcedureInstance:
    return get_in_scope(ProcedureInstance.objects.select_for_update().select_related("org"), actor, write=True, pk=instance_id)


def _next_seq(instance: ProcedureInstance) -> int:
    return (instance.records.aggregate(m=Max("seq"))["m"] or 0) + 1


def _add_record(instance, actor: Actor, *, action, step: StepDef | None, done_on, comment="", responsible="", data=None) -> StepRecord:
    return StepRecord.objects.create(
        instance=instance,
        seq=_next_seq(instance),
        action=action,
        step=step.key if step else "",
        step_title=step.title if step else "",
        stage=step.stage if step else instance.stage,
        done_on=done_on,
        actor_id=actor.user_id,
        actor_label=actor.label,
        responsible=clean_text(responsible)[:100] or actor.label,
        comment=clean_text(comment),
        data=audit.to_json(data or {}),
    )


def _save_attachments(record: StepRecord, documents: dict | None, files: dict | None) -> list[Attachment]:
    out = []
    for label, reference in (documents or {}).items():
        reference = clean_text(reference)
        if reference:
            out.append(Attachment.objects.create(record=record, label=clean_text(label)[:100], reference=reference[:200]))
    for label, upload in (files or {}).items():
        uploads = upload if isinstance(upload, (list, tuple)) else [upload]
        for f in uploads:
            if not f:
                continue
            digest = hashlib.sha256()
            for chunk in f.chunks():
                digest.update(chunk)
            f.seek(0)
            att = Attachment(record=record, label=clean_text(label)[:100], filename=getattr(f, "name", "")[:255], size=getattr(f, "size", 0) or 0, sha256=digest.hexdigest())
            att.file.save(getattr(f, "name", "file"), f, save=False)
            att.save()
            out.append(att)
    return out


def _check_date(errors: list, field: str, day, *, today: dt.date) -> bool:
    if day is None:
        errors.append(FieldError(field, "required", _("请填写办理日期")))
        return False
    if day > today:
        errors.append(FieldError(field, "future_date", _("办理日期不能晚于今天")))
        return False
    return True


def _fmt(d: dt.date | None) -> str:
    """A date as documents write it (2024年3月5日): notices keep it whatever the reader's language."""
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


class _Blank(dict):
    def __missing__(self, key):
        return ""


def render_template(template: str, context: dict) -> str:
    """{name} placeholders only (str.format_map over plain values): no expressions, unknown names → empty."""
    return template.format_map(_Blank(context))
