"""The procedure definition language: steps, fields, dates and notices as versioned data; gates and hooks by name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..actor import Actor
from ..errors import ServiceError
from ..models import (
    ProcedureInstance,
    ProcedureSetting,
    StepAction,
    StepRecord,
)
from ..rules import RuleSet, UnknownRule, register, versions

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


RETURNED = "@returned"  # DateRule(after=RETURNED): from the last return to the step the rule belongs to


@dataclass(frozen=True)
class DateRule:
    """A date counted from the day another step was done: months, then days, then working days.

    `after=RETURNED` counts from the day the procedure was last returned (退回) to this step: a step that has no due
    date on its first pass (a sender's first send) gets one when it comes back for correction."""

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
            raise ServiceError.single("step", "unknown_step", _("“%(title)s”（%(version)s版）没有步骤“%(key)s”") % {"title": self.title, "version": self.version, "key": key}) from None

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


_COMPLETED: dict[str, list[Callable]] = {}


def on_completed(kind: str):
    """Register a listener for a procedure kind: fn(instance, actor) -> None, run inside the transaction that completes
    an instance of that kind, after the last step's hooks. Another app's follow-up (a unit register linking the org a
    set-up procedure created) listens here instead of the owning app importing it."""

    def deco(fn):
        _COMPLETED.setdefault(kind, []).append(fn)
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
