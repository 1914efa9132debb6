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

from .engine import (  # noqa: F401
    _FALSE,
    _ROLE_GRANTS,
    _TRUE,
    ROLE_LABELS,
    _add_record,
    _anchor,
    _Blank,
    _check_date,
    _clean_value,
    _fmt,
    _lock,
    _next_seq,
    _refresh,
    _save_attachments,
    _step_moved,
    _valid_records,
    clean_fields,
    evaluate,
    may_act,
    render_template,
)
from .language import (  # noqa: F401
    _GATES,
    _HOOKS,
    RETURNED,
    Context,
    DateRule,
    Definition,
    Field,
    NoticeDef,
    Number,
    Stage,
    StepDef,
    define,
    definition,
    definition_for,
    gate,
    hook,
    insert_steps,
    on_completed,
    rule_name,
    version_for,
)
from .selectors import DueStep, due_steps, get_instance, instances, notices, timeline  # noqa: F401
from .services import (  # noqa: F401
    _reason,
    _status_change,
    add_entry,
    archive,
    complete_step,
    extend_due,
    pause,
    record_objection,
    resolve_objection,
    resume,
    return_step,
    set_fact,
    set_version,
    start,
    terminate,
)

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
