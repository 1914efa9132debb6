"""Every write of talents, selections, honours and model sites: validated, one transaction, an audit event."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from orgwork.core import audit, params
from orgwork.core import calendar as workcal
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, PermissionDenied, ServiceError
from orgwork.core.scope import get_in_scope
from orgwork.members.models import Member, Standing
from orgwork.training import selectors as training

from . import rules, selectors
from .models import (
    Conflict,
    Entry,
    EntryStatus,
    Honour,
    HonourStatus,
    Judge,
    ModelCheck,
    ModelKind,
    ModelSite,
    Score,
    Selection,
    StageRecord,
    Talent,
    TalentCategory,
)


def _text(errors, field, value, label, *, max_length, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.append(FieldError(field, "required", _("请填写%(label)s") % {"label": label}))
    elif len(value) > max_length:
        errors.append(FieldError(field, "too_long", _("%(label)s不能超过%(max_length)s字") % {"label": label, "max_length": max_length}))
    return value


def _member(actor, member_id, *, field="member", label=None) -> Member:
    label = _("党员") if label is None else label
    try:
        return get_in_scope(Member.objects.select_related("org"), actor, pk=params.to_id(member_id, field=field, label=label, required=True))
    except NotFound:
        raise ServiceError.single(field, "unknown_member", _("%(label)s不存在或不在您的管理范围内") % {"label": label}) from None


# --- talent pool --------------------------------------------------------------------------------------

FIELD_TYPES = ("text", "int", "date", "choice")


@transaction.atomic
def create_category(*, actor: Actor, org_id, name: str, fields: list[dict]) -> TalentCategory:
    org = params.writable_org(actor, org_id)
    errors: list[FieldError] = []
    name = _text(errors, "name", name, _("类别"), max_length=60)
    clean = []
    seen = set()
    for f in fields or []:
        key, label, typ = str(f.get("key", "")).strip(), str(f.get("label", "")).strip(), f.get("type", "text")
        if not key.isidentifier() or not label or typ not in FIELD_TYPES or key in seen:
            errors.append(FieldError("fields", "bad_value", _("信息项“%(value)s”不正确（须有英文键、中文名称和类型）") % {"value": label or key}))
            continue
        seen.add(key)
        clean.append({"key": key, "label": label[:30], "type": typ, **({"choices": [str(c)[:30] for c in f.get("choices", [])]} if typ == "choice" else {})})
    if errors:
        raise ServiceError(errors)
    cat = TalentCategory.objects.create(org=org, name=name, fields=clean)
    audit.record(actor, "awards.talent_category", cat, changes={"name": [None, name]}, data={"fields": clean})
    return cat


def _clean_data(category: TalentCategory, data: dict, errors: list) -> dict:
    out = {}
    for f in category.fields:
        raw = (data or {}).get(f["key"], "")
        raw = "" if raw is None else str(raw).strip()
        if not raw:
            continue
        if f["type"] == "int":
            if not raw.lstrip("-").isdigit():
                errors.append(FieldError(f["key"], "bad_value", _("%(label)s应为整数") % {"label": f['label']}))
                continue
            out[f["key"]] = int(raw)
        elif f["type"] == "date":
            try:
                out[f["key"]] = dt.date.fromisoformat(raw).isoformat()
            except ValueError:
                errors.append(FieldError(f["key"], "bad_date", _("%(label)s应为日期（如2024-05-01）") % {"label": f['label']}))
        elif f["type"] == "choice" and raw not in f.get("choices", []):
            errors.append(FieldError(f["key"], "bad_value", _("%(label)s只能是：%(join)s") % {"label": f['label'], "join": '、'.join(f.get('choices', []))}))
        else:
            out[f["key"]] = raw[:200]
    unknown = set(data or {}) - {f["key"] for f in category.fields}
    if unknown:
        errors.append(FieldError("data", "extra_column", _("类别“%(name)s”没有这些信息项：%(join)s") % {"name": category.name, "join": '、'.join(sorted(unknown))}))
    return out


@transaction.atomic
def add_talent(*, actor: Actor, category_id, org_id, name: str = "", member_id=None, data: dict | None = None) -> Talent:
    category = selectors.talent_categories(actor).filter(pk=params.to_id(category_id, field="category", label=_("类别"), required=True)).first()
    if category is None:
        raise ServiceError.single("category", "bad_value", _("人才类别不存在"))
    org = params.writable_org(actor, org_id)
    errors: list[FieldError] = []
    member = _member(actor, member_id) if member_id else None
    name = member.name if member else _text(errors, "name", name, _("姓名"), max_length=60)
    clean = _clean_data(category, data or {}, errors)
    if errors:
        raise ServiceError(errors)
    t = Talent.objects.create(category=category, org=org, member=member, name=name, data=clean)
    audit.record(actor, "awards.talent_add", t, changes={"name": [None, name]}, data={"category": category.name, "data": clean})
    return t


# --- selections -------------------------------------------------------------------------------------


@transaction.atomic
def create_selection(*, actor: Actor, org_id, kind: str, year: int | None, title: str, today: dt.date | None = None) -> Selection:
    today = today or dt.date.today()
    org = params.writable_org(actor, org_id)
    rs = rules.selection_rules(today)
    errors: list[FieldError] = []
    if kind not in rs["kinds"]:
        errors.append(FieldError("kind", "bad_value", _("评选类别不存在")))
    if year is None or not 2000 <= year <= today.year + 1:
        errors.append(FieldError("year", "bad_value", _("年度不正确")))
    title = _text(errors, "title", title, _("名称"), max_length=200)
    if errors:
        raise ServiceError(errors)
    s = Selection.objects.create(org=org, kind=kind, year=year, title=title, rule_version=rs.version)
    audit.record(actor, "awards.selection_create", s, changes={"title": [None, title]}, data={"kind": kind, "year": year, "version": rs.version})
    return s


def _selection(actor, selection_id, *, lock=True) -> Selection:
    qs = Selection.objects.select_related("org")
    if lock:
        qs = qs.select_for_update()
    return get_in_scope(qs, actor, write=True, pk=params.to_id(selection_id, field="selection", label=_("评选"), required=True))


@transaction.atomic
def add_entry(*, actor: Actor, selection_id, category: str, summary: str, member_id=None, nominee_org_id=None) -> Entry:
    """A nomination, at the application stage. A member graded 较差 in a study exam of the selection's year is not
    eligible (rules.md §7; the training module's `study_grade_poor` query)."""
    selection = _selection(actor, selection_id)
    kinds = selectors.kind_rules(selection)
    errors: list[FieldError] = []
    cat = kinds["categories"].get(category)
    if selection.stage != "application":
        errors.append(FieldError("selection", "not_allowed", _("评选已进入%(stage_label)s环节，不再接受申报") % {"stage_label": rules.stage_label(selection.stage)}))
    if cat is None:
        errors.append(FieldError("category", "bad_value", _("奖项不属于本次评选")))
    summary = _text(errors, "summary", summary, _("主要事迹"), max_length=4000)
    if errors:
        raise ServiceError(errors)
    member = nominee_org = None
    if cat["nominee"] == "member":
        if not member_id:
            raise ServiceError.single("member", "required", _("请选择推荐的党员"))
        member = _member(actor, member_id)
        if member.standing != Standing.NORMAL:
            raise ServiceError.single("member", "not_allowed", _("%(name)s不在册（%(standing)s）") % {"name": member.name, "standing": member.get_standing_display()})
        if training.study_grade_poor(member.id_number, selection.year):
            raise ServiceError.single("member", "study_grade_poor", _("%(name)s%(year)s年度学习考试成绩为“较差”，当年不得参加评优（rules.md §7）") % {"name": member.name, "year": selection.year})
        if Entry.objects.filter(selection=selection, member=member, category=category).exclude(status=EntryStatus.WITHDRAWN).exists():
            raise ServiceError.single("member", "duplicate_existing", _("%(name)s已被推荐") % {"name": member.name})
        org, name = member.org, member.name
    else:
        if not nominee_org_id:
            raise ServiceError.single("nominee_org", "required", _("请选择推荐的党组织"))
        nominee_org = params.writable_org(actor, nominee_org_id, field="nominee_org", label=_("推荐的党组织"))
        if Entry.objects.filter(selection=selection, nominee_org=nominee_org, category=category).exclude(status=EntryStatus.WITHDRAWN).exists():
            raise ServiceError.single("nominee_org", "duplicate_existing", _("%(name)s已被推荐") % {"name": nominee_org.name})
        org, name = nominee_org, nominee_org.name
    e = Entry.objects.create(selection=selection, category=category, member=member, nominee_org=nominee_org, org=org, name=name, summary=summary)
    audit.record(actor, "awards.entry_add", e, changes={"name": [None, name]}, data={"category": category, "selection": selection.pk})
    return e


@transaction.atomic
def add_judge(*, actor: Actor, selection_id, user_id, name: str = "") -> Judge:
    selection = _selection(actor, selection_id)
    user = get_user_model().objects.filter(pk=params.to_id(user_id, field="user", label=_("评委账号"), required=True), is_active=True).first()
    if user is None:
        raise ServiceError.single("user", "bad_value", _("评委账号不存在或已停用"))
    if selection.stage == "commendation":
        raise ServiceError.single("selection", "not_allowed", _("评选已结束"))
    if Judge.objects.filter(selection=selection, user=user).exists():
        raise ServiceError.single("user", "duplicate_existing", _("该评委已在评委名单中"))
    name = (name or user.get_full_name() or user.first_name or user.username).strip()[:60]
    j = Judge.objects.create(selection=selection, user=user, name=name)
    audit.record(actor, "awards.judge_add", selection, changes={"judge": [None, name]})
    return j


@transaction.atomic
def declare_conflict(*, actor: Actor, judge_id, entry_id, reason: str) -> Conflict:
    """A declared conflict (亲属关系、同一单位…): the judge is excluded from scoring the entry. Declared by the judge
    or recorded by the organizer."""
    judge = Judge.objects.select_related("selection__org").filter(pk=params.to_id(judge_id, field="judge", label=_("评委"), required=True)).first()
    if judge is None or (judge.user_id != actor.user_id and not selectors.selections(actor, write=True).filter(pk=judge.selection_id).exists()):
        raise NotFound()
    entry = Entry.objects.filter(pk=params.to_id(entry_id, field="entry", label=_("参评对象"), required=True), selection_id=judge.selection_id).first()
    if entry is None:
        raise ServiceError.single("entry", "bad_value", _("参评对象不属于本次评选"))
    errors: list[FieldError] = []
    reason = _text(errors, "reason", reason, _("回避事由"), max_length=200)
    if Conflict.objects.filter(judge=judge, entry=entry).exists():
        errors.append(FieldError("entry", "duplicate_existing", _("已申报回避")))
    if errors:
        raise ServiceError(errors)
    c = Conflict.objects.create(judge=judge, entry=entry, reason=reason)
    audit.record(actor, "awards.conflict", entry, changes={"excluded_judge": [None, judge.name]}, data={"reason": reason})
    return c


@transaction.atomic
def score(*, actor: Actor, entry_id, value, comment: str = "") -> Score:
    """A judge scores an entry at the current review stage. A judge with a declared conflict is excluded."""
    entry = Entry.objects.select_related("selection__org").filter(pk=params.to_id(entry_id, field="entry", label=_("参评对象"), required=True)).first()
    if entry is None:
        raise NotFound()
    judge = Judge.objects.filter(selection_id=entry.selection_id, user_id=actor.user_id).first() if actor.user_id else None
    if judge is None:
        raise PermissionDenied(_("您不是本次评选的评委"))
    stage = entry.selection.stage
    errors: list[FieldError] = []
    if stage not in rules.REVIEW_STAGES:
        errors.append(FieldError("entry", "not_allowed", _("当前为%(stage_label)s环节，不能评分") % {"stage_label": rules.stage_label(stage)}))
    if entry.status != EntryStatus.ACTIVE:
        errors.append(FieldError("entry", "not_allowed", _("%(name)s已不在参评名单中") % {"name": entry.name}))
    if Conflict.objects.filter(judge=judge, entry=entry).exists():
        errors.append(FieldError("entry", "conflict_of_interest", _("%(name)s已申报与%(name2)s回避，不参加对其评分") % {"name": judge.name, "name2": entry.name}))
    try:
        v = Decimal(str(value))
        if not Decimal("0") <= v <= Decimal("100"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.append(FieldError("value", "bad_value", _("评分应为0到100之间的数")))
        v = None
    comment = _text(errors, "comment", comment, _("评语"), max_length=500, required=False)
    if Score.objects.filter(entry=entry, judge=judge, stage=stage).exists():
        errors.append(FieldError("entry", "duplicate_existing", _("本环节已评分")))
    if errors:
        raise ServiceError(errors)
    s = Score.objects.create(entry=entry, judge=judge, stage=stage, score=v.quantize(Decimal("0.01")), comment=comment)
    audit.record(actor, "awards.score", entry, changes={"score": [None, str(s.score)]}, data={"stage": stage, "judge": judge.name})
    return s


@transaction.atomic
def advance(*, actor: Actor, selection_id, keep_ids=None, comment: str = "", today: dt.date | None = None) -> Selection:
    """Close the current stage: the entries kept go on, the others stop at this stage (recorded). From the final
    review the kept entries go to publicity (公示, rule data working days) before commendation."""
    today = today or dt.date.today()
    selection = _selection(actor, selection_id)
    nxt = rules.next_stage(selection.stage)
    if nxt is None:
        raise ServiceError.single("selection", "not_allowed", _("评选已完成表彰"))
    active = list(selection.entries.filter(status=EntryStatus.ACTIVE))
    keep = {int(k) for k in (keep_ids if keep_ids is not None else [e.pk for e in active])}
    unknown = keep - {e.pk for e in active}
    if unknown:
        raise ServiceError.single("keep", "bad_value", _("保留的参评对象不在参评名单中"))
    if not keep:
        raise ServiceError.single("keep", "required", _("至少保留一个参评对象"))
    if selection.stage in rules.REVIEW_STAGES:
        unscored = selectors.unscored(selection)
        if unscored:
            raise ServiceError.single("selection", "scores_missing", _("还有评委未评分：%(join)s") % {"join": '、'.join(unscored[:10])})
    dropped = [e for e in active if e.pk not in keep]
    for e in dropped:
        e.status, e.out_at_stage = EntryStatus.ELIMINATED, selection.stage
        e.save(update_fields=["status", "out_at_stage"])
    StageRecord.objects.create(selection=selection, stage=selection.stage, on=today, actor_label=actor.label, kept=len(keep), dropped=len(dropped), comment=(comment or "")[:500])
    before = selection.stage
    selection.stage = nxt
    fields = ["stage"]
    if nxt == "commendation":
        days = rules.selection_rules(today)["publicity_working_days"]
        selection.publicity_from = workcal.next_workday(today + dt.timedelta(days=1))
        selection.publicity_to = workcal.nth_workday_from(selection.publicity_from, days)
        fields += ["publicity_from", "publicity_to"]
    selection.save(update_fields=fields)
    audit.record(actor, "awards.advance", selection, changes={"stage": [before, nxt]}, data={"kept": len(keep), "dropped": [e.name for e in dropped], "comment": comment})
    return selection


@transaction.atomic
def commend(*, actor: Actor, selection_id, on: dt.date | None = None, withdraw_ids=(), today: dt.date | None = None) -> Selection:
    """After the publicity period: the remaining entries are commended and numbered certificates issued.
    Entries withdrawn after an objection in publicity are passed in `withdraw_ids`."""
    today = today or dt.date.today()
    on = on or today
    selection = _selection(actor, selection_id)
    if selection.stage != "commendation" or selection.commended_on:
        raise ServiceError.single("selection", "not_allowed", _("评选尚未进入表彰环节或已表彰"))
    if on <= selection.publicity_to:
        raise ServiceError.single("on", "publicity_running", _("公示期至%(publicity_to)s，期满后方可表彰") % {"publicity_to": selection.publicity_to})
    withdraw = {int(i) for i in withdraw_ids}
    n = 0
    for e in selection.entries.filter(status=EntryStatus.ACTIVE).order_by("category", "id"):
        if e.pk in withdraw:
            e.status, e.out_at_stage = EntryStatus.WITHDRAWN, "commendation"
            e.save(update_fields=["status", "out_at_stage"])
            continue
        n += 1
        e.status, e.certificate_no = EntryStatus.AWARDED, f"{selection.year}-{selection.pk:04d}-{n:03d}"
        e.save(update_fields=["status", "certificate_no"])
    selection.commended_on = on
    selection.save(update_fields=["commended_on"])
    StageRecord.objects.create(selection=selection, stage="commendation", on=on, actor_label=actor.label, kept=n, dropped=len(withdraw))
    audit.record(actor, "awards.commend", selection, changes={"commended_on": [None, on]}, data={"awarded": n, "withdrawn": sorted(withdraw)})
    return selection


# --- honours: 光荣在党50年 ------------------------------------------------------------------------------


@transaction.atomic
def list_for_approval(*, actor: Actor, year: int, under=None, today: dt.date | None = None) -> int:
    """Put every eligible member of the scope (not yet listed) on the year's list for approval."""
    rows = selectors.fifty_year_list(actor, year=year, under=under)
    created = 0
    for r in rows:
        if r.honour is not None:
            continue
        params.writable_org(actor, r.member.org_id)
        h = Honour.objects.create(member=r.member, org=r.member.org, year=year, cutoff=r.cutoff, standing_from=r.standing_from)
        audit.record(actor, "awards.honour_list", h, changes={"member": [None, r.member.name]}, data={"year": year, "standing_from": r.standing_from})
        created += 1
    return created


@transaction.atomic
def approve_honours(*, actor: Actor, honour_ids, on: dt.date | None = None) -> int:
    on = on or dt.date.today()
    n = 0
    for h in selectors.honours(actor, write=True).select_for_update().filter(pk__in=list(honour_ids), status=HonourStatus.LISTED):
        h.status, h.approved_on = HonourStatus.APPROVED, on
        h.save(update_fields=["status", "approved_on"])
        audit.record(actor, "awards.honour_approve", h, changes={"status": [HonourStatus.LISTED, HonourStatus.APPROVED]})
        n += 1
    return n


@transaction.atomic
def issue_honours(*, actor: Actor, honour_ids, on: dt.date | None, issued_by: str) -> int:
    errors: list[FieldError] = []
    issued_by = _text(errors, "issued_by", issued_by, _("颁发人"), max_length=120)
    if on is None or on > dt.date.today():
        errors.append(FieldError("on", "bad_value", _("请填写不晚于今天的颁发日期")))
    if errors:
        raise ServiceError(errors)
    n = 0
    for h in selectors.honours(actor, write=True).select_for_update().filter(pk__in=list(honour_ids), status=HonourStatus.APPROVED):
        h.status, h.issued_on, h.issued_by = HonourStatus.ISSUED, on, issued_by
        h.save(update_fields=["status", "issued_on", "issued_by"])
        audit.record(actor, "awards.honour_issue", h, changes={"status": [HonourStatus.APPROVED, HonourStatus.ISSUED]}, data={"issued_by": issued_by})
        n += 1
    return n


# --- model sites and posts ------------------------------------------------------------------------------


def scored_values(actor: Actor, *, kind: str, org, member, on: dt.date) -> dict:
    """What the scores module knows: a branch's latest star rating (this year's, else last year's) or a member's
    points total of the last completed year. {} when it has nothing (then the reviewer's entered value is used)."""
    from orgwork.scores import selectors as scores

    if kind == ModelKind.SITE:
        for year in (on.year, on.year - 1):
            rating = scores.star_ratings(actor, year=year, under=org).get(org.pk)
            if rating is not None:
                return {"stars": rating.stars, "source": f"scores:{year}"}
        return {}
    year = on.year - 1
    total = scores.member_summary(member, dt.date(year, 12, 31))["year_total"]
    if total:
        return {"points": int(total), "source": f"scores:{year}"}
    return {}


def _criteria(actor: Actor, kind: str, *, org, member, stars, points, on: dt.date) -> tuple[bool, dict]:
    """Whether the criteria (rule data) are met, from the scores module where it has the value, else as entered."""
    r = rules.model_rules(on)
    found = scored_values(actor, kind=kind, org=org, member=member, on=on)
    source = found.get("source", "entered")
    if kind == ModelKind.SITE:
        stars = found.get("stars", stars)
        need = r["site"]["min_stars"]
        return (stars is not None and stars >= need), {"stars": stars, "min_stars": need, "source": source, "rule": r.version}
    points = found.get("points", points)
    need = r["post"]["min_points"]
    return (points is not None and points >= need), {"points": points, "min_points": need, "source": source, "rule": r.version}


@transaction.atomic
def designate(*, actor: Actor, kind: str, org_id=None, member_id=None, title: str, stars: int | None = None, points: int | None = None, today: dt.date | None = None) -> ModelSite:
    """Designate a model site (an organization, by its standardization stars) or a member's model post (by points).
    The values come from the scores module (branch star ratings, member points) where it has them, else as entered."""
    today = today or dt.date.today()
    errors: list[FieldError] = []
    if kind not in ModelKind.values:
        raise ServiceError.single("kind", "bad_value", _("类别不正确"))
    member = _member(actor, member_id) if kind == ModelKind.POST else None
    org = params.writable_org(actor, member.org_id if member else org_id)
    title = _text(errors, "title", title, _("名称"), max_length=120)
    ok, crit = _criteria(actor, kind, org=org, member=member, stars=stars, points=points, on=today)
    if not ok:
        errors.append(FieldError("stars" if kind == ModelKind.SITE else "points", "criteria_not_met", _("未达到命名标准（%(source)s）") % {"source": rules.model_rules(today).source}))
    active = ModelSite.objects.filter(kind=kind, withdrawn_on__isnull=True)
    if (member and active.filter(member=member).exists()) or (not member and active.filter(org=org, member__isnull=True).exists()):
        errors.append(FieldError("org", "duplicate_existing", _("已命名且未撤销")))
    if errors:
        raise ServiceError(errors)
    s = ModelSite.objects.create(kind=kind, org=org, member=member, title=title, designated_on=today, criteria=crit, rule_version=crit["rule"], last_checked_on=today)
    ModelCheck.objects.create(site=s, on=today, passed=True, criteria=crit, actor_label=actor.label)
    audit.record(actor, "awards.model_designate", s, changes={"title": [None, title]}, data=crit)
    return s


@transaction.atomic
def recheck(*, actor: Actor, site_id, stars: int | None = None, points: int | None = None, today: dt.date | None = None) -> ModelSite:
    """The yearly re-check: passing keeps the designation; failing withdraws it (criteria lost)."""
    today = today or dt.date.today()
    s = get_in_scope(ModelSite.objects.select_for_update(of=("self",)).select_related("org", "member"), actor, write=True, pk=params.to_id(site_id, field="site", label=_("示范点"), required=True))
    if s.withdrawn_on:
        raise ServiceError.single("site", "not_allowed", _("已撤销"))
    ok, crit = _criteria(actor, s.kind, org=s.org, member=s.member, stars=stars, points=points, on=today)
    ModelCheck.objects.create(site=s, on=today, passed=ok, criteria=crit, actor_label=actor.label)
    s.last_checked_on = today
    fields = ["last_checked_on"]
    if not ok:
        s.withdrawn_on, s.withdraw_reason = today, "复核未达到命名标准"
        fields += ["withdrawn_on", "withdraw_reason"]
    s.save(update_fields=fields)
    audit.record(actor, "awards.model_recheck", s, changes={"passed": [None, ok]}, data=crit)
    return s
