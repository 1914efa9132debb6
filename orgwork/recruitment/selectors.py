"""Every read of the development pipeline, scoped to the actor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from orgwork.core import procedures as proc
from orgwork.core.actor import Actor
from orgwork.core.fields import subtree_q
from orgwork.core.models import ProcedureStatus, StepAction, StepRecord
from orgwork.core.scope import get_in_scope, scope
from orgwork.members.models import Member
from orgwork.orgs.models import BRANCH_KINDS, Org, Sector

from .models import Applicant, RecruitmentPlan, ThoughtReport
from .rules import KIND, STAGE_SHORT

STATUS_FILTERS = {
    "open": [ProcedureStatus.ACTIVE, ProcedureStatus.PAUSED],
    "active": [ProcedureStatus.ACTIVE],
    "paused": [ProcedureStatus.PAUSED],
    "completed": [ProcedureStatus.COMPLETED, ProcedureStatus.ARCHIVED],
    "terminated": [ProcedureStatus.TERMINATED],
    "all": None,
}


def applicants(actor: Actor) -> QuerySet[Applicant]:
    return scope(Applicant.objects.select_related("org", "procedure", "member"), actor)


def get_applicant(actor: Actor, applicant_id) -> Applicant:
    return get_in_scope(Applicant.objects.select_related("org", "procedure", "member"), actor, pk=applicant_id)


def search(actor: Actor, *, stage: str = "", status: str = "open", under: Org | None = None, q: str = "") -> QuerySet[Applicant]:
    qs = applicants(actor)
    statuses = STATUS_FILTERS.get(status, STATUS_FILTERS["open"])
    if statuses is not None:
        qs = qs.filter(procedure__status__in=statuses)
    if stage:
        qs = qs.filter(procedure__stage=stage)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "org__path"))
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(id_number__endswith=q.upper()))
    return qs.order_by("org__path", "procedure__stage", "applied_on", "id")


def stage_counts(actor: Actor, *, under: Org | None = None) -> list[tuple[str, str, int]]:
    qs = search(actor, under=under, status="open")
    counts = dict(qs.order_by().values_list("procedure__stage").annotate(n=Count("id")))
    return [(key, label, counts.get(key, 0)) for key, label in STAGE_SHORT.items()]


@dataclass(frozen=True)
class StepView:
    number: int
    step: proc.StepDef
    record: StepRecord | None
    entries: list
    current: bool
    values: list = ()  # [(label, shown value)] of the record's data


def _shown(step: proc.StepDef, data: dict, names: dict) -> list[tuple[str, str]]:
    out = []
    for f in step.fields:
        if f.name not in data:
            continue
        v = data[f.name]
        if f.type == "choice":
            v = dict(f.choices).get(v, v)
        elif f.type == "bool":
            v = _("是") if v else _("否")
        elif f.type in ("member", "members"):
            ids = v if isinstance(v, list) else [v]
            v = "、".join(names.get(i, f"#{i}") for i in ids)
        if v in ("", None):
            continue
        out.append((f.label, str(v)))
    if data.get("entitled_note"):
        out.append((_("表决权情况"), data["entitled_note"]))
    if step.notice and data.get("notice_place"):
        out.append((_("公示地点/方式"), data["notice_place"]))
    return out


def file_view(applicant: Applicant) -> dict:
    """A person's file: the steps of their version, each with its record, and the full timeline."""
    instance = applicant.procedure
    d = proc.definition_for(instance)
    records = proc.timeline(instance)
    done = {}
    entries: dict[str, list] = {}
    for r in records:
        if r.valid and r.action == StepAction.COMPLETE:
            done[r.step] = r
        elif r.valid and r.action == StepAction.ENTRY:
            entries.setdefault(r.step, []).append(r)
    member_ids = set()
    for s in d.steps:
        r = done.get(s.key)
        for f in s.fields:
            if r and f.type in ("member", "members") and r.data.get(f.name):
                v = r.data[f.name]
                member_ids.update(v if isinstance(v, list) else [v])
    names = dict(Member.objects.filter(pk__in=member_ids).values_list("pk", "name")) if member_ids else {}
    steps = [
        StepView(i + 1, s, done.get(s.key), entries.get(s.key, []), s.key == instance.step, _shown(s, done[s.key].data, names) if s.key in done else [])
        for i, s in enumerate(d.steps)
    ]
    return {
        "definition": d,
        "instance": instance,
        "steps": steps,
        "stages": [(stage, [sv for sv in steps if sv.step.stage == stage.key]) for stage in d.stages],
        "records": records,
        "notices": proc.notices(instance),
        "current": d.step(instance.step) if instance.step else None,
    }


def record_for_member(actor: Actor, member) -> Applicant | None:
    """The development record kept on a member's file, if they joined through the pipeline."""
    return applicants(actor).filter(member=member).first()


@dataclass(frozen=True)
class PlanRow:
    org: Org
    planned: int | None
    admitted: int
    in_pipeline: int
    village: bool

    @property
    def below_plan(self) -> bool:
        return self.planned is not None and self.admitted < self.planned

    @property
    def village_without_recruit(self) -> bool:
        """Seed 002: each village recruits at least one member a year."""
        return self.village and self.admitted < 1


def plan_vs_actual(actor: Actor, *, year: int, under: Org | None = None) -> list[PlanRow]:
    """Per branch in scope: the year's plan, members admitted (approval ⑰ in the year), people in the pipeline."""
    branches = scope(Org.objects.filter(kind__in=BRANCH_KINDS, abolished_on__isnull=True).select_related("parent"), actor)
    if under is not None:
        branches = branches.filter(subtree_q(under.path))
    branches = list(branches.order_by("path"))
    ids = [b.pk for b in branches]
    plans = dict(RecruitmentPlan.objects.filter(org_id__in=ids, year=year).values_list("org_id", "planned"))
    admitted = dict(
        StepRecord.objects.filter(
            instance__kind=KIND, instance__org_id__in=ids, step="approval", action=StepAction.COMPLETE, valid=True, done_on__year=year
        )
        .order_by()
        .values_list("instance__org_id")
        .annotate(n=Count("id"))
    )
    pipeline = dict(
        Applicant.objects.filter(org_id__in=ids, procedure__status__in=STATUS_FILTERS["open"]).order_by().values_list("org_id").annotate(n=Count("id"))
    )
    return [PlanRow(b, plans.get(b.pk), admitted.get(b.pk, 0), pipeline.get(b.pk, 0), b.sector == Sector.RURAL) for b in branches]


def due(actor: Actor, *, within_days: int = 14, today: dt.date | None = None, under: Org | None = None) -> list[proc.DueStep]:
    return proc.due_steps(actor, kind=KIND, within_days=within_days, today=today, under=under)


def attention_items(actor, under=None):
    """Home-page “needs attention”: recruitment steps overdue or due within two weeks."""
    from django.urls import reverse

    from orgwork.core.registry import Item

    rows = due(actor, under=under)
    by_instance = dict(Applicant.objects.filter(procedure_id__in=[d.instance.pk for d in rows]).values_list("procedure_id", "pk"))
    items = []
    for d in rows:
        pk = by_instance.get(d.instance.pk)
        items.append(
            Item(
                kind="recruitment",
                title=(_("发展党员：%(title)s（%(org)s）“%(step)s”已逾期") if d.overdue else _("发展党员：%(title)s（%(org)s）“%(step)s”还剩%(days)s天"))
                % {"title": d.instance.title, "org": d.instance.org.name, "step": d.step.title, "days": d.days_left},
                detail=_("期限 %(due_on)s") % {"due_on": format(d.due_on, '%Y-%m-%d')},
                url=reverse("recruitment:detail", args=[pk]) if pk else "",
                severity="danger" if d.overdue else "warning",
                due=d.due_on,
                org_id=d.instance.org_id,
            )
        )
    return items


def own_applicant(actor: Actor) -> Applicant | None:
    """The development record of the signed-in applicant or activist (not a member yet), if any."""
    if actor.user is None:
        return None
    return Applicant.objects.select_related("org", "procedure").filter(user_id=actor.user_id, member__isnull=True).order_by("-applied_on", "-pk").first()


def applicants_for_phone(phone_tail: str):
    """Open development records (not members yet) whose phone ends with these digits (the SMS sign-in matches the
    full number itself)."""
    return Applicant.objects.filter(member__isnull=True, procedure__status__in=STATUS_FILTERS["open"], phone__contains=phone_tail)


@dataclass(frozen=True)
class Progress:
    stage: str
    step: str
    due_on: dt.date | None
    not_before: dt.date | None
    next_step: str
    status: str
    done: list


def progress(applicant: Applicant) -> Progress | None:
    """Where the person stands: the stage, the step the branch is on, its due date, what comes next, steps done."""
    inst = applicant.procedure
    if inst is None:
        return None
    d = proc.definition_for(inst)
    stages = {s.key: s.title for s in d.stages}
    current = d.step(inst.step) if inst.step else None
    nxt = ""
    if current is not None:
        i = d.index(current.key)
        nxt = d.steps[i + 1].title if i + 1 < len(d.steps) else ""
    done = [(r.done_on, d.step(r.step).title) for r in proc.timeline(inst) if r.valid and r.action == StepAction.COMPLETE]
    return Progress(stages.get(inst.stage, ""), current.title if current else "", inst.due_on, inst.not_before, nxt, inst.get_status_display(), done)


def thought_reports(actor: Actor, applicant: Applicant | None = None) -> QuerySet[ThoughtReport]:
    qs = scope(ThoughtReport.objects.select_related("applicant", "org"), actor)
    if applicant is not None:
        qs = qs.filter(applicant=applicant)
    return qs.order_by("-submitted_on", "-pk")


def own_thought_reports(applicant: Applicant) -> QuerySet[ThoughtReport]:
    """The reports of the applicant the caller has already resolved as the signed-in person (own_applicant)."""
    return ThoughtReport.objects.filter(applicant=applicant).order_by("-submitted_on", "-pk")
