"""Writes of the villages app: two-committee cadres, secondments with work logs and assessment, units without a
party organization and their instructors and new branches. Keyword-only, one transaction, an audit event each."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from orgwork.core import audit, idcard, params
from orgwork.core import procedures as proc
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, ServiceError
from orgwork.core.models import ProcedureInstance, ProcedureStatus
from orgwork.core.normalize import add_months
from orgwork.core.scope import get_in_scope
from orgwork.core.scoring import services as engine
from orgwork.core.scoring.models import IndicatorSet
from orgwork.members.models import Education, Member
from orgwork.orgs.models import Org, Sector
from orgwork.reorg import procedures as reorg_procedures

from .models import (
    Cadre,
    FormerCadre,
    Grade,
    LeavingAllowance,
    Pairing,
    PartyPost,
    Placement,
    Probation,
    ReserveCadre,
    Secondment,
    Unit,
    UnitKind,
    VillagePost,
    Visit,
    WorkLog,
    YearAssessment,
)
from .rules import cadre_rules, former_class, kind_rules, leaving_allowance, pairing_rules, pay_rules

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
        return get_in_scope(Member.objects.all(), actor, pk=params.to_id(member_id, field="member", label=_("党员"), required=True))
    except (NotFound, ServiceError):
        errors.append(FieldError("member", "unknown_member", _("党员不存在或不在您的管理范围内")))
        return None


def _text(value, field: str, label: str, errors: list, *, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.append(FieldError(field, "required", _("请填写%(label)s") % {"label": label}))
    elif len(value) > max_length:
        errors.append(FieldError(field, "too_long", _("%(label)s不能超过%(max_length)s字") % {"label": label, "max_length": max_length}))
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
        errors.append(FieldError("org", "bad_value", _("%(name)s不是村或社区党组织") % {"name": org.name}))
    parsed = _id_number(id_number, errors)
    member = _member(actor, member_id, errors)
    if member is not None:
        name = member.name
    name = _text(name, "name", _("姓名"), errors, max_length=60)
    if education not in Education.values:
        errors.append(FieldError("education", "bad_value", _("请选择学历")))
    party_post = party_post or ""
    village_post = village_post or ""
    if party_post and party_post not in PartyPost.values:
        errors.append(FieldError("party_post", "bad_value", _("党组织职务不在可选范围内")))
    if village_post and village_post not in VillagePost.values:
        errors.append(FieldError("village_post", "bad_value", _("村（居）委会职务不在可选范围内")))
    if not party_post and not village_post:
        errors.append(FieldError("party_post", "required", _("请至少填写一项职务（党组织或村（居）委会）")))
    if started_on is None:
        errors.append(FieldError("started_on", "required", _("请填写任职日期")))
    elif started_on > today:
        errors.append(FieldError("started_on", "future_date", _("任职日期不能晚于今天")))
    if parsed and Cadre.objects.filter(org=org, id_number=parsed.value, ended_on__isnull=True).exists():
        errors.append(FieldError("id_number", "duplicate_existing", _("%(name)s已是本村（社区）在任两委成员") % {"name": name}))
    if errors:
        raise ServiceError(errors)
    rules = cadre_rules(on=started_on)
    # 试用期制度 (seed 002): someone new to the two committees (no earlier record anywhere) serves a probation
    new = not Cadre.objects.filter(id_number=parsed.value).exists()
    cadre = Cadre.objects.create(
        org=org, id_number=parsed.value, name=name, member=member, birth_date=parsed.birth_date, education=education,
        graduate_official=bool(graduate_official), party_post=party_post, village_post=village_post, started_on=started_on,
        probation=Probation.ON if new else "", probation_ends_on=add_months(started_on, rules["probation_months"]) if new else None,
        rule_version=rules.version,
    )  # fmt: skip
    audit.record(actor, "villages.cadre_register", cadre, changes={"name": [None, name], "party_post": [None, party_post], "village_post": [None, village_post]},
                 data={"probation_ends_on": cadre.probation_ends_on, "rule_version": rules.version})  # fmt: skip
    return cadre


@transaction.atomic
def end_cadre(*, actor: Actor, cadre_id, ended_on: dt.date | None, reason: str, today: dt.date | None = None) -> Cadre:
    today = today or dt.date.today()
    cadre = get_in_scope(Cadre.objects.select_for_update(), actor, write=True, pk=params.to_id(cadre_id, field="cadre", label=_("两委成员"), required=True))
    errors: list[FieldError] = []
    if cadre.ended_on:
        errors.append(FieldError("cadre", "not_allowed", _("%(name)s已于%(date)s离任") % {"name": cadre.name, "date": cadre.ended_on}))
    if ended_on is None:
        errors.append(FieldError("ended_on", "required", _("请填写离任日期")))
    elif ended_on > today or ended_on < cadre.started_on:
        errors.append(FieldError("ended_on", "date_order", _("离任日期应在任职日期之后、不晚于今天")))
    reason = _text(reason, "reason", _("离任原因"), errors, max_length=200)
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
    name = _text(name, "name", _("姓名"), errors, max_length=60)
    place = _text(place, "place", _("派驻岗位/单位"), errors, max_length=120, required=False)
    tasks = _text(tasks, "tasks", _("工作任务"), errors, max_length=2000, required=False)
    rules = kind_rules(on=started_on)
    if kind not in dict(rules["kinds"]):
        errors.append(FieldError("kind", "bad_value", _("请选择挂职选派类别")))
    if started_on is None:
        errors.append(FieldError("started_on", "required", _("请填写开始日期")))
    if ends_on is None:
        errors.append(FieldError("ends_on", "required", _("请填写结束日期")))
    elif started_on and ends_on <= started_on:
        errors.append(FieldError("ends_on", "date_order", _("结束日期应晚于开始日期")))
    if started_on and kind == pairing_rules(on=started_on)["first_secretary_kind"] and not _weak(actor, org, started_on):
        errors.append(FieldError("org", "not_weak", _("%(name)s未被星级评定认定为软弱涣散党组织，第一书记选派到软弱涣散村") % {"name": org.name}))
    if errors:
        raise ServiceError(errors)
    s = Secondment.objects.create(
        org=org, place=place, id_number=parsed.value, name=name, member=member, kind=kind, started_on=started_on, ends_on=ends_on, tasks=tasks,
    )  # fmt: skip
    audit.record(actor, "villages.secondment_start", s, changes={"name": [None, name], "kind": [None, kind], "ends_on": [None, ends_on]})
    return s


def _weak(actor: Actor, org: Org, on: dt.date) -> bool:
    """Whether the branch star rating (scores) flagged the village 软弱涣散 in the year of `on` or the years before it
    the rule looks back."""
    from orgwork.scores import selectors as scores_selectors

    back = pairing_rules(on=on)["weak_years_back"]
    for year in range(on.year - back, on.year + 1):
        r = scores_selectors.star_ratings(Actor.system_actor("villages.weak"), year=year, under=org).get(org.pk)
        if r is not None and r.weak:
            return True
    return False


def _secondment(actor: Actor, secondment_id, *, lock: bool = False) -> Secondment:
    qs = Secondment.objects.select_related("org")
    if lock:
        qs = qs.select_for_update()
    return get_in_scope(qs, actor, write=True, pk=params.to_id(secondment_id, field="secondment", label=_("挂职选派"), required=True))


@transaction.atomic
def log_work(*, actor: Actor, secondment_id, on: dt.date | None, text: str, today: dt.date | None = None) -> WorkLog:
    today = today or dt.date.today()
    s = _secondment(actor, secondment_id)
    errors: list[FieldError] = []
    text = _text(text, "text", _("工作纪实"), errors, max_length=2000)
    if on is None:
        errors.append(FieldError("on", "required", _("请填写日期")))
    elif on > today or on < s.started_on:
        errors.append(FieldError("on", "date_order", _("日期应在挂职开始之后、不晚于今天")))
    if s.assessed_on:
        errors.append(FieldError("secondment", "not_allowed", _("已完成期满考核，不能再记工作纪实")))
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
        errors.append(FieldError("secondment", "not_allowed", _("%(name)s已于%(date)s完成期满考核") % {"name": s.name, "date": s.assessed_on}))
    if grade not in Grade.values:
        errors.append(FieldError("grade", "bad_value", _("请选择考核等次")))
    if assessed_on is None:
        errors.append(FieldError("assessed_on", "required", _("请填写考核日期")))
    elif assessed_on > today or assessed_on < s.started_on:
        errors.append(FieldError("assessed_on", "date_order", _("考核日期应在挂职开始之后、不晚于今天")))
    comment = _text(comment, "comment", _("考核意见"), errors, max_length=2000, required=False)
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
    name = _text(name, "name", _("单位名称"), errors, max_length=120)
    if kind not in UnitKind.values:
        errors.append(FieldError("kind", "bad_value", _("请选择单位类别")))
    for field, label, n in (("employees", _("从业人员"), employees), ("party_members", _("党员人数"), party_members)):
        if n is None or n < 0:
            errors.append(FieldError(field, "bad_value", _("%(label)s应为不小于0的整数") % {"label": label}))
    if registered_on is None:
        errors.append(FieldError("registered_on", "required", _("请填写登记日期")))
    if name and Unit.objects.filter(org=org, name=name, party_org__isnull=True).exists():
        errors.append(FieldError("name", "duplicate_existing", _("“%(name)s”已登记") % {"name": name}))
    if errors:
        raise ServiceError(errors)
    unit = Unit.objects.create(org=org, name=name, kind=kind, employees=employees or 0, party_members=party_members or 0, registered_on=registered_on)
    audit.record(actor, "villages.unit_register", unit, changes={"name": [None, name]})
    return unit


def _unit(actor: Actor, unit_id) -> Unit:
    return get_in_scope(Unit.objects.select_for_update(), actor, write=True, pk=params.to_id(unit_id, field="unit", label=_("单位"), required=True))


@transaction.atomic
def assign_instructor(*, actor: Actor, unit_id, secondment_id) -> Unit:
    unit = _unit(actor, unit_id)
    s = _secondment(actor, secondment_id)
    if s.kind != kind_rules(on=s.started_on)["instructor_kind"]:
        raise ServiceError.single("secondment", "bad_value", _("%(name)s不是党建指导员") % {"name": s.name})
    if unit.party_org_id:
        raise ServiceError.single("unit", "not_allowed", _("%(name)s已建立党组织") % {"name": unit.name})
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
        raise ServiceError.single("unit", "not_allowed", _("%(name)s已建立党组织") % {"name": unit.name})
    if unit.setup_procedure_id and ProcedureInstance.objects.filter(pk=unit.setup_procedure_id, status__in=(ProcedureStatus.ACTIVE, ProcedureStatus.PAUSED)).exists():
        raise ServiceError.single("unit", "duplicate_existing", _("%(name)s成立党组织的请示正在办理") % {"name": unit.name})
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
        raise ServiceError.single("unit", "not_ready", _("%(name)s的党组织尚未经批准成立") % {"name": unit.name})
    if unit.party_org_id:
        return unit  # already linked when the procedure completed (linked_on_setup)
    return _link(actor, unit, org_id)


def _link(actor: Actor, unit: Unit, org_id: int) -> Unit:
    unit.party_org = Org.objects.get(pk=org_id)
    unit.save(update_fields=["party_org"])
    audit.record(actor, "villages.unit_branch", unit, changes={"party_org": [None, org_id]})
    return unit


@proc.on_completed("org_setup")
def linked_on_setup(instance, actor: Actor) -> None:
    """The set-up procedure a unit asked for has created its org: the unit links to it in the same transaction and
    leaves the register of units without a party organization (no second step for the secretary to remember)."""
    org_id = (instance.data or {}).get("org_id")
    if not org_id:
        return
    for unit in Unit.objects.select_for_update().filter(setup_procedure_id=instance.pk, party_org__isnull=True):
        _link(actor, unit, org_id)


# --- post history: a change ends the record and starts a new one ----------------------------------------------


def _cadre(actor: Actor, cadre_id, *, lock: bool = True) -> Cadre:
    qs = Cadre.objects.select_related("org")
    if lock:
        qs = qs.select_for_update(of=("self",))
    return get_in_scope(qs, actor, write=True, pk=params.to_id(cadre_id, field="cadre", label=_("两委成员"), required=True))


@transaction.atomic
def change_post(*, actor: Actor, cadre_id, party_post: str = "", village_post: str = "", on: dt.date | None, reason: str, today: dt.date | None = None) -> Cadre:
    """A cadre takes another post (or another combination of posts): the current record ends the day before `on`
    and a new record starts on `on`, pointing back to it. Nothing is overwritten; the probation carries over."""
    today = today or dt.date.today()
    old = _cadre(actor, cadre_id)
    errors: list[FieldError] = []
    party_post, village_post = party_post or "", village_post or ""
    if old.ended_on:
        errors.append(FieldError("cadre", "not_allowed", _("%(name)s已于%(date)s离任") % {"name": old.name, "date": old.ended_on}))
    if party_post and party_post not in PartyPost.values:
        errors.append(FieldError("party_post", "bad_value", _("党组织职务不在可选范围内")))
    if village_post and village_post not in VillagePost.values:
        errors.append(FieldError("village_post", "bad_value", _("村（居）委会职务不在可选范围内")))
    if not party_post and not village_post:
        errors.append(FieldError("party_post", "required", _("请至少填写一项职务（党组织或村（居）委会）；不再任职的请办理离任")))
    if (party_post, village_post) == (old.party_post, old.village_post):
        errors.append(FieldError("party_post", "no_change", _("职务没有变化")))
    if on is None:
        errors.append(FieldError("on", "required", _("请填写变动日期")))
    elif on > today or on <= old.started_on:
        errors.append(FieldError("on", "date_order", _("变动日期应晚于原任职日期、不晚于今天")))
    reason = _text(reason, "reason", _("变动原因"), errors, max_length=200)
    if errors:
        raise ServiceError(errors)
    old.ended_on, old.end_reason = on - dt.timedelta(days=1), (_("职务变动：%(reason)s") % {"reason": reason})[:200]
    old.save(update_fields=["ended_on", "end_reason"])
    new = Cadre.objects.create(
        org=old.org, id_number=old.id_number, name=old.name, member=old.member, birth_date=old.birth_date, education=old.education,
        graduate_official=old.graduate_official, party_post=party_post, village_post=village_post, started_on=on, previous=old,
        probation=old.probation, probation_ends_on=old.probation_ends_on, probation_decided_on=old.probation_decided_on,
        probation_note=old.probation_note, rule_version=old.rule_version,
    )  # fmt: skip
    audit.record(actor, "villages.cadre_post_change", new, changes={"party_post": [old.party_post, party_post], "village_post": [old.village_post, village_post]},
                 data={"previous": old.pk, "on": on, "reason": reason})  # fmt: skip
    return new


@transaction.atomic
def decide_probation(*, actor: Actor, cadre_id, decision: str, on: dt.date | None, note: str = "", months: int | None = None, today: dt.date | None = None) -> Cadre:
    """The township decides at the end of a new cadre's probation: confirmed, not confirmed (the record ends), or
    extended once by at most the rule's months."""
    today = today or dt.date.today()
    cadre = _cadre(actor, cadre_id)
    rules = cadre_rules(on=cadre.started_on)
    errors: list[FieldError] = []
    if cadre.probation not in (Probation.ON, Probation.EXTENDED) or cadre.ended_on:
        errors.append(FieldError("cadre", "not_on_probation", _("%(name)s不在试用期中") % {"name": cadre.name}))
    if decision not in (Probation.CONFIRMED, Probation.NOT_CONFIRMED, Probation.EXTENDED):
        errors.append(FieldError("decision", "bad_value", _("请选择试用期考察结论")))
    if on is None:
        errors.append(FieldError("on", "required", _("请填写考察日期")))
    elif on > today or on < cadre.started_on:
        errors.append(FieldError("on", "date_order", _("考察日期应在任职之后、不晚于今天")))
    if decision == Probation.EXTENDED:
        most = rules["probation_extension_months"]
        if cadre.probation == Probation.EXTENDED:
            errors.append(FieldError("decision", "extended_once", _("试用期只能延长一次")))
        if not months or months < 1 or months > most:
            errors.append(FieldError("months", "out_of_range", _("延长期限应为1至%(most)s个月") % {"most": most}))
    note = _text(note, "note", _("考察意见"), errors, max_length=500, required=decision != Probation.CONFIRMED)
    if errors:
        raise ServiceError(errors)
    old_state = cadre.probation
    cadre.probation, cadre.probation_decided_on, cadre.probation_note = decision, on, note
    fields = ["probation", "probation_decided_on", "probation_note"]
    if decision == Probation.EXTENDED:
        cadre.probation_ends_on = add_months(cadre.probation_ends_on or cadre.started_on, months)
        fields.append("probation_ends_on")
    if decision == Probation.NOT_CONFIRMED:
        cadre.ended_on, cadre.end_reason = on, _("试用期满考察不合格")
        fields += ["ended_on", "end_reason"]
    cadre.save(update_fields=fields)
    audit.record(actor, "villages.cadre_probation", cadre, changes={"probation": [old_state, decision]}, data={"on": on, "months": months})
    return cadre


# --- star management, 述职评议 and the secretaries' competence assessment on the scoring engine ---------------


def ensure_score_sets() -> None:
    """Install the shipped default indicator sets (marked "default — replace with the county's own") once."""
    from .rules import SCORE_SPECS

    have = set(IndicatorSet.objects.filter(code__in=[s["code"] for s in SCORE_SPECS.values()]).values_list("code", flat=True))
    for spec in SCORE_SPECS.values():
        if spec["code"] not in have:
            engine.install(actor=Actor.system_actor("villages.defaults"), spec=spec)


def score_day(cadre: Cadre, year: int, today: dt.date) -> dt.date | None:
    """The day a year's score is recorded on: the year's last day, or earlier when the record ended or it is today."""
    day = min(dt.date(year, 12, 31), today, cadre.ended_on or today)
    return day if day >= cadre.started_on else None


@transaction.atomic
def score_cadre(*, actor: Actor, which: str, cadre_id, year: int, scores: dict, note: str = "", today: dt.date | None = None) -> list:
    """Enter a cadre's year scores on one of the village sets (`which`: stars, review, competence): one engine
    entry per indicator, submitted; someone above the village approves them (scoring.approve)."""
    today = today or dt.date.today()
    ensure_score_sets()
    rules = cadre_rules(on=min(dt.date(year, 12, 31), today))
    set_code = rules["sets"].get(which)
    if not set_code:
        raise ServiceError.single("which", "bad_value", _("评价类别不正确"))
    cadre = _cadre(actor, cadre_id, lock=False)
    if which == "competence" and cadre.party_post not in rules["competence_posts"]:
        raise ServiceError.single("cadre", "not_secretary", _("%(name)s不是党组织书记，胜任度评价的对象是书记") % {"name": cadre.name})
    day = score_day(cadre, year, today)
    if day is None:
        raise ServiceError.single("year", "not_in_post", _("%(name)s在%(year)s年未任此职") % {"name": cadre.name, "year": year})
    out = []
    for code, value in (scores or {}).items():
        if value in (None, ""):
            continue
        out.append(engine.submit(actor=actor, set_code=set_code, indicator_code=code, subject=cadre, occurred_on=day, points=value, note=note or _("%(year)s年度") % {"year": year}, today=today))
    if not out:
        raise ServiceError.single("scores", "required", _("请至少填写一项得分"))
    return out


@transaction.atomic
def approve_scores(*, actor: Actor, entry_ids) -> list:
    return [engine.approve(actor=actor, entry_id=params.to_id(e, field="entry", label=_("评分记录"), required=True)) for e in entry_ids]


# --- pay: former village cadres' subsidies and the leaving allowance ------------------------------------------


@transaction.atomic
def register_former(
    *, actor: Actor, org_id, id_number, name: str, main_post: bool, years: int | None, left_on: dt.date | None,
    subsidy_from: dt.date | None, cadre_id=None, today: dt.date | None = None,
) -> FormerCadre:  # fmt: skip
    """Register a former village cadre for the subsidy (分类定补): the class follows from the years served and
    whether a main post (secretary, chair) was held, under the pay rule in force on the subsidy's first day."""
    today = today or dt.date.today()
    org = params.writable_org(actor, org_id)
    errors: list[FieldError] = []
    if org.sector not in VILLAGE_SECTORS:
        errors.append(FieldError("org", "bad_value", _("%(name)s不是村或社区党组织") % {"name": org.name}))
    parsed = _id_number(id_number, errors)
    name = _text(name, "name", _("姓名"), errors, max_length=60)
    if years is None or years < 0 or years > 80:
        errors.append(FieldError("years", "out_of_range", _("任职年限应为0至80的整数")))
    if left_on is None:
        errors.append(FieldError("left_on", "required", _("请填写离任日期")))
    elif left_on > today:
        errors.append(FieldError("left_on", "future_date", _("离任日期不能晚于今天")))
    if subsidy_from is None:
        errors.append(FieldError("subsidy_from", "required", _("请填写补助起始日期")))
    elif left_on and subsidy_from < left_on:
        errors.append(FieldError("subsidy_from", "date_order", _("补助起始日期不能早于离任日期")))
    cadre = None
    if cadre_id:
        cadre = _cadre(actor, cadre_id, lock=False)
    if parsed and FormerCadre.objects.filter(id_number=parsed.value, subsidy_until__isnull=True).exists():
        errors.append(FieldError("id_number", "duplicate_existing", _("%(name)s已在退职村干部补助名册中") % {"name": name}))
    if errors:
        raise ServiceError(errors)
    rules = pay_rules(on=subsidy_from)
    cls = former_class(rules, main_post=bool(main_post), years=years)
    if cls is None:
        raise ServiceError.single("years", "not_eligible", _("%(name)s任职%(years)s年，不符合退职村干部补助的任何类别（%(version)s）") % {"name": name, "years": years, "version": rules.version})
    f = FormerCadre.objects.create(
        org=org, id_number=parsed.value, name=name, main_post=bool(main_post), years=years, left_on=left_on, subsidy_class=cls["code"],
        subsidy_from=subsidy_from, rule_version=rules.version, cadre=cadre,
    )  # fmt: skip
    audit.record(actor, "villages.former_register", f, changes={"subsidy_class": [None, cls["code"]]}, data={"rule_version": rules.version, "years": years})
    return f


@transaction.atomic
def stop_subsidy(*, actor: Actor, former_id, until: dt.date | None, reason: str) -> FormerCadre:
    f = get_in_scope(FormerCadre.objects.select_for_update(), actor, write=True, pk=params.to_id(former_id, field="former", label=_("退职村干部"), required=True))
    errors: list[FieldError] = []
    if f.subsidy_until:
        errors.append(FieldError("former", "not_allowed", _("%(name)s的补助已于%(date)s终止") % {"name": f.name, "date": f.subsidy_until}))
    if until is None or until < f.subsidy_from:
        errors.append(FieldError("until", "date_order", _("终止日期应不早于补助起始日期")))
    reason = _text(reason, "reason", _("终止原因"), errors, max_length=200)
    if errors:
        raise ServiceError(errors)
    f.subsidy_until, f.stop_reason = until, reason
    f.save(update_fields=["subsidy_until", "stop_reason"])
    audit.record(actor, "villages.former_stop", f, changes={"subsidy_until": [None, until]}, data={"reason": reason})
    return f


@transaction.atomic
def grant_leaving_allowance(*, actor: Actor, cadre_id, on: dt.date | None, today: dt.date | None = None) -> LeavingAllowance:
    """优秀村书记离任特殊贡献补贴 (seed 003): a secretary who has left, with enough years as secretary and enough
    years graded 优秀 in 述职评议 (both rule data), gets the one-off amount of the rule in force on leaving."""
    from . import selectors

    today = today or dt.date.today()
    cadre = _cadre(actor, cadre_id)
    errors: list[FieldError] = []
    if not cadre.ended_on:
        errors.append(FieldError("cadre", "in_office", _("%(name)s尚未离任") % {"name": cadre.name}))
    if LeavingAllowance.objects.filter(cadre=cadre).exists():
        errors.append(FieldError("cadre", "duplicate_existing", _("%(name)s已核定离任补贴") % {"name": cadre.name}))
    if on is None or on > today:
        errors.append(FieldError("on", "date_order", _("请填写核定日期（不晚于今天）")))
    if errors:
        raise ServiceError(errors)
    rules = pay_rules(on=cadre.ended_on)
    sec_years = selectors.secretary_years(cadre)
    excellent = selectors.excellent_years(cadre)
    amount = leaving_allowance(rules, secretary_years=sec_years, excellent_years=excellent)
    if amount is None:
        r = rules["leaving_allowance"]
        raise ServiceError.single("cadre", "not_eligible", _("%(name)s任书记%(secretary_years)s年、述职评议优秀%(excellent)s年，不符合离任补贴条件（任书记满%(min_years)s年且优秀不少于%(min_excellent)s年）") % {
            "name": cadre.name, "secretary_years": sec_years, "excellent": excellent, "min_years": r["min_years"], "min_excellent": r["min_excellent"]})  # fmt: skip
    a = LeavingAllowance.objects.create(cadre=cadre, org=cadre.org, name=cadre.name, secretary_years=sec_years, excellent_years=excellent, amount=amount, granted_on=on, rule_version=rules.version)
    audit.record(actor, "villages.leaving_allowance", a, changes={"amount": [None, amount]}, data={"rule_version": rules.version})
    return a


# --- village reserve cadres ------------------------------------------------------------------------------------


@transaction.atomic
def add_reserve(
    *, actor: Actor, org_id, id_number, name: str = "", member_id=None, education: str, strengths: str = "", added_on: dt.date | None,
    today: dt.date | None = None,
) -> ReserveCadre:  # fmt: skip
    today = today or dt.date.today()
    org = params.writable_org(actor, org_id)
    errors: list[FieldError] = []
    if org.sector not in VILLAGE_SECTORS:
        errors.append(FieldError("org", "bad_value", _("%(name)s不是村或社区党组织") % {"name": org.name}))
    parsed = _id_number(id_number, errors)
    member = _member(actor, member_id, errors)
    if member is not None:
        name = member.name
    name = _text(name, "name", _("姓名"), errors, max_length=60)
    strengths = _text(strengths, "strengths", _("特长与培养方向"), errors, max_length=200, required=False)
    if education not in Education.values:
        errors.append(FieldError("education", "bad_value", _("请选择学历")))
    if added_on is None:
        errors.append(FieldError("added_on", "required", _("请填写纳入日期")))
    elif added_on > today:
        errors.append(FieldError("added_on", "future_date", _("纳入日期不能晚于今天")))
    if parsed and ReserveCadre.objects.filter(org=org, id_number=parsed.value, removed_on__isnull=True).exists():
        errors.append(FieldError("id_number", "duplicate_existing", _("%(name)s已是本村（社区）后备干部") % {"name": name}))
    if errors:
        raise ServiceError(errors)
    r = ReserveCadre.objects.create(org=org, id_number=parsed.value, name=name, member=member, birth_date=parsed.birth_date, education=education, strengths=strengths, added_on=added_on)
    audit.record(actor, "villages.reserve_add", r, changes={"name": [None, name]})
    return r


def _reserve(actor: Actor, reserve_id, *, lock: bool = False) -> ReserveCadre:
    qs = ReserveCadre.objects.select_related("org")
    if lock:
        qs = qs.select_for_update(of=("self",))
    return get_in_scope(qs, actor, write=True, pk=params.to_id(reserve_id, field="reserve", label=_("后备干部"), required=True))


@transaction.atomic
def remove_reserve(*, actor: Actor, reserve_id, on: dt.date | None, reason: str, today: dt.date | None = None) -> ReserveCadre:
    today = today or dt.date.today()
    r = _reserve(actor, reserve_id, lock=True)
    errors: list[FieldError] = []
    if r.removed_on:
        errors.append(FieldError("reserve", "not_allowed", _("%(name)s已于%(date)s退出后备干部队伍") % {"name": r.name, "date": r.removed_on}))
    if on is None or on > today or on < r.added_on:
        errors.append(FieldError("on", "date_order", _("退出日期应在纳入之后、不晚于今天")))
    reason = _text(reason, "reason", _("退出原因"), errors, max_length=200)
    if errors:
        raise ServiceError(errors)
    r.removed_on, r.removed_reason = on, reason
    r.save(update_fields=["removed_on", "removed_reason"])
    audit.record(actor, "villages.reserve_remove", r, changes={"removed_on": [None, on]}, data={"reason": reason})
    return r


def credit_reserve_training(*, actor: Actor, reserve_id, hours, on: dt.date | None, course: str, today: dt.date | None = None):
    """Training of a reserve cadre is credited to the training archive (学分制档案, keyed by the ID number): the
    hours then count wherever that person's training is read (training.services.credit_hours, idempotent)."""
    from orgwork.training import services as training

    r = _reserve(actor, reserve_id)
    errors: list[FieldError] = []
    course = _text(course, "course", _("培训内容"), errors, max_length=120)
    if on is None:
        errors.append(FieldError("on", "required", _("请填写培训日期")))
    if errors:
        raise ServiceError(errors)
    with transaction.atomic():
        credit = training.credit_hours(actor, id_number=r.id_number, name=r.name, hours=hours, on=on, source="manual", ref=f"villages:reserve:{r.pk}:{on}:{course}"[:120],
                                       member=r.member, org_id=r.org_id, note=_("村级后备干部培训：%(course)s") % {"course": course}, today=today)  # fmt: skip
        audit.record(actor, "villages.reserve_training", r, data={"hours": str(credit.hours), "on": on, "course": course})
    return credit


@transaction.atomic
def start_placement(*, actor: Actor, reserve_id, place: str, started_on: dt.date | None, ends_on: dt.date | None, tasks: str = "") -> Placement:
    r = _reserve(actor, reserve_id)
    errors: list[FieldError] = []
    if r.removed_on:
        errors.append(FieldError("reserve", "not_allowed", _("%(name)s已退出后备干部队伍") % {"name": r.name}))
    place = _text(place, "place", _("锻炼岗位/单位"), errors, max_length=120)
    tasks = _text(tasks, "tasks", _("锻炼任务"), errors, max_length=2000, required=False)
    if started_on is None:
        errors.append(FieldError("started_on", "required", _("请填写开始日期")))
    if ends_on is None:
        errors.append(FieldError("ends_on", "required", _("请填写结束日期")))
    elif started_on and ends_on <= started_on:
        errors.append(FieldError("ends_on", "date_order", _("结束日期应晚于开始日期")))
    if errors:
        raise ServiceError(errors)
    p = Placement.objects.create(reserve=r, place=place, started_on=started_on, ends_on=ends_on, tasks=tasks)
    audit.record(actor, "villages.placement_start", p, changes={"place": [None, place]}, data={"reserve": r.pk})
    return p


@transaction.atomic
def assess_placement(*, actor: Actor, placement_id, grade: str, on: dt.date | None, comment: str = "", today: dt.date | None = None) -> Placement:
    today = today or dt.date.today()
    p = get_in_scope(Placement.objects.select_for_update(of=("self",)).select_related("reserve__org"), actor, write=True,
                     pk=params.to_id(placement_id, field="placement", label=_("实践锻炼"), required=True))  # fmt: skip
    errors: list[FieldError] = []
    if p.assessed_on:
        errors.append(FieldError("placement", "not_allowed", _("该实践锻炼已考核")))
    if grade not in Grade.values:
        errors.append(FieldError("grade", "bad_value", _("请选择考核等次")))
    if on is None or on > today or on < p.started_on:
        errors.append(FieldError("on", "date_order", _("考核日期应在锻炼开始之后、不晚于今天")))
    comment = _text(comment, "comment", _("考核意见"), errors, max_length=2000, required=False)
    if errors:
        raise ServiceError(errors)
    p.grade, p.assessed_on, p.comment = grade, on, comment
    p.save(update_fields=["grade", "assessed_on", "comment"])
    audit.record(actor, "villages.placement_assess", p, changes={"grade": ["", grade]})
    return p


# --- first secretaries' yearly assessment; pairing and visits -------------------------------------------------


@transaction.atomic
def assess_year(*, actor: Actor, secondment_id, year: int, grade: str, on: dt.date | None, comment: str = "", today: dt.date | None = None) -> YearAssessment:
    today = today or dt.date.today()
    s = _secondment(actor, secondment_id, lock=True)
    errors: list[FieldError] = []
    if not (s.started_on.year <= year <= s.ends_on.year):
        errors.append(FieldError("year", "out_of_range", _("%(year)s年不在%(name)s的任期内") % {"year": year, "name": s.name}))
    if YearAssessment.objects.filter(secondment=s, year=year).exists():
        errors.append(FieldError("year", "duplicate_existing", _("%(name)s的%(year)s年度考核已完成") % {"name": s.name, "year": year}))
    if grade not in Grade.values:
        errors.append(FieldError("grade", "bad_value", _("请选择考核等次")))
    if on is None or on > today or on < s.started_on:
        errors.append(FieldError("on", "date_order", _("考核日期应在任期开始之后、不晚于今天")))
    elif on.year < year:
        errors.append(FieldError("on", "date_order", _("年度考核日期不能早于该年度")))
    comment = _text(comment, "comment", _("考核意见"), errors, max_length=2000, required=False)
    if errors:
        raise ServiceError(errors)
    a = YearAssessment.objects.create(secondment=s, year=year, grade=grade, comment=comment, assessed_on=on)
    audit.record(actor, "villages.year_assess", a, changes={"grade": ["", grade]}, data={"secondment": s.pk, "year": year})
    return a


@transaction.atomic
def start_pairing(
    *, actor: Actor, kind: str, org_id, helper: str = "", helper_member_id=None, target: str, started_on: dt.date | None, goals: str = "",
    today: dt.date | None = None,
) -> Pairing:  # fmt: skip
    today = today or dt.date.today()
    org = params.writable_org(actor, org_id)
    rules = pairing_rules(on=started_on or today)
    errors: list[FieldError] = []
    if kind not in dict(rules["kinds"]):
        errors.append(FieldError("kind", "bad_value", _("请选择结对联系类别")))
    member = None
    if helper_member_id:
        try:
            member = get_in_scope(Member.objects.all(), actor, pk=params.to_id(helper_member_id, field="helper_member", label=_("联系党员"), required=True))
        except (NotFound, ServiceError):
            errors.append(FieldError("helper_member", "unknown_member", _("党员不存在或不在您的管理范围内")))
    if kind == "member_household" and member is None and not errors:
        errors.append(FieldError("helper_member", "required", _("党员联系群众须选择联系党员")))
    if member is not None:
        helper = member.name
    helper = _text(helper, "helper", _("帮扶（联系）方"), errors, max_length=120)
    target = _text(target, "target", _("帮扶（联系）对象"), errors, max_length=120)
    goals = _text(goals, "goals", _("帮扶目标"), errors, max_length=2000, required=False)
    if started_on is None:
        errors.append(FieldError("started_on", "required", _("请填写开始日期")))
    elif started_on > today:
        errors.append(FieldError("started_on", "future_date", _("开始日期不能晚于今天")))
    if kind == "unit_village" and org.sector not in VILLAGE_SECTORS:
        errors.append(FieldError("org", "bad_value", _("%(name)s不是村或社区党组织") % {"name": org.name}))
    if not errors and Pairing.objects.filter(kind=kind, org=org, helper=helper, target=target, ended_on__isnull=True).exists():
        errors.append(FieldError("target", "duplicate_existing", _("%(helper)s与%(target)s的结对联系已登记") % {"helper": helper, "target": target}))
    if errors:
        raise ServiceError(errors)
    p = Pairing.objects.create(kind=kind, org=org, helper=helper, helper_member=member, target=target, started_on=started_on, goals=goals)
    audit.record(actor, "villages.pairing_start", p, changes={"helper": [None, helper], "target": [None, target]}, data={"kind": kind})
    return p


def _pairing(actor: Actor, pairing_id, *, lock: bool = False) -> Pairing:
    qs = Pairing.objects.select_related("org")
    if lock:
        qs = qs.select_for_update(of=("self",))
    return get_in_scope(qs, actor, write=True, pk=params.to_id(pairing_id, field="pairing", label=_("结对联系"), required=True))


@transaction.atomic
def end_pairing(*, actor: Actor, pairing_id, on: dt.date | None, today: dt.date | None = None) -> Pairing:
    today = today or dt.date.today()
    p = _pairing(actor, pairing_id, lock=True)
    if p.ended_on:
        raise ServiceError.single("pairing", "not_allowed", _("该结对联系已结束"))
    if on is None or on > today or on < p.started_on:
        raise ServiceError.single("on", "date_order", _("结束日期应在开始之后、不晚于今天"))
    p.ended_on = on
    p.save(update_fields=["ended_on"])
    audit.record(actor, "villages.pairing_end", p, changes={"ended_on": [None, on]})
    return p


@transaction.atomic
def log_visit(*, actor: Actor, pairing_id, on: dt.date | None, text: str, today: dt.date | None = None) -> Visit:
    today = today or dt.date.today()
    p = _pairing(actor, pairing_id)
    errors: list[FieldError] = []
    if p.ended_on:
        errors.append(FieldError("pairing", "not_allowed", _("该结对联系已结束")))
    text = _text(text, "text", _("走访情况"), errors, max_length=2000)
    if on is None:
        errors.append(FieldError("on", "required", _("请填写走访日期")))
    elif on > today or on < p.started_on:
        errors.append(FieldError("on", "date_order", _("走访日期应在结对开始之后、不晚于今天")))
    if errors:
        raise ServiceError(errors)
    v = Visit.objects.create(pairing=p, on=on, text=text)
    audit.record(actor, "villages.visit", v, data={"pairing": p.pk, "on": on})
    return v
