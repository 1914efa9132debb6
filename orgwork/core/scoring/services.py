"""Every write of the scoring engine: keyword-only arguments, one transaction, an audit event."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import audit, distribution
from ..actor import Actor
from ..errors import FieldError, NotFound, PermissionDenied, ServiceError
from ..models import Role
from ..normalize import clean_text
from ..scope import get_in_scope, scope
from . import calc
from .models import (
    AppealState,
    ApproverRole,
    EntryState,
    Indicator,
    IndicatorSet,
    IndicatorSetVersion,
    PeriodKind,
    PeriodState,
    PointsMode,
    ScoreAppeal,
    ScoreEntry,
    ScoreEvidence,
    ScorePeriod,
    ScoreTotal,
    Source,
    VersionState,
)

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
SYSTEM_LABEL = "系统自动认定"


@dataclass(frozen=True)
class CapError(FieldError):
    """`cap_reached`, with how many points are left in the period that is full."""

    left: Decimal = Decimal(0)
    cap: Decimal = Decimal(0)
    per: str = ""

    def as_dict(self) -> dict:
        return {**super().as_dict(), "left": str(self.left), "cap": str(self.cap), "per": self.per}


def _err(field_name: str, code: str, message: str) -> ServiceError:
    return ServiceError.single(field_name, code, message)


# --- sets and versions ------------------------------------------------------------------------------------------
def _get_set(code: str) -> IndicatorSet:
    try:
        return IndicatorSet.objects.select_related("org").get(code=code)
    except IndicatorSet.DoesNotExist:
        raise _err("set", "unknown_set", _("没有代码为“%(code)s”的评分指标体系") % {"code": code}) from None


def _may_edit_set(actor: Actor, s: IndicatorSet) -> bool:
    if actor.unrestricted:
        return True
    if s.org_id is None:
        return actor.has_role(Role.DEPT_ADMIN, Role.SYSADMIN)
    return scope(IndicatorSet.objects.filter(pk=s.pk), actor, write=True).exists() and actor.has_role(Role.DEPT_ADMIN, Role.SYSADMIN, Role.ORG_ADMIN)


INDICATOR_FIELDS = (
    "name", "area", "direction", "mode", "points", "unit", "tiers", "cap_day", "cap_month", "cap_year",
    "evidence_required", "source", "approver_role", "provider", "basis", "order",
)  # fmt: skip


def _indicator_values(raw: dict) -> dict:
    out = {}
    for key in INDICATOR_FIELDS:
        if key in raw:
            out[key] = raw[key]
    for key in ("points", "cap_day", "cap_month", "cap_year"):
        if key in out and out[key] is not None:
            out[key] = calc.q(out[key])
    if "tiers" in out:
        out["tiers"] = [{"min_units": str(calc.dec(t["min_units"])), "points": str(calc.q(t["points"]))} for t in (out["tiers"] or [])]
    if out.get("source") == Source.AUTOMATIC:
        out.setdefault("approver_role", ApproverRole.SYSTEM)
        if not out.get("provider"):
            raise _err("provider", "required", _("自动计分指标“%(get)s”须指定自动计算来源") % {"get": raw.get('name', '')})
    if out.get("mode") == PointsMode.TIERED and not out.get("tiers"):
        raise _err("tiers", "required", _("分档计分指标“%(get)s”须填写分档") % {"get": raw.get('name', '')})
    return out


@transaction.atomic
def install(*, actor: Actor, spec: dict) -> IndicatorSet:
    """Create a set with a version and its indicators from a dict, unless that code/version exists already.

    spec = {"code", "name", "purpose", "subject_type", "org_id"?, "is_default"?, "description"?,
            "version": {"version", "effective_from", "source", "grades"?, "indicators": [{"code", "name", …}]}}
    """
    s = IndicatorSet.objects.filter(code=spec["code"]).first()
    if s is None:
        s = IndicatorSet.objects.create(
            code=spec["code"], name=spec["name"], purpose=spec.get("purpose", ""), subject_type=spec["subject_type"],
            org_id=spec.get("org_id"), is_default=spec.get("is_default", False), description=spec.get("description", ""),
        )  # fmt: skip
        audit.record(actor, "scoring.set_install", s, data={"code": s.code, "default": s.is_default})
    v = spec["version"]
    if not s.versions.filter(version=v["version"]).exists():
        ver = IndicatorSetVersion.objects.create(
            indicator_set=s, version=v["version"], effective_from=v["effective_from"], source=v["source"],
            grades=v.get("grades") or [], state=VersionState.IN_FORCE,
        )  # fmt: skip
        for i, raw in enumerate(v["indicators"]):
            values = _indicator_values(raw)
            values.setdefault("order", i)
            Indicator.objects.create(version=ver, code=raw["code"], **values)
        audit.record(actor, "scoring.version_install", ver, data={"version": ver.version, "indicators": len(v["indicators"])})
    return s


@transaction.atomic
def define_set(*, actor: Actor, code: str, name: str, purpose: str, subject_type: str, org_id=None, is_default: bool = False, description: str = "") -> IndicatorSet:
    code, name = clean_text(code), clean_text(name)
    if not code or not name:
        raise _err("name" if code else "code", "required", _("请填写指标体系的代码和名称"))
    if IndicatorSet.objects.filter(code=code).exists():
        raise _err("code", "duplicate_existing", _("代码“%(code)s”已被使用") % {"code": code})
    org = None
    if org_id is not None:
        from ..params import writable_org

        org = writable_org(actor, org_id)
    elif not actor.has_role(Role.DEPT_ADMIN, Role.SYSADMIN):
        raise PermissionDenied()
    s = IndicatorSet.objects.create(code=code, name=name, purpose=purpose, subject_type=subject_type, org=org, is_default=is_default, description=description)
    audit.record(actor, "scoring.set_define", s, data={"code": code})
    return s


@transaction.atomic
def add_version(*, actor: Actor, set_id, version: str, effective_from: dt.date, source: str, grades=None) -> IndicatorSetVersion:
    """A new draft version, copying the indicators and grades of the latest version; edit it, then publish it."""
    s = IndicatorSet.objects.select_for_update().filter(pk=set_id).first()
    if s is None or not _may_edit_set(actor, s):
        raise NotFound()
    version, source = clean_text(version), clean_text(source)
    if not version or not source:
        raise _err("version" if not version else "source", "required", _("请填写版本号和依据"))
    if s.versions.filter(version=version).exists():
        raise _err("version", "duplicate_existing", _("版本“%(version)s”已存在") % {"version": version})
    latest = s.versions.order_by("-effective_from", "-id").first()
    ver = IndicatorSetVersion.objects.create(
        indicator_set=s, version=version, effective_from=effective_from, source=source,
        grades=grades if grades is not None else (latest.grades if latest else []),
    )  # fmt: skip
    if latest is not None:
        for ind in latest.indicators.all():
            Indicator.objects.create(version=ver, code=ind.code, **{k: getattr(ind, k) for k in INDICATOR_FIELDS})
    audit.record(actor, "scoring.version_add", ver, data={"version": version, "effective_from": effective_from, "copied_from": latest.version if latest else None})
    return ver


def _draft(actor: Actor, version_id) -> IndicatorSetVersion:
    ver = IndicatorSetVersion.objects.select_for_update().select_related("indicator_set").filter(pk=version_id).first()
    if ver is None or not _may_edit_set(actor, ver.indicator_set):
        raise NotFound()
    if ver.state != VersionState.DRAFT:
        raise _err("version", "version_in_force", _("已发布的版本不能修改，请新建版本"))
    return ver


@transaction.atomic
def put_indicator(*, actor: Actor, version_id, code: str, **fields) -> Indicator:
    ver = _draft(actor, version_id)
    code = clean_text(code)
    if not code:
        raise _err("code", "required", _("请填写指标代码"))
    values = _indicator_values({"name": fields.get("name", ""), **fields})
    if not values.get("name"):
        raise _err("name", "required", _("请填写指标名称"))
    ind, created = Indicator.objects.update_or_create(version=ver, code=code, defaults=values)
    audit.record(actor, "scoring.indicator_put", ind, data={"version": ver.version, "code": code, "created": created, **{k: v for k, v in values.items()}})
    return ind


@transaction.atomic
def publish_version(*, actor: Actor, version_id) -> IndicatorSetVersion:
    ver = _draft(actor, version_id)
    if not ver.indicators.exists():
        raise _err("version", "required", _("该版本还没有指标"))
    ver.state = VersionState.IN_FORCE
    ver.save(update_fields=["state"])
    audit.record(actor, "scoring.version_publish", ver, data={"version": ver.version, "effective_from": ver.effective_from})
    return ver


def _version_on(s: IndicatorSet, day: dt.date) -> IndicatorSetVersion:
    ver = s.versions.filter(state=VersionState.IN_FORCE, effective_from__lte=day).order_by("-effective_from", "-id").first()
    if ver is None:
        first = s.versions.filter(state=VersionState.IN_FORCE).order_by("effective_from").first()
        tail = f"（最早的版本自 {first.effective_from:%Y-%m-%d} 起施行）" if first else "（尚无已发布的版本）"
        raise _err("occurred_on", "no_rule_in_force", _("%(day)s 没有施行中的“%(name)s”指标%(tail)s") % {"day": format(day, '%Y-%m-%d'), "name": s.name, "tail": tail})
    return ver


def _indicator_on(s: IndicatorSet, code: str, day: dt.date) -> Indicator:
    ver = _version_on(s, day)
    ind = ver.indicators.filter(code=code).first()
    if ind is None:
        raise _err("indicator", "no_rule_in_force", _("“%(name)s”%(version)s版（%(effective_from)s起施行）没有该指标") % {"name": s.name, "version": ver.version, "effective_from": format(ver.effective_from, '%Y-%m-%d')})
    return ind


# --- periods and locks -------------------------------------------------------------------------------------------
def locked_period(indicator_set_id, org, day: dt.date) -> ScorePeriod | None:
    paths = [org.path, *org.ancestor_paths()]
    return (
        ScorePeriod.objects.filter(indicator_set_id=indicator_set_id, org__path__in=paths, starts_on__lte=day, ends_on__gte=day, state=PeriodState.LOCKED)
        .select_related("org")
        .first()
    )


def _refuse_locked(indicator_set_id, org, day: dt.date, field_name: str = "occurred_on") -> None:
    p = locked_period(indicator_set_id, org, day)
    if p is not None:
        raise _err(field_name, "period_locked", _("“%(name)s”%(label)s的评分已锁定（%(locked_on)s），不能再录入或审核该期记录") % {"name": p.org.name, "label": p.label, "locked_on": format(p.locked_on, '%Y-%m-%d')})


# --- subjects ---------------------------------------------------------------------------------------------------
def _subject_org(subject):
    if subject._meta.label_lower == "orgs.org":
        return subject
    return subject.org


def _subject_user_id(subject_type: str, subject_id) -> int | None:
    try:
        model = apps.get_model(subject_type)
    except (LookupError, ValueError):
        return None
    if not any(f.name == "user" for f in model._meta.get_fields()):
        return None
    return model.objects.filter(pk=subject_id).values_list("user_id", flat=True).first()


def _is_self(actor: Actor, subject_type: str, subject_id) -> bool:
    return actor.user_id is not None and _subject_user_id(subject_type, subject_id) == actor.user_id


def _writer_over(actor: Actor, org, *, strict: bool = False, department: bool = False) -> bool:
    """The actor holds a write grant at `org` or above (strict: strictly above; department: dept/sys admin)."""
    if actor.unrestricted:
        return True
    for g in actor.effective_grants:
        if not g.can_write or not org.path.startswith(g.path):
            continue
        if strict and g.path == org.path:
            continue
        if department and g.role not in (Role.DEPT_ADMIN, Role.SYSADMIN):
            continue
        return True
    return False


# --- counters ---------------------------------------------------------------------------------------------------
def _ensure_totals(entry_like, org) -> None:
    # the distribution column: the member's top-level org for a member's totals, else the root of the org
    top = entry_like.top_org_id or entry_like.resolve_top_org_id() or distribution.top_org_id_for_path(org.path)
    rows = [
        ScoreTotal(indicator_set_id=entry_like.indicator_set_id, bucket=b, subject_type=entry_like.subject_type, subject_id=entry_like.subject_id,
              subject_label=entry_like.subject_label, org_id=org.pk, org_path=org.path, top_org_id=top)
        for b in calc.buckets(entry_like.occurred_on)
    ]  # fmt: skip
    ScoreTotal.objects.bulk_create(rows, ignore_conflicts=True)


def _lock_subject_year(indicator_set_id, subject_type, subject_id, day) -> None:
    """Serialize writers of one subject (cap checks) on its year counter row."""
    list(
        ScoreTotal.objects.select_for_update()
        .filter(indicator_set_id=indicator_set_id, bucket__in=calc.buckets(day), subject_type=subject_type, subject_id=subject_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _bump(entry: ScoreEntry) -> None:
    p = entry.points
    _ensure_totals(entry, entry.org)
    # Lock the subject's rows in one order (by id) before updating: writers of one subject queue, never deadlock.
    ids = list(
        ScoreTotal.objects.select_for_update()
        .filter(indicator_set_id=entry.indicator_set_id, bucket__in=calc.buckets(entry.occurred_on), subject_type=entry.subject_type, subject_id=entry.subject_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ScoreTotal.objects.filter(pk__in=ids).update(
        total=F("total") + p,
        added=F("added") + max(p, Decimal(0)),
        deducted=F("deducted") + max(-p, Decimal(0)),
        entries=F("entries") + 1,
        org_id=entry.org_id,
        org_path=entry.org.path,
        top_org_id=entry.top_org_id,
        subject_label=entry.subject_label,
        updated_at=timezone.now(),
    )


# --- caps -------------------------------------------------------------------------------------------------------
_CAP_PERIODS = (("cap_day", "日", "本日"), ("cap_month", "月", "本月"), ("cap_year", "年", "本年"))


def _check_caps(ind: Indicator, s: IndicatorSet, subject_type, subject_id, day: dt.date, amount: Decimal) -> None:
    for attr, per, words in _CAP_PERIODS:
        cap = getattr(ind, attr)
        if cap is None:
            continue
        if attr == "cap_day":
            start = end = day
        elif attr == "cap_month":
            start, end = calc.month_bounds(day)
        else:
            start, end = calc.year_bounds(day)
        used_rows = ScoreEntry.objects.filter(
            indicator_set=s, subject_type=subject_type, subject_id=subject_id, indicator_code=ind.code,
            occurred_on__gte=start, occurred_on__lte=end, state__in=(EntryState.SUBMITTED, EntryState.APPROVED), corrects__isnull=True,
        ).aggregate(s=Sum("points"))["s"] or Decimal(0)  # fmt: skip
        used = abs(used_rows)
        left = max(cap - used, Decimal(0))
        if amount > left:
            raise ServiceError(
                CapError("units", "cap_reached", _("“%(name)s”每%(per)s最多%(cap)s分，%(words)s已记%(used)s分，还可记%(left)s分") % {"name": ind.name, "per": per, "cap": cap, "words": words, "used": used, "left": left}, left=calc.q(left), cap=cap, per=attr)
            )


# --- entries ----------------------------------------------------------------------------------------------------
def _save_evidence(entry: ScoreEntry, files) -> int:
    n = 0
    for f in files or ():
        if not f:
            continue
        if getattr(f, "size", 0) > MAX_EVIDENCE_BYTES:
            raise _err("files", "out_of_range", _("文件“%(name)s”超过%(value)sMB") % {"name": f.name, "value": MAX_EVIDENCE_BYTES // (1024 * 1024)})
        digest = hashlib.sha256()
        for chunk in f.chunks():
            digest.update(chunk)
        f.seek(0)
        ev = ScoreEvidence(entry=entry, filename=getattr(f, "name", "")[:255], size=getattr(f, "size", 0) or 0, sha256=digest.hexdigest())
        ev.file.save(getattr(f, "name", "file"), f, save=False)
        ev.save()
        n += 1
    return n


@transaction.atomic
def submit(
    *,
    actor: Actor,
    set_code: str,
    indicator_code: str,
    subject,
    occurred_on: dt.date,
    units=1,
    points=None,
    note: str = "",
    files=(),
    today: dt.date | None = None,
) -> ScoreEntry:
    """Record one entry for a subject (state submitted). Checks, in order: the date, the rule in force, who may
    submit, the period lock, evidence, the units/points, the caps (the subject's counter row is locked first)."""
    today = today or timezone.localdate()
    s = _get_set(set_code)
    if occurred_on is None:
        raise _err("occurred_on", "required", _("请填写发生日期"))
    if occurred_on > today:
        raise _err("occurred_on", "future_date", _("发生日期不能晚于今天"))
    subject_type, subject_id = subject._meta.label_lower, subject.pk
    if subject_type != s.subject_type:
        raise _err("subject", "bad_value", _("“%(name)s”的评分对象不是该类对象") % {"name": s.name})
    ind = _indicator_on(s, indicator_code, occurred_on)
    org = _subject_org(subject)
    if ind.source == Source.AUTOMATIC:
        raise _err("indicator", "automatic_only", _("“%(name)s”由系统根据已有记录自动计分，不能手工申报") % {"name": ind.name})
    is_self = _is_self(actor, subject_type, subject_id)
    if ind.source == Source.SELF:
        if not (is_self or _writer_over(actor, org)):
            raise NotFound()
    elif not _writer_over(actor, org):
        raise NotFound()
    _refuse_locked(s.pk, org, occurred_on)
    files = [f for f in (files or ()) if f]
    if ind.evidence_required and not files:
        raise _err("files", "evidence_required", _("“%(name)s”须上传佐证材料（如照片）") % {"name": ind.name})
    try:
        units = calc.dec(units)
    except ValueError:
        raise _err("units", "bad_value", _("数量应为数字")) from None
    if units <= 0 or units > 10000:
        raise _err("units", "out_of_range", _("数量应大于0且不超过10000"))
    if ind.mode == PointsMode.FIXED and units != 1:
        units = Decimal(1)
    if ind.source == Source.REVIEWER and points is not None:
        try:
            given = calc.q(points)
        except ValueError:
            raise _err("points", "bad_value", _("分值应为数字")) from None
        if given < 0 or given > calc.q(ind.points) * max(units, Decimal(1)):
            raise _err("points", "out_of_range", _("“%(name)s”的分值应在 0 到 %(value)s 之间") % {"name": ind.name, "value": calc.q(ind.points) * max(units, Decimal(1))})
        value = calc.signed(ind, given)
    else:
        value = calc.points_for(ind, units)
    label = str(subject)[:200]
    proto = ScoreEntry(indicator_set=s, subject_type=subject_type, subject_id=subject_id, subject_label=label, occurred_on=occurred_on)
    _ensure_totals(proto, org)
    _lock_subject_year(s.pk, subject_type, subject_id, occurred_on)
    _check_caps(ind, s, subject_type, subject_id, occurred_on, abs(value))
    entry = ScoreEntry.objects.create(
        indicator_set=s, version=ind.version, indicator=ind, indicator_code=ind.code, subject_type=subject_type, subject_id=subject_id,
        subject_label=label, org=org, occurred_on=occurred_on, units=units, points=value, state=EntryState.SUBMITTED, source=ind.source,
        note=clean_text(note)[:1000], submitted_by=actor.user, submitted_label=actor.label, submitted_at=timezone.now(),
    )  # fmt: skip
    n = _save_evidence(entry, files)
    audit.record(actor, "scoring.submit", entry, data={"set": s.code, "indicator": ind.code, "version": ind.version.version, "points": value, "units": units, "files": n})
    return entry


def _lock_entry(actor: Actor, entry_id) -> ScoreEntry:
    qs = ScoreEntry.objects.select_for_update(of=("self",)).select_related("org", "indicator", "indicator_set")
    entry = get_in_scope(qs, actor, write=True, pk=entry_id)
    return entry


def _check_approver(actor: Actor, entry: ScoreEntry) -> None:
    role = entry.indicator.approver_role
    if entry.submitted_by_id is not None and entry.submitted_by_id == actor.user_id and not actor.system:
        raise _err("entry", "self_approval", _("不能审核本人提交的记录"))
    if _is_self(actor, entry.subject_type, entry.subject_id):
        raise _err("entry", "self_approval", _("不能审核关于本人的记录"))
    if role == ApproverRole.SYSTEM:
        raise _err("entry", "automatic_only", _("该指标由系统自动认定"))
    ok = _writer_over(actor, entry.org, strict=role == ApproverRole.LEVEL_ABOVE, department=role == ApproverRole.DEPARTMENT)
    if not ok:
        raise PermissionDenied()


@transaction.atomic
def approve(*, actor: Actor, entry_id) -> ScoreEntry:
    entry = _lock_entry(actor, entry_id)
    if entry.state != EntryState.SUBMITTED:
        raise _err("entry", "not_pending", _("该记录%(state)s，不能再审核") % {"state": entry.get_state_display()})
    _check_approver(actor, entry)
    _refuse_locked(entry.indicator_set_id, entry.org, entry.occurred_on)
    entry.state = EntryState.APPROVED
    entry.decided_by = actor.user
    entry.decided_label = actor.label
    entry.decided_at = timezone.now()
    entry.save(update_fields=["state", "decided_by", "decided_label", "decided_at"])
    _bump(entry)
    audit.record(actor, "scoring.approve", entry, data={"points": entry.points})
    return entry


@transaction.atomic
def return_entry(*, actor: Actor, entry_id, reason: str) -> ScoreEntry:
    entry = _lock_entry(actor, entry_id)
    if entry.state != EntryState.SUBMITTED:
        raise _err("entry", "not_pending", _("该记录%(state)s，不能退回") % {"state": entry.get_state_display()})
    reason = clean_text(reason)
    if not reason:
        raise _err("reason", "required", _("请填写退回原因"))
    _check_approver(actor, entry)
    entry.state = EntryState.RETURNED
    entry.return_reason = reason[:500]
    entry.decided_by = actor.user
    entry.decided_label = actor.label
    entry.decided_at = timezone.now()
    entry.save(update_fields=["state", "return_reason", "decided_by", "decided_label", "decided_at"])
    audit.record(actor, "scoring.return", entry, data={"reason": entry.return_reason})
    return entry


@transaction.atomic
def correct(*, actor: Actor, entry_id, points, reason: str) -> ScoreEntry:
    """A correction of an approved entry: a new entry (submitted, to be approved) changing the points by `points`."""
    entry = _lock_entry(actor, entry_id)
    if entry.state != EntryState.APPROVED:
        raise _err("entry", "not_pending", _("只能更正已认定的记录"))
    if entry.source == Source.AUTOMATIC:
        raise _err("entry", "automatic_only", _("自动计分记录随原始记录更新，请更正原始记录"))
    reason = clean_text(reason)
    if not reason:
        raise _err("reason", "required", _("请填写更正原因"))
    try:
        delta = calc.q(points)
    except ValueError:
        raise _err("points", "bad_value", _("分值应为数字")) from None
    if delta == 0:
        raise _err("points", "out_of_range", _("更正分值不能为0"))
    if not _writer_over(actor, entry.org):
        raise PermissionDenied()
    _refuse_locked(entry.indicator_set_id, entry.org, entry.occurred_on)
    new = ScoreEntry.objects.create(
        indicator_set_id=entry.indicator_set_id, version_id=entry.version_id, indicator_id=entry.indicator_id, indicator_code=entry.indicator_code,
        subject_type=entry.subject_type, subject_id=entry.subject_id, subject_label=entry.subject_label, org=entry.org,
        occurred_on=entry.occurred_on, units=0, points=delta, state=EntryState.SUBMITTED, source=entry.source, note=f"更正：{reason}"[:1000],
        corrects=entry, submitted_by=actor.user, submitted_label=actor.label, submitted_at=timezone.now(),
    )  # fmt: skip
    audit.record(actor, "scoring.correct", new, data={"corrects": entry.pk, "points": delta, "reason": reason})
    return new


# --- periods ----------------------------------------------------------------------------------------------------
@transaction.atomic
def open_period(*, actor: Actor, set_code: str, org_id, kind: str, starts_on: dt.date, ends_on: dt.date, label: str) -> ScorePeriod:
    from ..params import writable_org

    s = _get_set(set_code)
    org = writable_org(actor, org_id)
    if kind not in PeriodKind.values:
        raise _err("kind", "bad_value", _("周期类型不正确"))
    if ends_on < starts_on:
        raise _err("ends_on", "date_order", _("结束日期不能早于开始日期"))
    p, created = ScorePeriod.objects.get_or_create(indicator_set=s, org=org, kind=kind, starts_on=starts_on, defaults={"ends_on": ends_on, "label": clean_text(label)[:60] or f"{starts_on:%Y-%m}"})
    if created:
        audit.record(actor, "scoring.period_open", p, data={"set": s.code, "label": p.label, "starts_on": starts_on, "ends_on": ends_on})
    return p


def _lock_period_row(actor: Actor, period_id) -> ScorePeriod:
    p = get_in_scope(ScorePeriod.objects.select_for_update(of=("self",)).select_related("org", "indicator_set"), actor, write=True, pk=period_id)
    return p


@transaction.atomic
def publish_period(*, actor: Actor, period_id, until: dt.date | None = None, today: dt.date | None = None) -> ScorePeriod:
    p = _lock_period_row(actor, period_id)
    today = today or timezone.localdate()
    if p.state == PeriodState.LOCKED:
        raise _err("period", "period_locked", _("%(label)s已锁定") % {"label": p.label})
    if until is not None and until < today:
        raise _err("until", "date_order", _("公示截止日期不能早于今天"))
    p.state = PeriodState.PUBLISHED
    p.published_on = today
    p.publish_until = until
    p.save(update_fields=["state", "published_on", "publish_until"])
    audit.record(actor, "scoring.period_publish", p, data={"until": until})
    return p


@transaction.atomic
def lock_period(*, actor: Actor, period_id, today: dt.date | None = None) -> ScorePeriod:
    p = _lock_period_row(actor, period_id)
    today = today or timezone.localdate()
    if p.state == PeriodState.LOCKED:
        return p
    if p.state != PeriodState.PUBLISHED:
        raise _err("period", "not_published", _("%(label)s尚未公示，公示后才能锁定") % {"label": p.label})
    open_n = p.appeals.filter(state=AppealState.OPEN).count()
    if open_n:
        raise _err("period", "open_appeals", _("还有%(open_n)s条异议未答复，答复后才能锁定") % {"open_n": open_n})
    p.state = PeriodState.LOCKED
    p.locked_on = today
    p.save(update_fields=["state", "locked_on"])
    audit.record(actor, "scoring.period_lock", p, data={"label": p.label})
    return p


# --- appeals ----------------------------------------------------------------------------------------------------
@transaction.atomic
def file_appeal(*, actor: Actor, period_id, subject, content: str, entry_id=None, today: dt.date | None = None) -> ScoreAppeal:
    """A member (about their own points) or a writer for their org (branch stars) objects during publication."""
    today = today or timezone.localdate()
    p = ScorePeriod.objects.select_related("org").filter(pk=period_id).first()
    subject_type, subject_id = subject._meta.label_lower, subject.pk
    org = _subject_org(subject)
    if p is None or not (org.path.startswith(p.org.path)) or not (_is_self(actor, subject_type, subject_id) or _writer_over(actor, org)):
        raise NotFound()
    if p.state != PeriodState.PUBLISHED:
        raise _err("period", "not_published" if p.state == PeriodState.OPEN else "period_locked", _("只能在公示期间提出异议"))
    content = clean_text(content)
    if not content:
        raise _err("content", "required", _("请填写异议内容"))
    entry = None
    if entry_id is not None:
        entry = ScoreEntry.objects.filter(pk=entry_id, subject_type=subject_type, subject_id=subject_id).first()
        if entry is None:
            raise _err("entry", "bad_value", _("所指记录不属于该对象"))
    a = ScoreAppeal.objects.create(
        period=p, entry=entry, subject_type=subject_type, subject_id=subject_id, subject_label=str(subject)[:200], org=org,
        content=content[:4000], filed_by=actor.user, filed_label=actor.label, filed_on=today,
    )  # fmt: skip
    audit.record(actor, "scoring.appeal_file", a, data={"period": p.pk, "entry": entry_id})
    return a


@transaction.atomic
def answer_appeal(*, actor: Actor, appeal_id, upheld: bool, answer: str, today: dt.date | None = None) -> ScoreAppeal:
    a = get_in_scope(ScoreAppeal.objects.select_for_update(of=("self",)).select_related("org", "period"), actor, write=True, pk=appeal_id)
    if a.state != AppealState.OPEN:
        raise _err("appeal", "not_pending", _("该异议已答复"))
    if a.filed_by_id is not None and a.filed_by_id == actor.user_id:
        raise _err("appeal", "self_approval", _("不能答复本人提出的异议"))
    answer = clean_text(answer)
    if not answer:
        raise _err("answer", "required", _("请填写答复意见"))
    a.state = AppealState.UPHELD if upheld else AppealState.DISMISSED
    a.answer = answer[:4000]
    a.answered_by = actor.label
    a.answered_on = today or timezone.localdate()
    a.save(update_fields=["state", "answer", "answered_by", "answered_on"])
    audit.record(actor, "scoring.appeal_answer", a, data={"upheld": upheld})
    return a


# --- automatic indicators ---------------------------------------------------------------------------------------
@dataclass
class RefreshReport:
    facts: int = 0
    written: int = 0
    taken_back: int = 0
    skipped_locked: int = 0
    no_rule: int = 0
    failures: list[str] = field(default_factory=list)


def refresh_automatic(*, start: dt.date, end: dt.date, set_code: str | None = None, only: str | None = None, actor: Actor | None = None) -> RefreshReport:
    """Bring automatic entries in [start, end] in line with the records (see the package docstring)."""
    from .. import scoring

    actor = actor or Actor.system_actor("scoring")
    report = RefreshReport()
    sets = IndicatorSet.objects.all() if set_code is None else IndicatorSet.objects.filter(code=set_code)
    for s in sets:
        inds = Indicator.objects.filter(version__indicator_set=s, version__state=VersionState.IN_FORCE, source=Source.AUTOMATIC)
        if only:
            inds = inds.filter(provider=only)
        for prov in sorted(set(inds.values_list("provider", flat=True))):
            fn = scoring.provider(prov)
            if fn is None:
                report.failures.append(f"{s.code}:{prov}: provider not registered")
                continue
            try:
                _refresh_one(actor, s, prov, fn, start, end, report)
            except Exception as exc:  # one provider failing must not stop the others (reported, logged)
                import logging

                logging.getLogger(__name__).exception("scoring provider %s failed", prov)
                report.failures.append(f"{s.code}:{prov}: {exc}")
    return report


@transaction.atomic
def _refresh_one(actor: Actor, s: IndicatorSet, prov: str, fn, start: dt.date, end: dt.date, report: RefreshReport) -> None:
    prefix = f"{prov}:"
    versions = list(s.versions.filter(state=VersionState.IN_FORCE).order_by("effective_from"))
    by_version = {v.pk: {i.provider: i for i in v.indicators.filter(source=Source.AUTOMATIC)} for v in versions}

    def indicator_on(day):
        chosen = None
        for v in versions:
            if v.effective_from <= day:
                chosen = v
        return by_version[chosen.pk].get(prov) if chosen else None

    existing: dict[str, list] = {}
    for row in ScoreEntry.objects.filter(indicator_set=s, auto_key__startswith=prefix, occurred_on__gte=start, occurred_on__lte=end, state=EntryState.APPROVED).values(
        "auto_key", "points", "id", "subject_type", "subject_id", "subject_label", "org_id", "occurred_on", "indicator_id"
    ):  # fmt: skip
        slot = existing.setdefault(row["auto_key"], [Decimal(0), row])
        slot[0] += row["points"]
    Org = apps.get_model("orgs", "Org")
    orgs: dict[int, object] = {}

    def org_of(pk):
        if pk not in orgs:
            orgs[pk] = Org.objects.get(pk=pk)
        return orgs[pk]

    wanted: dict[str, tuple] = {}
    for fact in fn(start, end):
        if not (start <= fact.occurred_on <= end):
            continue
        report.facts += 1
        ind = indicator_on(fact.occurred_on)
        if ind is None:
            report.no_rule += 1
            continue
        wanted[prefix + fact.key] = (fact, ind, calc.points_for(ind, fact.units))
    audits = []
    now = timezone.now()
    for key in set(wanted) | set(existing):
        have = existing.get(key, [Decimal(0), None])[0]
        if key in wanted:
            fact, ind, want = wanted[key]
            base = dict(subject_type=fact.subject_type, subject_id=fact.subject_id, subject_label=fact.subject_label[:200], org_id=fact.org_id,
                        occurred_on=fact.occurred_on, units=calc.dec(fact.units), evidence_type=fact.evidence_type, evidence_id=fact.evidence_id,
                        evidence_label=fact.evidence_label, evidence_url=fact.evidence_url[:300])  # fmt: skip
        else:
            row = existing[key][1]
            ind = Indicator.objects.select_related("version").get(pk=row["indicator_id"])
            want = Decimal(0)
            base = dict(subject_type=row["subject_type"], subject_id=row["subject_id"], subject_label=row["subject_label"], org_id=row["org_id"],
                        occurred_on=row["occurred_on"], units=Decimal(0))  # fmt: skip
        delta = want - have
        if delta == 0:
            continue
        org = org_of(base["org_id"])
        if locked_period(s.pk, org, base["occurred_on"]) is not None:
            report.skipped_locked += 1
            continue
        first_id = existing[key][1]["id"] if key in existing else None
        entry = ScoreEntry(
            indicator_set=s, version_id=ind.version_id, indicator=ind, indicator_code=ind.code, points=delta, state=EntryState.APPROVED,
            source=Source.AUTOMATIC, auto_key=key, corrects_id=first_id, note="" if first_id is None else "原始记录已变化，自动更正",
            submitted_label=SYSTEM_LABEL, submitted_at=now, decided_label=SYSTEM_LABEL, decided_at=now, **base,
        )  # fmt: skip
        entry.org = org
        entry.save()
        _bump(entry)
        report.written += 1
        if key not in wanted:
            report.taken_back += 1
        audits.append(audit.Entry(action="scoring.automatic", object_type="core.scoreentry", object_id=str(entry.pk), object_repr=str(entry.subject_label)[:200],
                                  org_path=org.path, data={"key": key, "points": str(delta), "evidence": entry.evidence_label}))  # fmt: skip
    audit.record_many(actor, audits)


def subject_filter(subject) -> Q:
    return Q(subject_type=subject._meta.label_lower, subject_id=subject.pk)
