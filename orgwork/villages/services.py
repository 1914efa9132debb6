"""Writes of the villages app: two-committee cadres, secondments with work logs and assessment, units without a
party organization and their instructors and new branches. Keyword-only, one transaction, an audit event each."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from orgwork.core import audit, idcard, params
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, ServiceError
from orgwork.core.models import ProcedureInstance, ProcedureStatus
from orgwork.core.scope import get_in_scope
from orgwork.members.models import Education, Member
from orgwork.orgs.models import Org, Sector
from orgwork.reorg import procedures as reorg_procedures

from .models import Cadre, Grade, PartyPost, Secondment, Unit, UnitKind, VillagePost, WorkLog
from .rules import kind_rules

VILLAGE_SECTORS = (Sector.RURAL, Sector.COMMUNITY)


def _id_number(raw, errors: list, field: str = "id_number"):
    try:
        return idcard.parse(raw)
    except idcard.IdNumberError as exc:
        errors.append(FieldError(field, exc.code, exc.message))
        return None


def _member(actor: Actor, member_id, errors: list) -> Member | None:
    if not member_id:
        return None
    try:
        return get_in_scope(Member.objects.all(), actor, pk=params.to_id(member_id, field="member", label="党员", required=True))
    except (NotFound, ServiceError):
        errors.append(FieldError("member", "unknown_member", "党员不存在或不在您的管理范围内"))
        return None


def _text(value, field: str, label: str, errors: list, *, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.append(FieldError(field, "required", f"请填写{label}"))
    elif len(value) > max_length:
        errors.append(FieldError(field, "too_long", f"{label}不能超过{max_length}字"))
    return value


# --- two-committee cadres ---------------------------------------------------------------------------------


@transaction.atomic
def register_cadre(
    *, actor: Actor, org_id, id_number, name: str = "", member_id=None, education: str, graduate_official: bool = False,
    party_post: str = "", village_post: str = "", started_on: dt.date | None, today: dt.date | None = None,
) -> Cadre:  # fmt: skip
    today = today or dt.date.today()
    org = params.writable_org(actor, org_id)
    errors: list[FieldError] = []
    if org.sector not in VILLAGE_SECTORS:
        errors.append(FieldError("org", "bad_value", f"{org.name}不是村或社区党组织"))
    parsed = _id_number(id_number, errors)
    member = _member(actor, member_id, errors)
    if member is not None:
        name = member.name
    name = _text(name, "name", "姓名", errors, max_length=60)
    if education not in Education.values:
        errors.append(FieldError("education", "bad_value", "请选择学历"))
    party_post = party_post or ""
    village_post = village_post or ""
    if party_post and party_post not in PartyPost.values:
        errors.append(FieldError("party_post", "bad_value", "党组织职务不在可选范围内"))
    if village_post and village_post not in VillagePost.values:
        errors.append(FieldError("village_post", "bad_value", "村（居）委会职务不在可选范围内"))
    if not party_post and not village_post:
        errors.append(FieldError("party_post", "required", "请至少填写一项职务（党组织或村（居）委会）"))
    if started_on is None:
        errors.append(FieldError("started_on", "required", "请填写任职日期"))
    elif started_on > today:
        errors.append(FieldError("started_on", "future_date", "任职日期不能晚于今天"))
    if parsed and Cadre.objects.filter(org=org, id_number=parsed.value, ended_on__isnull=True).exists():
        errors.append(FieldError("id_number", "duplicate_existing", f"{name}已是本村（社区）在任两委成员"))
    if errors:
        raise ServiceError(errors)
    cadre = Cadre.objects.create(
        org=org, id_number=parsed.value, name=name, member=member, birth_date=parsed.birth_date, education=education,
        graduate_official=bool(graduate_official), party_post=party_post, village_post=village_post, started_on=started_on,
    )  # fmt: skip
    audit.record(actor, "villages.cadre_register", cadre, changes={"name": [None, name], "party_post": [None, party_post], "village_post": [None, village_post]})
    return cadre


@transaction.atomic
def end_cadre(*, actor: Actor, cadre_id, ended_on: dt.date | None, reason: str, today: dt.date | None = None) -> Cadre:
    today = today or dt.date.today()
    cadre = get_in_scope(Cadre.objects.select_for_update(), actor, write=True, pk=params.to_id(cadre_id, field="cadre", label="两委成员", required=True))
    errors: list[FieldError] = []
    if cadre.ended_on:
        errors.append(FieldError("cadre", "not_allowed", f"{cadre.name}已于{cadre.ended_on}离任"))
    if ended_on is None:
        errors.append(FieldError("ended_on", "required", "请填写离任日期"))
    elif ended_on > today or ended_on < cadre.started_on:
        errors.append(FieldError("ended_on", "date_order", "离任日期应在任职日期之后、不晚于今天"))
    reason = _text(reason, "reason", "离任原因", errors, max_length=200)
    if errors:
        raise ServiceError(errors)
    cadre.ended_on, cadre.end_reason = ended_on, reason
    cadre.save(update_fields=["ended_on", "end_reason"])
    audit.record(actor, "villages.cadre_end", cadre, changes={"ended_on": [None, ended_on]}, data={"reason": reason})
    return cadre


# --- secondments ------------------------------------------------------------------------------------------


@transaction.atomic
def start_secondment(
    *, actor: Actor, org_id, kind: str, id_number="", name: str = "", member_id=None, place: str = "",
    started_on: dt.date | None, ends_on: dt.date | None, tasks: str = "",
) -> Secondment:  # fmt: skip
    org = params.writable_org(actor, org_id)
    errors: list[FieldError] = []
    member = _member(actor, member_id, errors)
    if member is not None:
        name = member.name
        id_number = id_number or member.id_number
    parsed = _id_number(id_number, errors)
    name = _text(name, "name", "姓名", errors, max_length=60)
    place = _text(place, "place", "派驻岗位/单位", errors, max_length=120, required=False)
    tasks = _text(tasks, "tasks", "工作任务", errors, max_length=2000, required=False)
    rules = kind_rules(on=started_on)
    if kind not in dict(rules["kinds"]):
        errors.append(FieldError("kind", "bad_value", "请选择挂职选派类别"))
    if started_on is None:
        errors.append(FieldError("started_on", "required", "请填写开始日期"))
    if ends_on is None:
        errors.append(FieldError("ends_on", "required", "请填写结束日期"))
    elif started_on and ends_on <= started_on:
        errors.append(FieldError("ends_on", "date_order", "结束日期应晚于开始日期"))
    if errors:
        raise ServiceError(errors)
    s = Secondment.objects.create(
        org=org, place=place, id_number=parsed.value, name=name, member=member, kind=kind, started_on=started_on, ends_on=ends_on, tasks=tasks,
    )  # fmt: skip
    audit.record(actor, "villages.secondment_start", s, changes={"name": [None, name], "kind": [None, kind], "ends_on": [None, ends_on]})
    return s


def _secondment(actor: Actor, secondment_id, *, lock: bool = False) -> Secondment:
    qs = Secondment.objects.select_related("org")
    if lock:
        qs = qs.select_for_update()
    return get_in_scope(qs, actor, write=True, pk=params.to_id(secondment_id, field="secondment", label="挂职选派", required=True))


@transaction.atomic
def log_work(*, actor: Actor, secondment_id, on: dt.date | None, text: str, today: dt.date | None = None) -> WorkLog:
    today = today or dt.date.today()
    s = _secondment(actor, secondment_id)
    errors: list[FieldError] = []
    text = _text(text, "text", "工作纪实", errors, max_length=2000)
    if on is None:
        errors.append(FieldError("on", "required", "请填写日期"))
    elif on > today or on < s.started_on:
        errors.append(FieldError("on", "date_order", "日期应在挂职开始之后、不晚于今天"))
    if s.assessed_on:
        errors.append(FieldError("secondment", "not_allowed", "已完成期满考核，不能再记工作纪实"))
    if errors:
        raise ServiceError(errors)
    log = WorkLog.objects.create(secondment=s, on=on, text=text)
    audit.record(actor, "villages.work_log", log, data={"secondment": s.pk, "on": on})
    return log


@transaction.atomic
def assess(*, actor: Actor, secondment_id, grade: str, assessed_on: dt.date | None, comment: str = "", today: dt.date | None = None) -> Secondment:
    today = today or dt.date.today()
    s = _secondment(actor, secondment_id, lock=True)
    errors: list[FieldError] = []
    if s.assessed_on:
        errors.append(FieldError("secondment", "not_allowed", f"{s.name}已于{s.assessed_on}完成期满考核"))
    if grade not in Grade.values:
        errors.append(FieldError("grade", "bad_value", "请选择考核等次"))
    if assessed_on is None:
        errors.append(FieldError("assessed_on", "required", "请填写考核日期"))
    elif assessed_on > today or assessed_on < s.started_on:
        errors.append(FieldError("assessed_on", "date_order", "考核日期应在挂职开始之后、不晚于今天"))
    comment = _text(comment, "comment", "考核意见", errors, max_length=2000, required=False)
    if errors:
        raise ServiceError(errors)
    s.grade, s.assessed_on, s.assessment = grade, assessed_on, comment
    s.save(update_fields=["grade", "assessed_on", "assessment"])
    audit.record(actor, "villages.secondment_assess", s, changes={"grade": ["", grade]})
    return s


# --- units without a party organization -------------------------------------------------------------------


@transaction.atomic
def register_unit(*, actor: Actor, org_id, name: str, kind: str, employees: int = 0, party_members: int = 0, registered_on: dt.date | None) -> Unit:
    org = params.writable_org(actor, org_id)
    errors: list[FieldError] = []
    name = _text(name, "name", "单位名称", errors, max_length=120)
    if kind not in UnitKind.values:
        errors.append(FieldError("kind", "bad_value", "请选择单位类别"))
    for field, label, n in (("employees", "从业人员", employees), ("party_members", "党员人数", party_members)):
        if n is None or n < 0:
            errors.append(FieldError(field, "bad_value", f"{label}应为不小于0的整数"))
    if registered_on is None:
        errors.append(FieldError("registered_on", "required", "请填写登记日期"))
    if name and Unit.objects.filter(org=org, name=name, party_org__isnull=True).exists():
        errors.append(FieldError("name", "duplicate_existing", f"“{name}”已登记"))
    if errors:
        raise ServiceError(errors)
    unit = Unit.objects.create(org=org, name=name, kind=kind, employees=employees or 0, party_members=party_members or 0, registered_on=registered_on)
    audit.record(actor, "villages.unit_register", unit, changes={"name": [None, name]})
    return unit


def _unit(actor: Actor, unit_id) -> Unit:
    return get_in_scope(Unit.objects.select_for_update(), actor, write=True, pk=params.to_id(unit_id, field="unit", label="单位", required=True))


@transaction.atomic
def assign_instructor(*, actor: Actor, unit_id, secondment_id) -> Unit:
    unit = _unit(actor, unit_id)
    s = _secondment(actor, secondment_id)
    if s.kind != kind_rules(on=s.started_on)["instructor_kind"]:
        raise ServiceError.single("secondment", "bad_value", f"{s.name}不是党建指导员")
    if unit.party_org_id:
        raise ServiceError.single("unit", "not_allowed", f"{unit.name}已建立党组织")
    old = unit.instructor_id
    unit.instructor = s
    unit.save(update_fields=["instructor"])
    audit.record(actor, "villages.unit_instructor", unit, changes={"instructor": [old, s.pk]})
    return unit


@transaction.atomic
def request_branch(*, actor: Actor, unit_id, parent_id, name: str, kind: str, full_members: int, reason: str, on: dt.date | None) -> Unit:
    """Ask to set up the unit's party organization: opens reorg's org_setup procedure at the future parent (its
    gates check the structure rule); the unit keeps the procedure until the new org exists."""
    unit = _unit(actor, unit_id)
    if unit.party_org_id:
        raise ServiceError.single("unit", "not_allowed", f"{unit.name}已建立党组织")
    if unit.setup_procedure_id and ProcedureInstance.objects.filter(pk=unit.setup_procedure_id, status__in=(ProcedureStatus.ACTIVE, ProcedureStatus.PAUSED)).exists():
        raise ServiceError.single("unit", "duplicate_existing", f"{unit.name}成立党组织的请示正在办理")
    sector = Sector.PRIVATE if unit.kind == UnitKind.ENTERPRISE else Sector.SOCIAL
    instance = reorg_procedures.request_setup(
        actor=actor, parent_id=parent_id, on=on or dt.date.today(),
        data={"name": name, "kind": kind, "sector": sector, "unit_name": unit.name, "full_members": full_members, "reason": reason},
    )  # fmt: skip
    unit.setup_procedure_id = instance.pk
    unit.save(update_fields=["setup_procedure_id"])
    audit.record(actor, "villages.unit_request_branch", unit, data={"procedure": instance.pk})
    return unit


@transaction.atomic
def link_branch(*, actor: Actor, unit_id) -> Unit:
    """Once the set-up procedure has created the org, the unit record links to it (and leaves the register)."""
    unit = _unit(actor, unit_id)
    instance = ProcedureInstance.objects.filter(pk=unit.setup_procedure_id).first() if unit.setup_procedure_id else None
    org_id = (instance.data or {}).get("org_id") if instance else None
    if not org_id:
        raise ServiceError.single("unit", "not_ready", f"{unit.name}的党组织尚未经批准成立")
    unit.party_org = Org.objects.get(pk=org_id)
    unit.save(update_fields=["party_org"])
    audit.record(actor, "villages.unit_branch", unit, changes={"party_org": [None, org_id]})
    return unit
