"""The procedure kernel: procedures defined as versioned data, run with a full record (纪实) of every step.

Defining a procedure (in a domain app's ``rules.py``)::

    from orgwork.core.procedures import DateRule, Field, NoticeDef, Stage, StepDef, define, gate, hook

    @gate("transfer.letter_valid")            # gates and hooks are code, referenced by name from the data
    def letter_valid(ctx):                     # ctx: Context (instance, definition, step, done_on, data, value(), …)
        if ctx.data["valid_days"] > ctx.value("letter_valid_days"):
            return [FieldError("valid_days", "too_long", "介绍信有效期不得超过…")]

    define(kind="transfer", version="2021", effective=date(2021, 1, 1), source="…", title="组织关系转接",
           stages=[Stage("out", "转出")],
           steps=[StepDef("request", "提出申请", "out", fields=(Field("reason", "原因"),)),
                  StepDef("approve", "审批", "out", role="committee", gates=("transfer.letter_valid",),
                          due=DateRule("request", working_days="approve_within_days"), due_strict=True)],
           approve_within_days=5)          # the numbers: rule-set values, referenced by key from the steps

A revision is data only: ``register(definition("transfer").ruleset.derive(version="2026", effective=…,
source=…, approve_within_days=3))``. Each instance stores the version it was started under and always
runs under it.

Running one (every write: keyword-only arguments, one transaction, audit event, step record)::

    start(actor=, kind=, org_id=, title=, on=, subject=obj, version=None, data=None) -> ProcedureInstance
        (data: initial instance data; its "notice_context" dict feeds the notice templates)
    complete_step(actor=, instance_id=, step=, done_on=, data={}, comment="", responsible="",
                  documents={label: reference}, files={label: UploadedFile}) -> StepRecord
    add_entry(actor=, instance_id=, step=, done_on=, data={}, comment="", …) -> StepRecord   (repeatable records)
    return_step(actor=, instance_id=, to_step=, reason=, on=None)        退回 for correction
    extend_due(actor=, instance_id=, until=, reason=)                    延期 within the step's limit
    set_fact(actor=, instance_id=, key=, value=, reason=)                 a fact date rules read (DateRule.plus_months_from)
    pause / resume / terminate(actor=, instance_id=, reason=, on=None);  archive(actor=, instance_id=)
    record_objection(actor=, notice_id=, received_on=, content=, source="")
    resolve_objection(actor=, objection_id=, upheld=, resolution=, on=None)
    set_version(actor=, org_id=, kind=, version=None)                   an org's subtree follows another version

Reading (scoped to the actor)::

    instances(actor, kind=None), get_instance(actor, id), timeline(instance)
    due_steps(actor, kind=None, within_days=14, today=None, under=None) -> list[DueStep]   overdue + upcoming

Completing a step checks, in order: the instance is active, the step is the current one, the actor's role
(``branch`` = a writer at the org or above; ``committee`` = an org/department admin at a higher org;
``department`` = the organization department), the fields, the date (not in the future, not before the
previous step, not before ``earliest``, not after a strict ``due``), running notices and open objections,
required documents, then the step's gates. Every refusal is a ServiceError naming the field, with a stable
code and a Chinese message; nothing is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max, QuerySet

from . import audit
from . import calendar as workcal
from .actor import Actor
from .errors import FieldError, PermissionDenied, ServiceError
from .models import (
    Attachment,
    Notice,
    NoticeStatus,
    Objection,
    ObjectionStatus,
    ProcedureInstance,
    ProcedureSetting,
    ProcedureStatus,
    Role,
    StepAction,
    StepRecord,
)
from .normalize import BadDate, add_months, clean_text, parse_date, to_halfwidth
from .params import writable_org
from .rules import RuleSet, UnknownRule, register, versions
from .scope import get_in_scope, scope

# --- definitions: data -----------------------------------------------------------------------

Number = int | str  # a literal, or the key of a number in the rule set's values


@dataclass(frozen=True)
class Field:
    """One value a step asks for. type: text | int | date | bool | choice | member | members."""

    name: str
    label: str
    type: str = "text"
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""


@dataclass(frozen=True)
class DateRule:
    """A date counted from the day another step was done: months, then days, then working days."""

    after: str
    months: Number = 0
    days: Number = 0
    working_days: Number = 0
    plus_months_from: str = ""  # an instance data key holding extra months (an extension granted)
    note: str = ""  # why, for messages: "自支部大会通过之日起3个月内"


@dataclass(frozen=True)
class NoticeDef:
    """The step publishes a notice (公示) of at least `working_days` working days; templates use {name} fields."""

    title: str
    text: str
    working_days: Number
    note: str = ""


@dataclass(frozen=True)
class Stage:
    key: str
    title: str


@dataclass(frozen=True)
class StepDef:
    key: str
    title: str
    stage: str
    role: str = "branch"  # branch | committee | department
    fields: tuple[Field, ...] = ()
    gates: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    due: DateRule | None = None
    due_strict: bool = False  # completing after the due date (and any extension) is refused
    due_limit: DateRule | None = None  # how far an extension may move a strict due date
    earliest: DateRule | None = None
    notice: NoticeDef | None = None
    entry_fields: tuple[Field, ...] | None = None  # repeatable records on this step (e.g. half-yearly assessments)
    entry_label: str = ""
    on_complete: tuple[str, ...] = ()  # hooks run inside the transaction after the record is written
    locks: bool = False  # once done, nothing before it can be returned (e.g. an approval that created a record)
    article: str = ""  # where the step comes from, shown beside it


class Definition:
    """A procedure type at one version: a view over its rule set."""

    def __init__(self, ruleset: RuleSet):
        self.ruleset = ruleset
        self.kind = ruleset.name.removeprefix("procedure.")
        self.version = ruleset.version
        self.title = ruleset["title"]
        self.stages: tuple[Stage, ...] = tuple(ruleset["stages"])
        self.steps: tuple[StepDef, ...] = tuple(ruleset["steps"])
        self._index = {s.key: i for i, s in enumerate(self.steps)}
        if len(self._index) != len(self.steps):
            raise ValueError(f"{ruleset.name} {ruleset.version}: duplicate step keys")
        stage_keys = {s.key for s in self.stages}
        for s in self.steps:
            if s.stage not in stage_keys:
                raise ValueError(f"{ruleset.name} {ruleset.version}: step {s.key} has unknown stage {s.stage}")

    def __repr__(self):
        return f"<Definition {self.kind} {self.version}>"

    def step(self, key: str) -> StepDef:
        try:
            return self.steps[self._index[key]]
        except KeyError:
            raise ServiceError.single("step", "unknown_step", f"“{self.title}”（{self.version}版）没有步骤“{key}”") from None

    def index(self, key: str) -> int:
        self.step(key)
        return self._index[key]

    def number(self, key: str) -> int:
        """1-based position, as the regulations count steps (①…㉕)."""
        return self.index(key) + 1

    def next(self, key: str) -> StepDef | None:
        i = self.index(key) + 1
        return self.steps[i] if i < len(self.steps) else None

    def stage(self, key: str) -> Stage:
        for s in self.stages:
            if s.key == key:
                return s
        raise KeyError(key)

    def stage_steps(self, stage_key: str) -> list[StepDef]:
        return [s for s in self.steps if s.stage == stage_key]

    def value(self, number: Number) -> int:
        if isinstance(number, str):
            return self.ruleset[number]
        return number

    @property
    def optional(self) -> bool:
        return bool(self.ruleset.get("optional", False))


def rule_name(kind: str) -> str:
    return f"procedure.{kind}"


def define(*, kind: str, version: str, effective: dt.date, source: str, title: str, stages, steps, optional: bool = False, **numbers) -> RuleSet:
    """Register a procedure type version. `optional` versions are never chosen by date, only by an org's setting."""
    rs = RuleSet(rule_name(kind), version, effective, source, {"title": title, "stages": tuple(stages), "steps": tuple(steps), "optional": optional, **numbers})
    Definition(rs)  # validate
    return register(rs)


def insert_steps(steps: Iterable[StepDef], *, after: str, new: Iterable[StepDef]) -> tuple[StepDef, ...]:
    """A copy of `steps` with `new` inserted after the step `after` (for variants defined as data)."""
    out: list[StepDef] = []
    found = False
    for s in steps:
        out.append(s)
        if s.key == after:
            out.extend(new)
            found = True
    if not found:
        raise ValueError(f"no step {after!r}")
    return tuple(out)


def definition(kind: str, *, version: str | None = None, on: dt.date | None = None) -> Definition:
    """The named version, or the non-optional version in force on a date (default today)."""
    known = versions(rule_name(kind))
    if not known:
        raise UnknownRule(f"no procedure type {kind!r}")
    if version is not None:
        for rs in known:
            if rs.version == version:
                return Definition(rs)
        raise UnknownRule(f"procedure {kind!r} has no version {version!r}")
    on = on or dt.date.today()
    in_force = [rs for rs in known if rs.effective <= on and not rs.get("optional")]
    if not in_force:
        raise UnknownRule.before_first(rule_name(kind), on, [rs for rs in known if not rs.get("optional")] or known)
    return Definition(max(in_force, key=lambda r: r.effective))


def definition_for(instance: ProcedureInstance) -> Definition:
    return definition(instance.kind, version=instance.rule_version)


def version_for(kind: str, org, *, on: dt.date | None = None) -> str:
    """The version a new instance at `org` starts under: the nearest org setting, else the one in force by date."""
    paths = [*org.ancestor_paths(), org.path]
    setting = (
        ProcedureSetting.objects.filter(kind=kind, ended_at__isnull=True, org__path__in=paths).select_related("org").order_by("-org__depth").first()
    )
    if setting is not None:
        return setting.version
    return definition(kind, on=on).version


# --- gates and hooks: code, referenced by name ------------------------------------------------

_GATES: dict[str, Callable] = {}
_HOOKS: dict[str, Callable] = {}


def gate(name: str):
    """Register a gate: fn(ctx) -> list[FieldError] | None (empty/None: the condition holds)."""

    def deco(fn):
        _GATES[name] = fn
        return fn

    return deco


def hook(name: str):
    """Register an on-complete hook: fn(ctx, record) -> None, run inside the completing transaction."""

    def deco(fn):
        _HOOKS[name] = fn
        return fn

    return deco


@dataclass
class Context:
    """What a gate or hook sees."""

    instance: ProcedureInstance
    definition: Definition
    step: StepDef
    done_on: dt.date
    data: dict
    actor: Actor
    records: list[StepRecord] = field(default_factory=list)

    def value(self, number: Number) -> int:
        return self.definition.value(number)

    def completed(self, key: str) -> StepRecord | None:
        found = None
        for r in self.records:
            if r.step == key and r.action == StepAction.COMPLETE and r.valid:
                found = r
        return found

    def done_on_of(self, key: str) -> dt.date | None:
        r = self.completed(key)
        return r.done_on if r else None

    def data_of(self, key: str) -> dict:
        r = self.completed(key)
        return dict(r.data) if r else {}

    def entries(self, key: str) -> list[StepRecord]:
        return sorted((r for r in self.records if r.step == key and r.action == StepAction.ENTRY and r.valid), key=lambda r: (r.done_on, r.seq))


# --- roles -----------------------------------------------------------------------------------

ROLE_LABELS = {"branch": "党支部", "committee": "上级党委", "department": "组织部门"}
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
            return None, f"{f.label}应为整数"
        if n < 0:
            return None, f"{f.label}不能为负数"
        return n, None
    if f.type == "date":
        if isinstance(raw, dt.date):
            return raw, None
        try:
            return parse_date(raw), None
        except BadDate:
            return None, f"{f.label}“{raw}”不是有效日期"
    if f.type == "bool":
        if isinstance(raw, bool):
            return raw, None
        text = clean_text(raw).lower()
        if text in _TRUE:
            return True, None
        if text in _FALSE:
            return False, None
        return None, f"{f.label}应为“是”或“否”"
    if f.type == "choice":
        text = clean_text(raw)
        for value, label in f.choices:
            if text in (value, label):
                return value, None
        return None, f"{f.label}应为：{'、'.join(label for _v, label in f.choices)}"
    if f.type == "member":
        try:
            return int(str(raw).strip()), None
        except ValueError:
            return None, f"{f.label}应为党员编号"
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
                return None, f"{f.label}应为党员编号，多个用逗号分隔"
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
                errors.append(FieldError(f.name, "required", f"请填写{f.label}"))
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


def evaluate(rule: DateRule | None, definition_: Definition, instance: ProcedureInstance, records: list[StepRecord]) -> dt.date | None:
    if rule is None:
        return None
    day = _anchor(records, rule.after)
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
    from . import deadlines

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
        errors.append(FieldError(field, "required", "请填写办理日期"))
        return False
    if day > today:
        errors.append(FieldError(field, "future_date", "办理日期不能晚于今天"))
        return False
    return True


def _fmt(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


class _Blank(dict):
    def __missing__(self, key):
        return ""


def render_template(template: str, context: dict) -> str:
    """{name} placeholders only (str.format_map over plain values): no expressions, unknown names → empty."""
    return template.format_map(_Blank(context))


@transaction.atomic
def start(*, actor: Actor, kind: str, org_id, title: str, on: dt.date, subject=None, version: str | None = None, data: dict | None = None) -> ProcedureInstance:
    org = writable_org(actor, org_id, abolished_code="bad_value")
    title = clean_text(title)
    if not title:
        raise ServiceError.single("title", "required", "请填写名称")
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
        raise ServiceError.single("status", "not_active", f"该事项{instance.get_status_display()}，不能办理步骤")
    sd = d.step(step)
    if sd.key != instance.step:
        current = d.step(instance.step)
        raise ServiceError.single(
            "step", "wrong_step", f"当前应办理第{d.number(current.key)}步“{current.title}”，不能办理第{d.number(sd.key)}步“{sd.title}”"
        )
    if not may_act(actor, instance.org, sd.role):
        raise PermissionDenied()
    values, errors = clean_fields(sd.fields, data or {})
    if sd.notice:
        notice_values, notice_errors = clean_fields(
            (Field("notice_place", "公示地点/方式"), Field("notice_start", "公示开始日期", "date", required=False), Field("notice_end", "公示结束日期", "date", required=False)),
            data or {},
        )
        errors += notice_errors
    records = _valid_records(instance)
    if _check_date(errors, "done_on", done_on, today=today):
        previous = [r for r in records if r.action == StepAction.COMPLETE]
        if previous and done_on < previous[-1].done_on:
            errors.append(FieldError("done_on", "date_order", f"办理日期不能早于上一步骤“{previous[-1].step_title}”的日期{_fmt(previous[-1].done_on)}"))
        if instance.not_before and done_on < instance.not_before:
            errors.append(
                FieldError("done_on", "too_early", f"“{sd.title}”最早可于{_fmt(instance.not_before)}办理" + (f"（{sd.earliest.note}）" if sd.earliest and sd.earliest.note else ""))
            )
        if instance.due_strict and instance.due_on and done_on > instance.due_on:
            note = f"（{sd.due.note}）" if sd.due and sd.due.note else ""
            more = f"；确需延长的，可办理延期，最长至{_fmt(instance.due_limit)}" if instance.due_limit and instance.due_limit > instance.due_on else ""
            errors.append(FieldError("done_on", "too_late", f"“{sd.title}”应于{_fmt(instance.due_on)}前完成{note}{more}"))
        for notice in instance.notices.filter(status=NoticeStatus.OPEN):
            if done_on <= notice.ends_on:
                errors.append(FieldError("done_on", "notice_running", f"“{notice.title}”公示期至{_fmt(notice.ends_on)}结束，公示期满后才能办理“{sd.title}”"))
            open_count = notice.objections.filter(status=ObjectionStatus.OPEN).count()
            if open_count:
                errors.append(FieldError("objections", "objection_open", f"“{notice.title}”公示期间收到的{open_count}件异议尚未核查处理完毕"))
    given = {clean_text(k) for k, v in (documents or {}).items() if clean_text(v)} | {clean_text(k) for k, v in (files or {}).items() if v}
    for label in sd.documents:
        if label not in given:
            errors.append(FieldError("documents", "document_missing", f"缺少材料“{label}”（上传文件或填写文号/档案编号）"))
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
                errors.append(FieldError("notice_start", "date_order", "公示开始日期不能早于本步骤办理日期"))
            end_on = notice_values.get("notice_end") or workcal.nth_workday_from(start_on, n)
            counted = workcal.workdays_between(start_on, end_on)
            if counted < n:
                note = f"（{sd.notice.note}）" if sd.notice.note else ""
                errors.append(
                    FieldError("notice_end", "notice_too_short", f"公示期{_fmt(start_on)}至{_fmt(end_on)}只有{counted}个工作日，应不少于{n}个工作日{note}")
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
        raise ServiceError.single("status", "not_active", f"该事项{instance.get_status_display()}，不能登记")
    sd = d.step(step)
    if sd.entry_fields is None:
        raise ServiceError.single("step", "no_entries", f"“{sd.title}”不需要逐次登记")
    if d.index(sd.key) < d.index(instance.step) or sd.stage != instance.stage:
        raise ServiceError.single("step", "wrong_step", f"“{sd.title}”已完成或尚未到该阶段，不能登记")
    if not may_act(actor, instance.org, sd.role):
        raise PermissionDenied()
    values, errors = clean_fields(sd.entry_fields, data or {})
    if _check_date(errors, "done_on", done_on, today=today) and done_on < instance.started_on:
        errors.append(FieldError("done_on", "date_order", f"日期不能早于事项开始日期{_fmt(instance.started_on)}"))
    if errors:
        raise ServiceError(errors)
    record = _add_record(instance, actor, action=StepAction.ENTRY, step=sd, done_on=done_on, comment=comment, responsible=responsible, data=values)
    _save_attachments(record, documents, files)
    audit.record(actor, "procedure.step.entry", instance, data={"step": sd.key, "seq": record.seq, "done_on": done_on, "values": record.data})
    return record


def _reason(reason: str) -> str:
    reason = clean_text(reason)
    if not reason:
        raise ServiceError.single("reason", "required", "请填写原因")
    if len(reason) > 500:
        raise ServiceError.single("reason", "bad_value", "原因不能超过500字")
    return reason


@transaction.atomic
def return_step(*, actor: Actor, instance_id, to_step: str, reason: str, on: dt.date | None = None) -> StepRecord:
    """退回: send the procedure back to an earlier step for correction; later records stay, marked superseded."""
    instance = _lock(actor, instance_id)
    d = definition_for(instance)
    reason = _reason(reason)
    on = on or dt.date.today()
    if instance.status != ProcedureStatus.ACTIVE:
        raise ServiceError.single("status", "not_active", f"该事项{instance.get_status_display()}，不能退回")
    target = d.step(to_step)
    current = d.step(instance.step)
    if d.index(target.key) >= d.index(current.key):
        raise ServiceError.single("to_step", "bad_value", f"只能退回到当前步骤“{current.title}”之前已完成的步骤")
    if not (may_act(actor, instance.org, current.role) or may_act(actor, instance.org, target.role)):
        raise PermissionDenied()
    records = _valid_records(instance)
    for r in records:
        if r.action == StepAction.COMPLETE and d.step(r.step).locks and d.index(r.step) >= d.index(target.key):
            raise ServiceError.single("to_step", "locked", f"“{r.step_title}”已完成，不能再退回到此前的步骤")
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
    _refresh(instance, d, [r for r in records if r.pk not in {s.pk for s in superseded}])
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
        raise ServiceError.single("status", "not_active", f"该事项{instance.get_status_display()}，不能延期")
    sd = d.step(instance.step)
    if not may_act(actor, instance.org, sd.role):
        raise PermissionDenied()
    if sd.due_limit is None or instance.due_on is None:
        raise ServiceError.single("until", "not_extendable", f"“{sd.title}”的期限不能延长")
    if until is None or until <= instance.due_on:
        raise ServiceError.single("until", "bad_value", f"延期后的期限应晚于{_fmt(instance.due_on)}")
    if instance.due_limit and until > instance.due_limit:
        raise ServiceError.single("until", "too_late", f"“{sd.title}”最长只能延至{_fmt(instance.due_limit)}" + (f"（{sd.due_limit.note}）" if sd.due_limit.note else ""))
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
        raise ServiceError.single("status", "not_active", f"该事项{instance.get_status_display()}，不能办理")
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


def _status_change(actor: Actor, instance_id, *, allowed_from, to, action, verb, reason=None, on=None) -> StepRecord:
    instance = _lock(actor, instance_id)
    if instance.status not in allowed_from:
        raise ServiceError.single("status", "not_allowed", f"该事项{instance.get_status_display()}，不能{verb}")
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
    return _status_change(actor, instance_id, allowed_from={ProcedureStatus.ACTIVE}, to=ProcedureStatus.PAUSED, action=StepAction.PAUSE, verb="暂停", reason=_reason(reason), on=on)


@transaction.atomic
def resume(*, actor: Actor, instance_id, reason: str, on: dt.date | None = None) -> StepRecord:
    return _status_change(actor, instance_id, allowed_from={ProcedureStatus.PAUSED}, to=ProcedureStatus.ACTIVE, action=StepAction.RESUME, verb="恢复", reason=_reason(reason), on=on)


@transaction.atomic
def terminate(*, actor: Actor, instance_id, reason: str, on: dt.date | None = None) -> StepRecord:
    return _status_change(
        actor,
        instance_id,
        allowed_from={ProcedureStatus.ACTIVE, ProcedureStatus.PAUSED},
        to=ProcedureStatus.TERMINATED,
        action=StepAction.TERMINATE,
        verb="终止",
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
        verb="归档（只有已办结或已终止的事项可以归档）",
        on=on,
    )


@transaction.atomic
def record_objection(*, actor: Actor, notice_id, received_on: dt.date | None, content: str, source: str = "") -> Objection:
    notice = get_in_scope(Notice.objects.select_related("instance__org"), actor, write=True, pk=notice_id)
    content = clean_text(content)
    errors = []
    if not content:
        errors.append(FieldError("content", "required", "请填写反映内容"))
    if received_on is None:
        errors.append(FieldError("received_on", "required", "请填写收到日期"))
    elif not notice.starts_on <= received_on <= notice.ends_on:
        errors.append(FieldError("received_on", "outside_notice", f"收到日期应在公示期内（{_fmt(notice.starts_on)}至{_fmt(notice.ends_on)}）"))
    if notice.status != NoticeStatus.OPEN:
        errors.append(FieldError("notice", "withdrawn", "该公示已撤回"))
    if errors:
        raise ServiceError(errors)
    objection = Objection.objects.create(notice=notice, received_on=received_on, content=content, source=clean_text(source)[:200], recorded_by=actor.label)
    audit.record(actor, "procedure.objection.record", objection, data={"notice": notice.pk, "instance": notice.instance_id, "received_on": received_on})
    return objection


@transaction.atomic
def resolve_objection(*, actor: Actor, objection_id, upheld: bool, resolution: str, on: dt.date | None = None) -> Objection:
    objection = get_in_scope(Objection.objects.select_for_update().select_related("notice__instance__org"), actor, write=True, pk=objection_id)
    if objection.status != ObjectionStatus.OPEN:
        raise ServiceError.single("status", "not_open", "该异议已处理")
    resolution = clean_text(resolution)
    if not resolution:
        raise ServiceError.single("resolution", "required", "请填写核查处理情况")
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


# --- reads -----------------------------------------------------------------------------------


def instances(actor: Actor, *, kind: str | None = None) -> QuerySet[ProcedureInstance]:
    qs = scope(ProcedureInstance.objects.select_related("org"), actor)
    return qs.filter(kind=kind) if kind else qs


def get_instance(actor: Actor, instance_id) -> ProcedureInstance:
    return get_in_scope(ProcedureInstance.objects.select_related("org"), actor, pk=instance_id)


def timeline(instance: ProcedureInstance) -> list[StepRecord]:
    """Every record, superseded ones included (the record keeps what was returned and why)."""
    return list(instance.records.order_by("seq").prefetch_related("attachments"))


def notices(instance: ProcedureInstance) -> list[Notice]:
    return list(instance.notices.order_by("starts_on", "id").prefetch_related("objections"))


@dataclass(frozen=True)
class DueStep:
    instance: ProcedureInstance
    step: StepDef
    due_on: dt.date
    overdue: bool
    days_left: int


def due_steps(actor: Actor, *, kind: str | None = None, within_days: int = 14, today: dt.date | None = None, under=None) -> list[DueStep]:
    """Active instances whose current step is overdue or due within `within_days`, most urgent first (one query)."""
    today = today or dt.date.today()
    qs = instances(actor, kind=kind).filter(status=ProcedureStatus.ACTIVE, due_on__isnull=False, due_on__lte=today + dt.timedelta(days=within_days))
    if under is not None:
        from .fields import subtree_q

        qs = qs.filter(subtree_q(under.path, "org__path"))
    out = []
    for inst in qs.order_by("due_on", "id"):
        try:
            sd = definition_for(inst).step(inst.step)
        except (UnknownRule, ServiceError):
            continue
        out.append(DueStep(inst, sd, inst.due_on, inst.due_on < today, (inst.due_on - today).days))
    return out


__all__ = [
    "Context",
    "DateRule",
    "Definition",
    "DueStep",
    "Field",
    "NoticeDef",
    "Stage",
    "StepDef",
    "add_entry",
    "archive",
    "complete_step",
    "define",
    "definition",
    "definition_for",
    "due_steps",
    "extend_due",
    "gate",
    "get_instance",
    "hook",
    "insert_steps",
    "instances",
    "may_act",
    "pause",
    "record_objection",
    "resolve_objection",
    "resume",
    "return_step",
    "set_fact",
    "set_version",
    "start",
    "terminate",
    "timeline",
    "version_for",
]
