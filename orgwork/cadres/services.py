"""Every write of the cadres app: keyword-only arguments, one transaction, an audit event each.

Registry (units, posts, quotas, cadres, kinship, appointments, Excel import), selections on the procedure kernel
(with recommendation ballots on the kernel's ballot engine), flags, and personal matters reports (sealed).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgwork.core import audit
from orgwork.core import procedures as proc
from orgwork.core.actor import Actor
from orgwork.core.ballots import services as ballots
from orgwork.core.errors import FieldError, NotFound, PermissionDenied, ServiceError
from orgwork.core.idcard import IdNumberError
from orgwork.core.idcard import parse as parse_id
from orgwork.core.normalize import add_months, clean_text
from orgwork.core.params import writable_org
from orgwork.core.rules import UnknownRule, share
from orgwork.core.scope import get_in_scope, scope
from orgwork.members.models import Member

from . import crypto
from .models import (
    RANK_ORDER,
    Appointment,
    AppointmentAction,
    Cadre,
    CadreStatus,
    CandidateStage,
    Kinship,
    PersonalReport,
    Post,
    PostKind,
    PostQuota,
    ProbationStatus,
    Rank,
    ReportCheck,
    ReportKind,
    ReportReader,
    Selection,
    SelectionCandidate,
    SelectionFlag,
    Unit,
    UnitKind,
)
from .rules import KIND, eligibility_errors, probation_applies, report_rules, selection_rules

CADRE_FIELDS = ("name", "gender", "birth_date", "ethnicity", "native_place", "education", "degree", "work_started_on", "joined_party_on", "rank", "rank_since", "phone", "notes")


def _need_write(actor: Actor):
    if not actor.can_write_anything:
        raise PermissionDenied()


def _text(errors, value, field, label, limit, *, required=True) -> str:
    value = clean_text(value)
    if required and not value:
        errors.append(FieldError(field, "required", _("请填写%(label)s") % {"label": label}))
    elif len(value) > limit:
        errors.append(FieldError(field, "too_long", _("%(label)s不能超过%(limit)s个字") % {"label": label, "limit": limit}))
    return value


# --- units, posts, quotas -----------------------------------------------------------------------------------


@transaction.atomic
def create_unit(*, actor: Actor, org_id, name: str, kind: str = UnitKind.GOV_AGENCY, city_level: bool = False) -> Unit:
    _need_write(actor)
    org = writable_org(actor, org_id)
    errors = []
    name = _text(errors, name, "name", _("单位名称"), 120)
    if kind not in UnitKind.values:
        errors.append(FieldError("kind", "bad_value", _("单位类别不正确")))
    if errors:
        raise ServiceError(errors)
    unit = Unit.objects.create(org=org, name=name, kind=kind, city_level=bool(city_level))
    audit.record(actor, "cadres.unit.create", unit, data={"name": name, "kind": kind})
    return unit


@transaction.atomic
def create_post(
    *, actor: Actor, unit_id, title: str, kind: str, rank: str, category: str = "", elected: bool = False, in_team: bool = True,
    is_party_secretary: bool = False, is_unit_head: bool = False, order: int = 50,
) -> Post:
    unit = get_in_scope(Unit.objects.select_related("org"), actor, write=True, pk=unit_id)
    errors = []
    title = _text(errors, title, "title", _("职务名称"), 80)
    if kind not in PostKind.values:
        errors.append(FieldError("kind", "bad_value", _("职务类别不正确")))
    if rank not in Rank.values:
        errors.append(FieldError("rank", "bad_value", _("职级不正确")))
    if errors:
        raise ServiceError(errors)
    post = Post.objects.create(
        unit=unit, title=title, kind=kind, rank=rank, category=clean_text(category)[:40], elected=bool(elected), in_team=bool(in_team),
        is_party_secretary=bool(is_party_secretary), is_unit_head=bool(is_unit_head), order=int(order),
    )
    audit.record(actor, "cadres.post.create", post, data={"title": title, "kind": kind, "rank": rank, "category": post.category, "elected": post.elected})
    return post


@transaction.atomic
def set_quota(*, actor: Actor, unit_id, kind: str, seats: int, document: str = "") -> PostQuota:
    unit = get_in_scope(Unit.objects.select_related("org"), actor, write=True, pk=unit_id)
    if kind not in (PostKind.PRINCIPAL, PostKind.DEPUTY, PostKind.INTERNAL):
        raise ServiceError.single("kind", "bad_value", _("职数只核定正职、副职或内设机构领导"))
    if not 0 <= int(seats) <= 99:
        raise ServiceError.single("seats", "bad_value", _("核定职数须在0到99之间"))
    old = PostQuota.objects.filter(unit=unit, kind=kind, ended_at__isnull=True).first()
    if old:
        old.ended_at = timezone.now()
        old.save(update_fields=["ended_at"])
    q = PostQuota.objects.create(unit=unit, kind=kind, seats=int(seats), document=clean_text(document)[:200])
    audit.record(actor, "cadres.quota.set", q, changes={"seats": [old.seats if old else None, q.seats]}, data={"kind": kind, "document": q.document})
    return q


# --- cadres --------------------------------------------------------------------------------------------------


def _clean_cadre(errors: list, values: dict) -> dict:
    out = {}
    out["name"] = _text(errors, values.get("name"), "name", _("姓名"), 60)
    for f, label, limit in (("ethnicity", _("民族"), 20), ("native_place", _("籍贯"), 60), ("education", _("学历"), 40), ("degree", _("学位"), 40), ("phone", _("联系电话"), 40), ("notes", _("备注"), 2000)):
        if f in values:
            out[f] = _text(errors, values.get(f), f, label, limit, required=False)
    rank = values.get("rank") or Rank.STAFF
    if rank not in Rank.values:
        errors.append(FieldError("rank", "bad_value", _("职级不正确")))
    out["rank"] = rank
    for f in ("work_started_on", "joined_party_on", "rank_since"):
        if f in values:
            out[f] = values.get(f)
    return out


@transaction.atomic
def create_cadre(*, actor: Actor, org_id, id_number: str, **values) -> Cadre:
    """A cadre keyed by ID number; birth date and gender come from the number; linked to the member record if any."""
    _need_write(actor)
    org = writable_org(actor, org_id)
    errors = []
    try:
        parsed = parse_id(id_number)
    except IdNumberError as exc:
        raise ServiceError.single("id_number", exc.code, exc.message) from None
    if Cadre.objects.filter(id_number=parsed.value).exists():
        errors.append(FieldError("id_number", "duplicate_existing", _("该公民身份号码的干部已在名册中")))
    cleaned = _clean_cadre(errors, values)
    if errors:
        raise ServiceError(errors)
    member = Member.objects.filter(id_number=parsed.value).first()
    cadre = Cadre.objects.create(org=org, id_number=parsed.value, birth_date=parsed.birth_date, gender=parsed.gender, member=member, **cleaned)
    audit.record(actor, "cadres.cadre.create", cadre, data={"name": cadre.name, "member": member.pk if member else None})
    return cadre


@transaction.atomic
def update_cadre(*, actor: Actor, cadre_id, **values) -> Cadre:
    cadre = get_in_scope(Cadre.objects.select_related("org"), actor, write=True, pk=cadre_id)
    errors = []
    cleaned = _clean_cadre(errors, {**{f: getattr(cadre, f) for f in CADRE_FIELDS}, **values})
    if errors:
        raise ServiceError(errors)
    before = audit.snapshot(cadre, cleaned)
    for k, v in cleaned.items():
        setattr(cadre, k, v)
    cadre.save()
    audit.record(actor, "cadres.cadre.update", cadre, changes=audit.diff(before, audit.snapshot(cadre, cleaned)))
    return cadre


@transaction.atomic
def add_kinship(*, actor: Actor, cadre_id, relative_id, relation: str) -> Kinship:
    from .rules import registry_rules

    cadre = get_in_scope(Cadre.objects.select_related("org"), actor, write=True, pk=cadre_id)
    relative = get_in_scope(Cadre.objects.all(), actor, pk=relative_id)
    if relation not in registry_rules()["kinship_relations"]:
        raise ServiceError.single("relation", "bad_value", _("亲属关系应为：%(relations)s") % {"relations": "、".join(registry_rules()["kinship_relations"])})
    if cadre.pk == relative.pk:
        raise ServiceError.single("relative", "bad_value", _("不能与本人建立亲属关系"))
    k = Kinship.objects.create(cadre=cadre, relative=relative, relation=relation)
    audit.record(actor, "cadres.kinship.add", cadre, data={"relative": relative.pk, "relation": relation})
    return k


# --- appointments ------------------------------------------------------------------------------------------------


def _is_promotion(cadre: Cadre, post: Post) -> bool:
    return RANK_ORDER[post.rank] > RANK_ORDER[cadre.rank]


@transaction.atomic
def appoint(
    *, actor: Actor, cadre_id, post_id, on: dt.date, document: str = "", decided_by: str = "", reason: str = "", competitive: bool = False,
    selection: Selection | None = None, today: dt.date | None = None, competition=None,
) -> Appointment:
    """任职: a holding starts; a promotion raises the cadre's rank; probation where the rule data says so."""
    cadre = get_in_scope(Cadre.objects.select_for_update().select_related("org"), actor, write=True, pk=cadre_id)
    post = get_in_scope(Post.objects.select_related("unit__org"), actor, pk=post_id)
    today = today or dt.date.today()
    if on is None or on > today:
        raise ServiceError.single("on", "bad_date", _("任职时间不能为空或晚于今天"))
    if Appointment.objects.filter(cadre=cadre, post=post, action=AppointmentAction.APPOINT, ended_on__isnull=True).exists():
        raise ServiceError.single("post", "duplicate_existing", _("%(name)s已担任%(post)s") % {"name": cadre.name, "post": post})
    promotion = _is_promotion(cadre, post)
    try:
        rs = selection_rules(on=on)
    except UnknownRule:  # a historic record entered into the registry: no probation is computed for it
        rs = None
    probation_until = add_months(on, rs["probation_months"]) if rs is not None and probation_applies(rs, post=post, promotion=promotion) else None
    a = Appointment.objects.create(
        cadre=cadre, post=post, action=AppointmentAction.APPOINT, on=on, document=clean_text(document)[:120], decided_by=clean_text(decided_by)[:120],
        reason=clean_text(reason)[:500], promotion=promotion, competitive=bool(competitive) or competition is not None, selection=selection, competition=competition,
        probation_until=probation_until,
        probation_status=ProbationStatus.ON if probation_until else ProbationStatus.NONE, recorded_by=actor.label,
    )
    if promotion:
        cadre.rank, cadre.rank_since = post.rank, on
        cadre.save(update_fields=["rank", "rank_since"])
        _promoted_moment(actor, cadre, post, a, today)
    audit.record(actor, "cadres.appoint", a, data={"cadre": cadre.name, "post": str(post), "on": on, "promotion": promotion, "probation_until": probation_until, "rule_version": rs.version if rs else ""})
    return a


@transaction.atomic
def remove(*, actor: Actor, appointment_id, on: dt.date, document: str = "", reason: str = "") -> Appointment:
    """免职: ends a holding, with its own record."""
    a = get_in_scope(Appointment.objects.select_for_update().select_related("cadre__org", "post__unit"), actor, write=True, pk=appointment_id)
    if a.action != AppointmentAction.APPOINT or a.ended_on:
        raise ServiceError.single("appointment", "bad_status", _("该职务已免去或不是任职记录"))
    if on is None or on < a.on:
        raise ServiceError.single("on", "date_order", _("免职时间不能早于任职时间"))
    r = Appointment.objects.create(
        cadre=a.cadre, post=a.post, action=AppointmentAction.REMOVE, on=on, document=clean_text(document)[:120], reason=clean_text(reason)[:500], recorded_by=actor.label
    )
    a.ended_on, a.removal = on, r
    a.save(update_fields=["ended_on", "removal"])
    audit.record(actor, "cadres.remove", r, data={"cadre": a.cadre.name, "post": str(a.post), "on": on})
    return r


@transaction.atomic
def confirm_probation(*, actor: Actor, appointment_id, confirmed: bool, on: dt.date, note: str = "") -> Appointment:
    a = get_in_scope(Appointment.objects.select_related("cadre__org"), actor, write=True, pk=appointment_id)
    if a.probation_status != ProbationStatus.ON:
        raise ServiceError.single("appointment", "bad_status", _("该任职不在试用期"))
    if a.probation_until and on < a.probation_until:
        raise ServiceError.single("on", "too_early", _("试用期至%(date)s，期满后才能考核转正") % {"date": format(a.probation_until, "%Y-%m-%d")})
    a.probation_status = ProbationStatus.CONFIRMED if confirmed else ProbationStatus.NOT_CONFIRMED
    a.save(update_fields=["probation_status"])
    audit.record(actor, "cadres.probation", a, data={"confirmed": confirmed, "on": on, "note": clean_text(note)[:500]})
    return a


# --- Excel import -----------------------------------------------------------------------------------------------

IMPORT_COLUMNS = {"姓名": "name", "公民身份号码": "id_number", "民族": "ethnicity", "籍贯": "native_place", "学历": "education", "学位": "degree",
                  "参加工作时间": "work_started_on", "入党时间": "joined_party_on", "现职级": "rank", "任现职级时间": "rank_since", "联系电话": "phone"}


def _cell_date(value):
    from orgwork.core.normalize import BadDate, parse_date

    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(str(value))
    except BadDate:
        raise ValueError(str(value))


def import_cadres(*, actor: Actor, org_id, data: bytes) -> dict:
    """All-or-nothing import of an .xlsx sheet with the columns of IMPORT_COLUMNS (first row = headers).
    Returns {"created": n, "errors": [{"row", "field", "code", "message"}]}; on any error nothing is written."""
    from python_calamine import CalamineWorkbook

    try:
        rows = CalamineWorkbook.from_filelike(__import__("io").BytesIO(data)).get_sheet_by_index(0).to_python()
    except Exception:
        raise ServiceError.single("file", "bad_value", _("无法读取该Excel文件（请使用.xlsx格式）")) from None
    if not rows:
        raise ServiceError.single("file", "required", _("文件是空的"))
    header = [clean_text(h) for h in rows[0]]
    unknown = [h for h in header if h and h not in IMPORT_COLUMNS]
    if unknown:
        raise ServiceError.single("file", "extra_column", _("未识别的列：%(columns)s") % {"columns": "、".join(unknown)})
    if "姓名" not in header or "公民身份号码" not in header:
        raise ServiceError.single("file", "required", _("须有“姓名”和“公民身份号码”两列"))
    rank_by_label = {str(label): value for value, label in Rank.choices}
    errors, created = [], 0
    try:
        with transaction.atomic():
            for i, row in enumerate(rows[1:], start=2):
                if not any(str(c).strip() for c in row):
                    continue
                values = {}
                for h, cell in zip(header, row, strict=False):
                    if not h:
                        continue
                    f = IMPORT_COLUMNS[h]
                    if f in ("work_started_on", "joined_party_on", "rank_since"):
                        try:
                            values[f] = _cell_date(cell)
                        except ValueError:
                            errors.append({"row": i, "field": f, "code": "bad_date", "message": _("第%(row)s行“%(column)s”不是日期") % {"row": i, "column": h}})
                    elif f == "rank":
                        label = clean_text(cell)
                        values[f] = rank_by_label.get(label, label or Rank.STAFF)
                    else:
                        values[f] = str(cell).strip() if cell is not None else ""
                try:
                    with transaction.atomic():
                        create_cadre(actor=actor, org_id=org_id, **values)
                    created += 1
                except ServiceError as exc:
                    errors.extend({"row": i, "field": e.field, "code": e.code, "message": _("第%(row)s行：%(message)s") % {"row": i, "message": e.message}} for e in exc.errors)
            if errors:
                raise _Rollback()
    except _Rollback:
        return {"created": 0, "errors": errors}
    return {"created": created, "errors": []}


class _Rollback(Exception):
    pass


# --- selections ---------------------------------------------------------------------------------------------------


@transaction.atomic
def start_selection(*, actor: Actor, post_id, title: str, on: dt.date, seats: int = 1, contested: bool = True, competitive: bool = False, org_id=None) -> Selection:
    """动议 opens a selection for a post; the kernel instance holds every step's record."""
    post = get_in_scope(Post.objects.select_related("unit__org"), actor, pk=post_id)
    org_id = org_id or post.unit.org_id
    if not 1 <= int(seats) <= 20:
        raise ServiceError.single("seats", "bad_value", _("拟选拔人数须在1到20之间"))
    instance = proc.start(actor=actor, kind=KIND, org_id=org_id, title=title, on=on, data={"notice_context": {"post": str(post), "appointee": ""}})
    sel = Selection.objects.create(org=instance.org, post=post, seats=int(seats), contested=bool(contested), competitive=bool(competitive), instance=instance)
    type(instance).objects.filter(pk=instance.pk).update(subject_type=sel._meta.label_lower, subject_id=str(sel.pk))
    audit.record(actor, "cadres.selection.start", sel, data={"post": str(post), "seats": sel.seats, "contested": sel.contested})
    return sel


def _writable_selection(actor: Actor, selection_id) -> Selection:
    return get_in_scope(Selection.objects.select_related("org", "post__unit", "instance"), actor, write=True, pk=selection_id)


DEFAULT_GROUPS = ({"name": "领导班子成员", "weight": "0.4"}, {"name": "中层干部", "weight": "0.3"}, {"name": "其他干部群众代表", "weight": "0.3"})


@transaction.atomic
def start_recommendation(*, actor: Actor, selection_id, cadre_ids: list[int], mode: str = "meeting", groups=None, max_choices: int | None = None):
    """A recommendation ballot (会议推荐 or 谈话推荐) on the kernel's ballot engine, owned by the selection."""
    sel = _writable_selection(actor, selection_id)
    if mode not in ("meeting", "talk"):
        raise ServiceError.single("mode", "bad_value", _("推荐方式应为会议推荐或谈话推荐"))
    cadres = list(scope(Cadre.objects.filter(pk__in=cadre_ids), actor))
    if len(cadres) != len(set(cadre_ids)) or not cadres:
        raise ServiceError.single("cadre_ids", "bad_value", _("推荐人选不存在或不在管理范围内"))
    cadres.sort(key=lambda c: cadre_ids.index(c.pk))
    label = "会议推荐" if mode == "meeting" else "谈话推荐"
    b = ballots.create_ballot(
        actor=actor, org=sel.org, title=f"{sel.post}{label}", purpose=f"cadres.{mode}_recommendation", owner=sel,
        questions=[{"kind": "choose", "text": f"推荐{sel.post}人选（限选{max_choices or sel.seats}人）", "max_choices": max_choices or sel.seats,
                    "options": [{"label": c.name, "subject_type": "cadres.cadre", "subject_id": str(c.pk)} for c in cadres]}],
        groups=list(groups or DEFAULT_GROUPS),
    )
    for c in cadres:
        SelectionCandidate.objects.get_or_create(selection=sel, cadre=c, defaults={"stage": CandidateStage.RECOMMENDED})
    audit.record(actor, "cadres.selection.recommendation", sel, data={"ballot": b.pk, "mode": mode, "candidates": [c.pk for c in cadres]})
    return b


def complete_step(*, actor: Actor, selection_id, step: str, done_on: dt.date, data: dict | None = None, comment: str = "", documents: dict | None = None, responsible: str = ""):
    sel = get_in_scope(Selection.objects.all(), actor, pk=selection_id)
    return proc.complete_step(actor=actor, instance_id=sel.instance_id, step=step, done_on=done_on, data=data or {}, comment=comment, documents=documents, responsible=responsible)


def appoint_from_selection(*, ctx, record) -> None:
    """Hook of the 任职 step: the decided appointee takes the post (probation by the rule data of the selection's version)."""
    sel = Selection.objects.select_related("post").get(instance=ctx.instance)
    if sel.appointee_id is None:
        raise ServiceError.single("appointee", "required", _("尚未作出任用决定"))
    a = appoint(actor=ctx.actor, cadre_id=sel.appointee_id, post_id=sel.post_id, on=ctx.done_on, document=ctx.data.get("document", ""), decided_by=sel.org.name,
                reason=sel.instance.title, competitive=sel.competitive, selection=sel)
    record.data = {**record.data, "appointment": a.pk, "probation_until": a.probation_until.isoformat() if a.probation_until else None}
    record.save(update_fields=["data"])


@transaction.atomic
def flag_selection(*, actor: Actor, selection_id, text: str) -> SelectionFlag:
    """The department marks a problem on a selection in flight (any reader in scope with a department role)."""
    sel = get_in_scope(Selection.objects.select_related("org"), actor, pk=selection_id)
    if not actor.has_role("sysadmin", "dept_admin"):
        raise PermissionDenied()
    text = clean_text(text)
    if not text:
        raise ServiceError.single("text", "required", _("请填写发现的问题"))
    f = SelectionFlag.objects.create(selection=sel, text=text[:500], raised_by=actor.label)
    audit.record(actor, "cadres.selection.flag", f, data={"text": f.text})
    return f


@transaction.atomic
def answer_flag(*, actor: Actor, flag_id, answer: str) -> SelectionFlag:
    f = get_in_scope(SelectionFlag.objects.select_related("selection__org"), actor, write=True, pk=flag_id)
    answer = clean_text(answer)
    if not answer:
        raise ServiceError.single("answer", "required", _("请填写整改说明"))
    if f.closed_at:
        raise ServiceError.single("flag", "bad_status", _("该问题已关闭"))
    f.answer, f.closed_at = answer[:500], timezone.now()
    f.save(update_fields=["answer", "closed_at"])
    audit.record(actor, "cadres.selection.flag_answered", f, data={"answer": f.answer})
    return f


def archive_selection(*, actor: Actor, selection_id, on: dt.date | None = None):
    sel = get_in_scope(Selection.objects.all(), actor, write=True, pk=selection_id)
    return proc.archive(actor=actor, instance_id=sel.instance_id, on=on)


# --- personal matters reports ---------------------------------------------------------------------------------------


PERSONAL_MATTERS, TALKS = "personal_matters", "talks"


def may_read_reports(actor: Actor, purpose: str = PERSONAL_MATTERS) -> bool:
    if actor is None or actor.user is None:
        return False
    return ReportReader.objects.filter(user_id=actor.user_id, revoked_at__isnull=True, purpose=purpose).exists()


def reader_paths(actor: Actor, purpose: str = PERSONAL_MATTERS) -> list[str]:
    if actor is None or actor.user is None:
        return []
    return list(ReportReader.objects.filter(user_id=actor.user_id, revoked_at__isnull=True, purpose=purpose).values_list("org__path", flat=True))


def _reader_scope(qs, actor: Actor, purpose: str = PERSONAL_MATTERS):
    from django.db.models import Q

    from orgwork.core.fields import subtree_q

    paths = reader_paths(actor, purpose)
    if not paths:
        raise NotFound()
    cond = Q(pk__in=[])
    for p in paths:
        cond |= subtree_q(p, qs.model.SCOPE_PATH)
    return qs.filter(cond)


@transaction.atomic
def designate_reader(*, actor: Actor, user, org_id, purpose: str = PERSONAL_MATTERS) -> ReportReader:
    """Only a department admin designates who reads personal matters reports (or talk records) in a subtree."""
    org = writable_org(actor, org_id)
    if not actor.has_role("sysadmin", "dept_admin"):
        raise PermissionDenied()
    if purpose not in (PERSONAL_MATTERS, TALKS):
        raise ServiceError.single("purpose", "bad_value", _("查阅范围不正确"))
    r = ReportReader.objects.create(user=user, org=org, granted_by=actor.label, purpose=purpose)
    audit.record(actor, "cadres.report_reader.grant", r, data={"user": user.get_username(), "purpose": purpose})
    return r


REPORT_SECTIONS = (
    ("marriage", gettext_lazy("本人婚姻情况")),
    ("passports", gettext_lazy("本人持有普通护照及出入境情况")),
    ("children_abroad", gettext_lazy("子女与外国人、无国籍人通婚或移居国（境）外情况")),
    ("family_jobs", gettext_lazy("配偶、子女及其配偶从业情况")),
    ("family_cases", gettext_lazy("配偶、子女及其配偶被司法机关追究刑事责任情况")),
    ("income", gettext_lazy("本人工资及各类奖金、津贴、补贴等")),
    ("housing", gettext_lazy("本人、配偶、共同生活的子女房产情况")),
    ("investments", gettext_lazy("本人、配偶、共同生活的子女投资股票、基金、投资型保险等情况")),
    ("businesses", gettext_lazy("配偶、子女及其配偶经商办企业情况")),
)


@transaction.atomic
def submit_report(*, actor: Actor, cadre_id, kind: str, year: int, submitted_on: dt.date, items: dict, change_on: dt.date | None = None) -> PersonalReport:
    """Record a personal matters report; `items` ({section: text or list}) is sealed before it touches the database."""
    cadre = get_in_scope(Cadre.objects.select_related("org"), actor, write=True, pk=cadre_id)
    if kind not in ReportKind.values:
        raise ServiceError.single("kind", "bad_value", _("报告类型不正确"))
    if kind == ReportKind.CHANGE and change_on is None:
        raise ServiceError.single("change_on", "required", _("事项变化报告须填写变化日期"))
    known = {k for k, _label in REPORT_SECTIONS}
    if not isinstance(items, dict) or set(items) - known:
        raise ServiceError.single("items", "bad_value", _("报告事项不正确"))
    r = PersonalReport.objects.create(
        cadre=cadre, kind=kind, year=int(year), submitted_on=submitted_on, change_on=change_on, sealed_items=crypto.seal(items), key_id=crypto.key_id(), recorded_by=actor.label
    )
    audit.record(actor, "cadres.personal_report.submit", r, data={"kind": kind, "year": r.year})  # never the items
    return r


def read_report(*, actor: Actor, report_id) -> dict:
    """The report's items, for a designated reader only; every read is an audit event."""
    with transaction.atomic():
        r = _reader_scope(PersonalReport.objects.select_related("cadre__org"), actor).filter(pk=report_id).first()
        if r is None:
            raise NotFound()
        audit.record(actor, "cadres.personal_report.read", r, data={"cadre": r.cadre_id})
    checks = [
        {"reason": c.get_reason_display(), "result": c.get_result_display() if c.result else "", "handling": crypto.unseal(c.handling_sealed) if c.handling_sealed else "", "checked_on": c.checked_on}
        for c in r.checks.order_by("drawn_on", "id")
    ]
    return {"report": r, "items": crypto.unseal(r.sealed_items), "checks": checks}


@transaction.atomic
def draw_spot_checks(*, actor: Actor, year: int, on: dt.date, seed: int | None = None) -> list[ReportCheck]:
    """Random spot check of this year's annual reports: the share is rule data (rounded up, at least one)."""
    import math

    if not may_read_reports(actor):
        raise NotFound()
    rs = report_rules(on)
    reports = list(_reader_scope(PersonalReport.objects.filter(year=year, kind=ReportKind.ANNUAL), actor).order_by("pk"))
    if not reports:
        return []
    n = max(1, math.ceil(len(reports) * share(rs["spot_check_share"])))
    rng = random.SystemRandom() if seed is None else random.Random(seed)
    chosen = rng.sample(reports, min(n, len(reports)))
    checks = [ReportCheck.objects.create(report=r, reason="spot", drawn_on=on) for r in chosen]
    for c in checks:
        audit.record(actor, "cadres.personal_report.spot_check", c.report, data={"year": year, "share": rs["spot_check_share"], "rule_version": rs.version})
    return checks


@transaction.atomic
def record_check(*, actor: Actor, check_id, result: str, handling: str, on: dt.date) -> ReportCheck:
    c = _reader_scope(ReportCheck.objects.select_related("report__cadre__org"), actor).filter(pk=check_id).first()
    if c is None:
        raise NotFound()
    if result not in report_rules(on)["results"]:
        raise ServiceError.single("result", "bad_value", _("核查结果应为如实报告、漏报或瞒报"))
    c.result, c.checked_on, c.checked_by = result, on, actor.label
    c.handling_sealed = crypto.seal(clean_text(handling)[:2000])
    c.save(update_fields=["result", "checked_on", "checked_by", "handling_sealed"])
    audit.record(actor, "cadres.personal_report.check", c.report, data={"check": c.pk, "result": result})
    return c


def retire(*, actor: Actor, cadre_id, on: dt.date) -> Cadre:
    with transaction.atomic():
        cadre = get_in_scope(Cadre.objects.select_related("org"), actor, write=True, pk=cadre_id)
        cadre.status = CadreStatus.RETIRED
        cadre.save(update_fields=["status"])
        audit.record(actor, "cadres.cadre.retire", cadre, data={"on": on})
    return cadre


def reader_reports(actor: Actor):
    """Reports a designated reader may open (listing shows who and when, never the items)."""
    return _reader_scope(PersonalReport.objects.select_related("cadre__org"), actor).order_by("-submitted_on", "-id")


def reader_checks(actor: Actor):
    return _reader_scope(ReportCheck.objects.select_related("report__cadre"), actor).order_by("-drawn_on", "-id")


# --- reserve cadres (on the kernel's scoring engine) ----------------------------------------------------------------


def _reserve_set(actor: Actor, on: dt.date):
    from orgwork.core import scoring  # noqa: F401
    from orgwork.core.scoring import services as scoring_services

    from .rules import reserve_rules, reserve_set_spec

    rs = reserve_rules(on)
    with transaction.atomic():
        scoring_services.install(actor=Actor.system_actor("cadres.reserves"), spec=reserve_set_spec(rs))
    return rs


@transaction.atomic
def add_reserve(*, actor: Actor, cadre_id, on: dt.date, target: str = "", org_id=None):
    from .models import ReserveCadre

    cadre = get_in_scope(Cadre.objects.select_related("org"), actor, write=True, pk=cadre_id)
    org = writable_org(actor, org_id or cadre.org_id)
    if ReserveCadre.objects.filter(cadre=cadre, removed_on__isnull=True).exists():
        raise ServiceError.single("cadre", "duplicate_existing", _("%(name)s已在后备干部库中") % {"name": cadre.name})
    r = ReserveCadre.objects.create(cadre=cadre, org=org, added_on=on, target=clean_text(target)[:120])
    audit.record(actor, "cadres.reserve.add", r, data={"cadre": cadre.name, "target": r.target})
    return r


def score_reserve(*, actor: Actor, reserve_id, year: int, scores: dict, on: dt.date) -> list:
    """One year's 德能勤绩廉学 scores of a reserve cadre, as reviewer entries on the scoring engine (each dimension
    capped by its points in the rule data; another department user approves them)."""
    from orgwork.core.scoring import services as scoring_services

    from .models import ReserveCadre

    r = get_in_scope(ReserveCadre.objects.select_related("cadre__org"), actor, write=True, pk=reserve_id)
    if r.removed_on:
        raise ServiceError.single("reserve", "bad_status", _("已出库的后备干部不再评分"))
    rs = _reserve_set(actor, on)
    dims = {code for code, *_rest in rs["dimensions"]}
    if set(scores) - dims:
        raise ServiceError.single("scores", "bad_value", _("评分项目应为德、能、勤、绩、廉、学"))
    day = min(on, dt.date(int(year), 12, 31))
    with transaction.atomic():
        return [scoring_services.submit(actor=actor, set_code="cadres.reserve", indicator_code=code, subject=r.cadre, occurred_on=day, points=points, note=_("%(year)s年度") % {"year": year}) for code, points in scores.items()]


def review_reserves(*, actor: Actor, year: int, on: dt.date) -> list:
    """Removes reserves whose yearly total stayed below the threshold for `low_years` years in a row (rule data)."""
    from orgwork.core.scoring.selectors import totals_for

    from .models import ReserveCadre
    from .rules import reserve_rules

    rs = reserve_rules(on)
    removed = []
    with transaction.atomic():
        for r in scope(ReserveCadre.objects.select_related("cadre", "org"), actor, write=True).filter(removed_on__isnull=True):
            years = [int(year) - i for i in range(rs["low_years"])]
            scored = {b: t.total for b, t in totals_for("cadres.reserve", r.cadre).items()}
            # a year counts as low only when it was scored (an unscored year is neither low nor high)
            if all(f"Y{y}" in scored and scored[f"Y{y}"] < rs["low_total"] for y in years):
                r.removed_on = on
                r.removal_reason = _("%(years)s年度评分连续低于%(low_total)s分") % {"years": "、".join(map(str, sorted(years))), "low_total": rs["low_total"]}
                r.save(update_fields=["removed_on", "removal_reason"])
                audit.record(actor, "cadres.reserve.remove", r, data={"reason": r.removal_reason, "rule_version": rs.version})
                removed.append(r)
    return removed


# --- competitive selection (竞争上岗 / 公开选拔) ------------------------------------------------------------------------


@transaction.atomic
def start_competition(
    *, actor: Actor, post_id, title: str, on: dt.date, apply_from: dt.date, apply_until: dt.date, kind: str = "internal", seats: int = 1,
    max_age: int | None = None, min_education: str = "", exam_weight: str = "", interview_weight: str = "", org_id=None,
):
    """Opens a post for competition; conditions default to the eligibility rule data of the day (the announcement
    may set a lower age limit, a higher education floor and its own weights)."""
    from .models import Competition, CompetitionKind
    from .rules import COMPETITION_KIND, EDUCATION_LABELS, eligibility_rules

    post = get_in_scope(Post.objects.select_related("unit__org"), actor, pk=post_id)
    rs = eligibility_rules(on)
    errors = []
    if kind not in CompetitionKind.values:
        errors.append(FieldError("kind", "bad_value", _("方式应为竞争上岗或公开选拔")))
    if not 1 <= int(seats) <= 20:
        errors.append(FieldError("seats", "bad_value", _("选拔人数须在1到20之间")))
    if apply_from is None or apply_until is None or apply_until < apply_from:
        errors.append(FieldError("apply_until", "date_order", _("报名截止日期不能早于报名开始日期")))
    elif apply_from < on:
        errors.append(FieldError("apply_from", "date_order", _("报名开始日期不能早于发布日期")))
    if max_age is not None and not 18 <= int(max_age) <= 70:
        errors.append(FieldError("max_age", "bad_value", _("年龄上限须在18到70岁之间")))
    if min_education and min_education not in EDUCATION_LABELS:
        errors.append(FieldError("min_education", "bad_value", _("最低学历不正确")))
    weights = (exam_weight or rs["exam_weight"], interview_weight or rs["interview_weight"])
    try:
        if share(weights[0]) + share(weights[1]) != 1:
            errors.append(FieldError("interview_weight", "bad_value", _("笔试与面试权重之和应为1")))
    except (ValueError, ZeroDivisionError):
        errors.append(FieldError("exam_weight", "bad_value", _("权重应写作分数或小数，如2/5")))
    if errors:
        raise ServiceError(errors)
    instance = proc.start(actor=actor, kind=COMPETITION_KIND, org_id=org_id or post.unit.org_id, title=title, on=on, data={"notice_context": {"post": str(post), "appointee": ""}})
    comp = Competition.objects.create(
        org=instance.org, post=post, kind=kind, seats=int(seats), instance=instance, apply_from=apply_from, apply_until=apply_until, max_age=max_age,
        min_education=min_education, exam_weight=str(weights[0]), interview_weight=str(weights[1]), rule_version=rs.version,
    )
    type(instance).objects.filter(pk=instance.pk).update(subject_type=comp._meta.label_lower, subject_id=str(comp.pk))
    audit.record(actor, "cadres.competition.start", comp, data={"post": str(post), "seats": comp.seats, "kind": kind, "rule_version": rs.version})
    return comp


def check_eligibility(*, competition, cadre) -> list[FieldError]:
    """The eligibility conditions of the competition for one cadre, counted at the application deadline."""
    from .models import Talk, TalkKind
    from .rules import eligibility_rules, oversight_rules

    on = competition.apply_until
    rs = eligibility_rules(on)
    errors = eligibility_errors(rs, cadre=cadre, post=competition.post, on=on, max_age=competition.max_age, min_education=competition.min_education)
    months = oversight_rules(on)["admonition_no_promotion_months"]
    last = Talk.objects.filter(cadre=cadre, kind=TalkKind.ADMONITION, on__lte=on).order_by("-on").values_list("on", flat=True).first()
    if last and add_months(last, months) > on and RANK_ORDER[competition.post.rank] > RANK_ORDER[cadre.rank]:
        errors.append(FieldError("cadre", "not_eligible_admonition", _("%(name)s于%(year)s年%(month)02d月%(day)02d日受到诫勉，%(months)s个月内不得提拔（《关于对党员领导干部进行诫勉的规定》）") % {
            "name": cadre.name, "year": last.year, "month": last.month, "day": last.day, "months": months}))
    return errors


def _apply(actor: Actor, comp, cadre: Cadre, *, on: dt.date, statement: str, channel: str):
    from .models import Application

    if comp.instance.step != "qualification" or comp.instance.status != "active":
        raise ServiceError.single("competition", "applications_closed", _("该职位未在报名阶段（公告发布后、资格审查完成前才能报名）"))
    if on is None or not comp.apply_from <= on <= comp.apply_until:
        raise ServiceError.single("applied_on", "applications_closed", _("报名时间为%(start)s至%(end)s") % {"start": format(comp.apply_from, "%Y-%m-%d"), "end": format(comp.apply_until, "%Y-%m-%d")})
    if Application.objects.filter(competition=comp, cadre=cadre).exists():
        raise ServiceError.single("cadre", "duplicate_existing", _("%(name)s已报名") % {"name": cadre.name})
    errors = check_eligibility(competition=comp, cadre=cadre)
    if errors:
        raise ServiceError(errors)
    app = Application.objects.create(competition=comp, cadre=cadre, applied_on=on, channel=channel, statement=clean_text(statement)[:2000], recorded_by=actor.label)
    audit.record(actor, "cadres.competition.apply", comp, data={"cadre": cadre.name, "channel": channel})
    return app


@transaction.atomic
def apply_for_competition(*, actor: Actor, competition_id, cadre_id, on: dt.date, statement: str = ""):
    """Staff enter an application (paper form): the same eligibility checks as online."""
    from .models import Competition

    comp = get_in_scope(Competition.objects.select_for_update().select_related("post__unit", "instance", "org"), actor, write=True, pk=competition_id)
    cadre = get_in_scope(Cadre.objects.all(), actor, pk=cadre_id)
    return _apply(actor, comp, cadre, on=on, statement=statement, channel="staff")


def own_cadre(actor: Actor) -> Cadre | None:
    """The cadre record of the signed-in person (through their member record), if any."""
    if actor is None or actor.user is None:
        return None
    return Cadre.objects.select_related("org").filter(member__user_id=actor.user_id, status=CadreStatus.SERVING).first()


@transaction.atomic
def apply_online(*, actor: Actor, competition_id, on: dt.date | None = None, statement: str = ""):
    """A cadre signed in applies for an open post; refused with the condition's code when not eligible."""
    from .models import Competition

    cadre = own_cadre(actor)
    if cadre is None:
        raise ServiceError.single("cadre", "not_a_cadre", _("您的账号没有关联干部名册中的在职干部，请联系组织部门"))
    comp = Competition.objects.select_for_update().select_related("post__unit", "instance", "org").filter(pk=competition_id).first()
    if comp is None:
        raise NotFound()
    return _apply(actor, comp, cadre, on=on or dt.date.today(), statement=statement, channel="online")


@transaction.atomic
def record_scores(*, actor: Actor, competition_id, kind: str, scores: dict, absent=()) -> int:
    """Exam or interview scores ({application id: score}); `absent` marks those who did not sit. Returns how many were set."""
    from decimal import Decimal, InvalidOperation

    from .models import Application, Competition
    from .rules import eligibility_rules

    comp = get_in_scope(Competition.objects.select_for_update().select_related("instance", "org"), actor, write=True, pk=competition_id)
    if kind not in ("exam", "interview"):
        raise ServiceError.single("kind", "bad_value", _("成绩类别应为笔试或面试"))
    if comp.instance.step not in (kind, "interview") or comp.instance.status != "active":
        raise ServiceError.single("kind", "bad_status", _("当前不在录入该项成绩的环节"))
    top = eligibility_rules(comp.apply_until)["score_max"]
    apps = {a.pk: a for a in Application.objects.filter(competition=comp, withdrawn_on__isnull=True).select_related("cadre")}
    errors, n = [], 0
    for raw_id, raw in scores.items():
        a = apps.get(int(raw_id))
        if a is None:
            errors.append(FieldError("scores", "bad_value", _("成绩对应的报名人不存在")))
            continue
        try:
            value = Decimal(str(raw)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            errors.append(FieldError("scores", "bad_value", _("%(name)s的成绩不是数字") % {"name": a.cadre.name}))
            continue
        if not 0 <= value <= top:
            errors.append(FieldError("scores", "out_of_range", _("%(name)s的成绩应在0到%(top)s分之间") % {"name": a.cadre.name, "top": top}))
            continue
        setattr(a, f"{kind}_score", value)
        a.save(update_fields=[f"{kind}_score"])
        n += 1
    for raw_id in absent:
        a = apps.get(int(raw_id))
        if a is not None:
            a.absent = True
            a.save(update_fields=["absent"])
    if errors:
        raise ServiceError(errors)
    audit.record(actor, f"cadres.competition.scores.{kind}", comp, data={"count": n, "absent": len(list(absent))})
    return n


def rank_competition(*, competition) -> list:
    """综合成绩 and 名次 of every scored application (the hook of the interview step, inside its transaction)."""
    from .rules import overall_score

    rows = []
    for a in competition.applications.filter(withdrawn_on__isnull=True).select_related("cadre"):
        a.total = None if a.absent else overall_score(a.exam_score, a.interview_score, exam_weight=competition.exam_weight, interview_weight=competition.interview_weight)
        a.rank = None
        rows.append(a)
    scored = sorted((a for a in rows if a.total is not None), key=lambda a: (-a.total, -(a.interview_score or 0), a.cadre.name))
    for i, a in enumerate(scored, start=1):
        a.rank = i
    for a in rows:
        a.save(update_fields=["total", "rank"])
    return scored


def complete_competition_step(*, actor: Actor, competition_id, step: str, done_on: dt.date, data: dict | None = None, comment: str = "", documents: dict | None = None):
    from .models import Competition

    comp = get_in_scope(Competition.objects.all(), actor, pk=competition_id)
    return proc.complete_step(actor=actor, instance_id=comp.instance_id, step=step, done_on=done_on, data=data or {}, comment=comment, documents=documents)


def appoint_from_competition(*, ctx, record) -> None:
    """Hook of the 任职 step: each decided applicant takes the post; the appointment links to the competition
    (counted as competitive in the share report)."""
    from .models import Competition

    comp = Competition.objects.select_related("post", "org").get(instance=ctx.instance)
    done = []
    for a in comp.applications.filter(chosen=True).order_by("rank"):
        appt = appoint(actor=ctx.actor, cadre_id=a.cadre_id, post_id=comp.post_id, on=ctx.done_on, document=ctx.data.get("document", ""), decided_by=comp.org.name,
                       reason=comp.instance.title, competitive=True, competition=comp)
        done.append(appt.pk)
    if not done:
        raise ServiceError.single("appointees", "required", _("尚未作出任用决定"))
    record.data = {**record.data, "appointments": done}
    record.save(update_fields=["data"])


# --- daily oversight: talks (restricted), problems, key moments, inspection tours, side jobs ----------------------------


def _talk_cadre(actor: Actor, cadre_id) -> Cadre:
    """Talk records are kept by staff designated for them (in the cadre's subtree) who may also write there."""
    if not may_read_reports(actor, TALKS):
        raise NotFound()
    cadre = _reader_scope(Cadre.objects.select_related("org"), actor, TALKS).filter(pk=cadre_id).first()
    if cadre is None:
        raise NotFound()
    return get_in_scope(Cadre.objects.select_related("org"), actor, write=True, pk=cadre.pk)


@transaction.atomic
def record_talk(
    *, actor: Actor, cadre_id, kind: str, on: dt.date, talker: str, record: str, occasion: str = "", moment_id=None, today: dt.date | None = None,
):
    """A talk (谈心、廉政、提醒) or a written inquiry (函询: the written answer is due in 15 working days, rule data) or an
    admonition (诫勉). The record is sealed; the audit keeps who/when/kind only. An integrity talk closes the
    cadre's open 'newly promoted' moment."""
    from orgwork.core import calendar as workcal

    from .models import KeyMoment, MomentKind, Talk, TalkKind
    from .rules import oversight_rules

    cadre = _talk_cadre(actor, cadre_id)
    today = today or dt.date.today()
    errors = []
    if kind not in TalkKind.values:
        errors.append(FieldError("kind", "bad_value", _("谈话类别不正确")))
    if on is None or on > today:
        errors.append(FieldError("on", "bad_date", _("谈话日期不能为空或晚于今天")))
    talker = _text(errors, talker, "talker", _("谈话人"), 100)
    record = _text(errors, record, "record", _("谈话内容"), 4000)
    occasion = _text(errors, occasion, "occasion", _("谈话事由"), 100, required=False)
    if errors:
        raise ServiceError(errors)
    rs = oversight_rules(on)
    reply_due = None
    if kind == TalkKind.INQUIRY:
        try:
            reply_due = workcal.nth_workday_from(on, rs["inquiry_reply_working_days"])
        except workcal.UnknownCalendarYear as exc:
            raise ServiceError(list(exc.errors)) from None
    moment = None
    if moment_id:
        moment = get_in_scope(KeyMoment.objects.all(), actor, write=True, pk=moment_id)
    elif kind == TalkKind.INTEGRITY:
        moment = KeyMoment.objects.filter(cadre=cadre, kind=MomentKind.PROMOTED, done_on__isnull=True, on__lte=on).order_by("on").first()
    t = Talk.objects.create(
        cadre=cadre, kind=kind, on=on, talker=talker, occasion=occasion, sealed_record=crypto.seal({"record": record}), key_id=crypto.key_id(),
        reply_due=reply_due, moment=moment, recorded_by=actor.label,
    )
    if moment is not None and moment.done_on is None and moment.kind == MomentKind.PROMOTED:
        moment.done_on, moment.note = on, _("已于%(date)s进行廉政谈话") % {"date": format(on, "%Y-%m-%d")}
        moment.save(update_fields=["done_on", "note"])
    audit.record(actor, "cadres.talk.record", t, data={"kind": kind, "on": on, "reply_due": reply_due, "rule_version": rs.version})  # never the content
    return t


@transaction.atomic
def record_reply(*, actor: Actor, talk_id, on: dt.date, text: str):
    """The cadre's written answer to an inquiry (函询说明材料), sealed with the record."""
    from .models import Talk, TalkKind

    t = _reader_scope(Talk.objects.select_for_update().select_related("cadre__org"), actor, TALKS).filter(pk=talk_id).first()
    if t is None:
        raise NotFound()
    if t.kind != TalkKind.INQUIRY:
        raise ServiceError.single("talk", "bad_status", _("只有函询需要提交说明材料"))
    if t.replied_on:
        raise ServiceError.single("talk", "bad_status", _("说明材料已提交"))
    errors = []
    text = _text(errors, text, "text", _("说明材料"), 4000)
    if on is None or on < t.on:
        errors.append(FieldError("on", "date_order", _("提交日期不能早于发函日期")))
    if errors:
        raise ServiceError(errors)
    content = crypto.unseal(t.sealed_record)
    t.sealed_record, t.key_id, t.replied_on = crypto.seal({**content, "reply": text}), crypto.key_id(), on
    t.save(update_fields=["sealed_record", "key_id", "replied_on"])
    audit.record(actor, "cadres.talk.reply", t, data={"on": on, "late": bool(t.reply_due and on > t.reply_due)})
    return t


def read_talk(*, actor: Actor, talk_id) -> dict:
    """A talk record decrypted for a designated reader, with its problems and follow-ups; every read is audited."""
    from .models import Talk

    with transaction.atomic():
        t = _reader_scope(Talk.objects.select_related("cadre__org"), actor, TALKS).filter(pk=talk_id).first()
        if t is None:
            raise NotFound()
        audit.record(actor, "cadres.talk.read", t, data={"cadre": t.cadre_id})
    problems = []
    for p in t.problems.order_by("id"):
        problems.append({"problem": p, "text": crypto.unseal(p.sealed_text), "follow_ups": [(f.on, crypto.unseal(f.sealed_text), f.recorded_by) for f in p.follow_ups.all()]})
    return {"talk": t, **crypto.unseal(t.sealed_record), "problems": problems}


@transaction.atomic
def add_problem(*, actor: Actor, cadre_id, text: str, due_on: dt.date | None = None, talk_id=None, on: dt.date | None = None):
    from .models import Talk, TalkProblem
    from .rules import oversight_rules

    cadre = _talk_cadre(actor, cadre_id)
    talk = None
    if talk_id:
        talk = Talk.objects.filter(pk=talk_id, cadre=cadre).first()
        if talk is None:
            raise ServiceError.single("talk", "bad_value", _("谈话记录不属于该干部"))
    errors = []
    text = _text(errors, text, "text", _("问题"), 2000)
    if errors:
        raise ServiceError(errors)
    on = on or dt.date.today()
    due_on = due_on or on + dt.timedelta(days=oversight_rules(on)["problem_follow_days"])
    p = TalkProblem.objects.create(cadre=cadre, talk=talk, sealed_text=crypto.seal(text), key_id=crypto.key_id(), due_on=due_on, recorded_by=actor.label)
    audit.record(actor, "cadres.problem.add", p, data={"due_on": due_on, "talk": talk.pk if talk else None})
    return p


@transaction.atomic
def follow_up(*, actor: Actor, problem_id, on: dt.date, text: str, close: bool = False, next_due: dt.date | None = None):
    """A follow-up of a problem; `close` ends it (办结), else `next_due` moves the next check."""
    from .models import ProblemFollowUp, TalkProblem

    p = _reader_scope(TalkProblem.objects.select_for_update().select_related("cadre__org"), actor, TALKS).filter(pk=problem_id).first()
    if p is None:
        raise NotFound()
    get_in_scope(Cadre.objects.all(), actor, write=True, pk=p.cadre_id)
    if p.closed_on:
        raise ServiceError.single("problem", "bad_status", _("该问题已办结"))
    errors = []
    text = _text(errors, text, "text", _("跟踪情况"), 2000)
    if on is None:
        errors.append(FieldError("on", "required", _("请填写跟踪日期")))
    if next_due is not None and on is not None and next_due <= on:
        errors.append(FieldError("next_due", "date_order", _("下次跟踪日期应晚于本次")))
    if errors:
        raise ServiceError(errors)
    f = ProblemFollowUp.objects.create(problem=p, on=on, sealed_text=crypto.seal(text), key_id=crypto.key_id(), recorded_by=actor.label)
    if close:
        p.closed_on = on
    elif next_due:
        p.due_on = next_due
    p.save(update_fields=["closed_on", "due_on"])
    audit.record(actor, "cadres.problem.follow_up", p, data={"on": on, "closed": bool(close), "due_on": p.due_on})
    return f


def _promoted_moment(actor: Actor, cadre: Cadre, post: Post, appointment: Appointment, today: dt.date | None) -> None:
    """A new promotion (recorded at the time, not a historic entry) opens a 'newly promoted' moment: a 廉政谈话 is due."""
    from .models import KeyMoment, MomentKind
    from .rules import oversight_rules

    today = today or dt.date.today()
    try:
        rs = oversight_rules(appointment.on)
    except UnknownRule:
        return
    if (today - appointment.on).days > rs["promoted_talk_days"]:
        return
    KeyMoment.objects.create(
        org=cadre.org, kind=MomentKind.PROMOTED, cadre=cadre, appointment=appointment, on=appointment.on,
        title=_("%(name)s新提任%(post)s，应进行廉政谈话") % {"name": cadre.name, "post": post}, recorded_by=actor.label,
    )


@transaction.atomic
def plan_leaving(*, actor: Actor, cadre_id, on: dt.date, reason: str = ""):
    """离任: the cadre is about to leave office — handover and (for principal posts, rule data) the leaving-office audit."""
    from .models import KeyMoment, MomentKind
    from .rules import oversight_rules

    cadre = get_in_scope(Cadre.objects.select_related("org"), actor, write=True, pk=cadre_id)
    if on is None:
        raise ServiceError.single("on", "required", _("请填写离任日期"))
    if KeyMoment.objects.filter(cadre=cadre, kind=MomentKind.LEAVING, done_on__isnull=True).exists():
        raise ServiceError.single("cadre", "duplicate_existing", _("%(name)s已有待办结的离任事项") % {"name": cadre.name})
    rs = oversight_rules(on)
    held = Appointment.objects.filter(cadre=cadre, action=AppointmentAction.APPOINT, ended_on__isnull=True).select_related("post")
    audit_required = any(a.post.kind in rs["audit_post_kinds"] for a in held)
    posts = "、".join(str(a.post) for a in held) or _("现职")
    m = KeyMoment.objects.create(
        org=cadre.org, kind=MomentKind.LEAVING, cadre=cadre, on=on, title=_("%(name)s拟于%(year)s年%(month)02d月%(day)02d日离任（%(posts)s）") % {"name": cadre.name, "year": on.year, "month": on.month, "day": on.day, "posts": posts}, audit_required=audit_required,
        note=clean_text(reason)[:500], recorded_by=actor.label,
    )
    audit.record(actor, "cadres.moment.leaving", m, data={"on": on, "audit_required": audit_required, "rule_version": rs.version})
    return m


def _moment(actor: Actor, moment_id, kind: str | None = None):
    from .models import KeyMoment

    m = get_in_scope(KeyMoment.objects.select_for_update(of=("self",)).select_related("org", "cadre"), actor, write=True, pk=moment_id)
    if kind and m.kind != kind:
        raise ServiceError.single("moment", "bad_value", _("该事项不是离任事项"))
    if m.done_on:
        raise ServiceError.single("moment", "bad_status", _("该事项已办结"))
    return m


def _maybe_close_leaving(m) -> None:
    if m.handover_on and (m.audit_reference or not m.audit_required):
        m.done_on = max(m.handover_on, m.on)


@transaction.atomic
def record_handover(*, actor: Actor, moment_id, on: dt.date, note: str):
    m = _moment(actor, moment_id, "leaving")
    errors = []
    note = _text(errors, note, "note", _("交接情况"), 500)
    if on is None:
        errors.append(FieldError("on", "required", _("请填写交接日期")))
    if errors:
        raise ServiceError(errors)
    m.handover_on, m.handover_note = on, note
    _maybe_close_leaving(m)
    m.save(update_fields=["handover_on", "handover_note", "done_on"])
    audit.record(actor, "cadres.moment.handover", m, data={"on": on})
    return m


@transaction.atomic
def link_audit(*, actor: Actor, moment_id, reference: str):
    """Links the leaving-office economic responsibility audit (离任经济责任审计) report by number or address."""
    m = _moment(actor, moment_id, "leaving")
    errors = []
    reference = _text(errors, reference, "reference", _("离任审计报告"), 300)
    if errors:
        raise ServiceError(errors)
    m.audit_reference = reference
    _maybe_close_leaving(m)
    m.save(update_fields=["audit_reference", "done_on"])
    audit.record(actor, "cadres.moment.audit", m, data={"reference": reference})
    return m


@transaction.atomic
def add_holiday(*, actor: Actor, org_id, on: dt.date, title: str):
    """A holiday on which to remind cadres of integrity (节前廉洁提醒); reminded before it by the deadline job."""
    from .models import KeyMoment, MomentKind

    org = writable_org(actor, org_id)
    errors = []
    title = _text(errors, title, "title", _("节日名称"), 200)
    if on is None:
        errors.append(FieldError("on", "required", _("请填写节日日期")))
    if errors:
        raise ServiceError(errors)
    m = KeyMoment.objects.create(org=org, kind=MomentKind.HOLIDAY, on=on, title=title, recorded_by=actor.label)
    audit.record(actor, "cadres.moment.holiday", m, data={"on": on, "title": title})
    return m


@transaction.atomic
def close_moment(*, actor: Actor, moment_id, on: dt.date, note: str = ""):
    """Marks a moment done (the holiday reminder sent, the promotion talk held elsewhere). A leaving moment closes
    only through its handover and audit link."""
    m = _moment(actor, moment_id)
    if m.kind == "leaving":
        raise ServiceError.single("moment", "bad_status", _("离任事项在办理工作交接并关联离任审计后自动办结"))
    m.done_on, m.note = on, clean_text(note)[:500]
    m.save(update_fields=["done_on", "note"])
    audit.record(actor, "cadres.moment.close", m, data={"on": on})
    return m


@transaction.atomic
def start_inspection(*, actor: Actor, org_id, title: str, team: str, start_on: dt.date, end_on: dt.date | None = None, unit_id=None):
    from .models import Inspection
    from .rules import team_names

    org = writable_org(actor, org_id)
    unit = get_in_scope(Unit.objects.all(), actor, pk=unit_id) if unit_id else None
    errors = []
    title = _text(errors, title, "title", _("巡查名称"), 200)
    team = _text(errors, team, "team", _("巡查组成员"), 300)
    if team and len(set(team_names(team))) < 2:
        errors.append(FieldError("team", "bad_value", _("巡查组应由2名以上成员组成")))
    if start_on is None:
        errors.append(FieldError("start_on", "required", _("请填写开始日期")))
    elif end_on is not None and end_on < start_on:
        errors.append(FieldError("end_on", "date_order", _("结束日期不能早于开始日期")))
    if errors:
        raise ServiceError(errors)
    i = Inspection.objects.create(org=org, unit=unit, title=title, team=team, start_on=start_on, end_on=end_on, recorded_by=actor.label)
    audit.record(actor, "cadres.inspection.start", i, data={"title": title, "unit": unit.name if unit else ""})
    return i


@transaction.atomic
def add_finding(*, actor: Actor, inspection_id, text: str, owner_name: str, deadline: dt.date | None):
    from .models import Finding, Inspection

    i = get_in_scope(Inspection.objects.select_related("org"), actor, write=True, pk=inspection_id)
    errors = []
    text = _text(errors, text, "text", _("发现的问题"), 2000)
    owner_name = _text(errors, owner_name, "owner_name", _("整改责任人"), 60)
    if deadline is None:
        errors.append(FieldError("deadline", "required", _("请填写整改时限")))
    elif deadline < i.start_on:
        errors.append(FieldError("deadline", "date_order", _("整改时限不能早于巡查开始日期")))
    if errors:
        raise ServiceError(errors)
    f = Finding.objects.create(inspection=i, text=text, owner_name=owner_name, deadline=deadline, recorded_by=actor.label)
    audit.record(actor, "cadres.inspection.finding", i, data={"finding": f.pk, "owner": owner_name, "deadline": deadline})
    return f


@transaction.atomic
def send_findings(*, actor: Actor, inspection_id, on: dt.date) -> list:
    """Each finding not yet sent becomes a line of the rectification ledger (worklists 整改台账), with its owner and
    deadline; the finding keeps the ledger's number. Returns the findings sent."""
    from orgwork.worklists import services as worklists

    from .models import Finding, Inspection

    i = get_in_scope(Inspection.objects.select_related("org", "unit"), actor, write=True, pk=inspection_id)
    sent = []
    for f in Finding.objects.select_for_update().filter(inspection=i, issue_id__isnull=True).order_by("id"):
        issue = worklists.create_issue(
            actor=actor, org_id=i.org_id, year=i.start_on.year, source=(_("巡查：%(title)s") % {"title": i.title})[:120], description=f.text, owner_name=f.owner_name, deadline=f.deadline,
        )
        f.issue_id, f.sent_on = issue.pk, on
        f.save(update_fields=["issue_id", "sent_on"])
        sent.append(f)
    if not sent:
        raise ServiceError.single("findings", "required", _("没有待移交整改的问题"))
    audit.record(actor, "cadres.inspection.sent", i, data={"findings": [f.pk for f in sent], "issues": [f.issue_id for f in sent]})
    return sent


@transaction.atomic
def register_side_job(
    *, actor: Actor, cadre_id, organization: str, kind: str, role: str, started_on: dt.date, leadership: bool = False, paid: bool = False, approval: str = "",
):
    """Registers a side job (兼职); whether the rules allow it is computed from the rule data (flags) and shown."""
    from .models import SideJob, SideJobKind
    from .rules import side_job_flags, side_job_rules

    cadre = get_in_scope(Cadre.objects.select_related("org"), actor, write=True, pk=cadre_id)
    errors = []
    organization = _text(errors, organization, "organization", _("兼职单位"), 200)
    role = _text(errors, role, "role", _("兼任职务"), 80)
    approval = _text(errors, approval, "approval", _("审批文号"), 200, required=False)
    if kind not in SideJobKind.values:
        errors.append(FieldError("kind", "bad_value", _("单位类别不正确")))
    if started_on is None:
        errors.append(FieldError("started_on", "required", _("请填写兼职开始日期")))
    if errors:
        raise ServiceError(errors)
    job = SideJob.objects.create(
        cadre=cadre, organization=organization, kind=kind, role=role, leadership=bool(leadership), started_on=started_on, paid=bool(paid), approval=approval, recorded_by=actor.label,
    )
    rs = side_job_rules(started_on)
    flags = [code for code, _basis in side_job_flags(rs, job, cadre.status)]
    audit.record(actor, "cadres.side_job.register", job, data={"organization": organization, "kind": kind, "flags": flags, "rule_version": rs.version})
    return job


@transaction.atomic
def end_side_job(*, actor: Actor, job_id, on: dt.date, reason: str = ""):
    from .models import SideJob

    job = get_in_scope(SideJob.objects.select_related("cadre__org"), actor, write=True, pk=job_id)
    if job.ended_on:
        raise ServiceError.single("job", "bad_status", _("该兼职已结束"))
    if on is None or on < job.started_on:
        raise ServiceError.single("on", "date_order", _("结束日期不能早于开始日期"))
    job.ended_on = on
    job.save(update_fields=["ended_on"])
    audit.record(actor, "cadres.side_job.end", job, data={"on": on, "reason": clean_text(reason)[:300]})
    return job
