"""Reads of procedures, scoped to the actor: instances, timelines, notices, due steps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from ..actor import Actor
from ..errors import ServiceError
from ..models import (
    Notice,
    ProcedureInstance,
    ProcedureStatus,
    StepRecord,
)
from ..rules import UnknownRule
from ..scope import get_in_scope, scope
from .language import StepDef, definition_for

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
        from ..fields import subtree_q

        qs = qs.filter(subtree_q(under.path, "org__path"))
    out = []
    for inst in qs.order_by("due_on", "id"):
        try:
            sd = definition_for(inst).step(inst.step)
        except (UnknownRule, ServiceError):
            continue
        out.append(DueStep(inst, sd, inst.due_on, inst.due_on < today, (inst.due_on - today).days))
    return out
