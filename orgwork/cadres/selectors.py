"""Every read of the cadres app, scoped through core.scope (personal matters: designated readers only, in services)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from orgwork.core.actor import Actor
from orgwork.core.models import ProcedureStatus, Role
from orgwork.core.normalize import add_months, add_years, years_between
from orgwork.core.procedures import selectors as proc_reads
from orgwork.core.rules import at_least_share, share
from orgwork.core.scope import get_in_scope, scope

from .models import Appointment, AppointmentAction, Cadre, CadreStatus, Kinship, Post, PostKind, PostQuota, Selection, SelectionFlag, Unit
from .rules import competition_rules, registry_rules

READ_ROLES = (Role.SYSADMIN, Role.DEPT_ADMIN, Role.ORG_ADMIN)


def may_read(actor: Actor) -> bool:
    return actor.has_role(*READ_ROLES)


def units(actor: Actor):
    return scope(Unit.objects.select_related("org"), actor).filter(abolished_on__isnull=True).order_by("name", "id")


def get_unit(actor: Actor, pk) -> Unit:
    return get_in_scope(Unit.objects.select_related("org"), actor, pk=pk)


def posts(actor: Actor, *, unit=None):
    qs = scope(Post.objects.select_related("unit__org"), actor).filter(abolished_on__isnull=True)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.order_by("unit__name", "order", "id")


def cadres(actor: Actor, *, q: str = "", status: str = ""):
    qs = scope(Cadre.objects.select_related("org", "member"), actor)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(id_number__endswith=q))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("name", "id")


def get_cadre(actor: Actor, pk) -> Cadre:
    return get_in_scope(Cadre.objects.select_related("org", "member"), actor, pk=pk)


def holdings(cadre: Cadre, *, on: dt.date | None = None) -> list[Appointment]:
    qs = Appointment.objects.filter(cadre=cadre, action=AppointmentAction.APPOINT).select_related("post__unit")
    qs = qs.filter(ended_on__isnull=True) if on is None else qs.filter(on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
    return list(qs.order_by("post__order", "on"))


def resume(cadre: Cadre) -> list[dict]:
    """简历: one line per post held, in order, built from the appointment records."""
    out = []
    for a in Appointment.objects.filter(cadre=cadre, action=AppointmentAction.APPOINT).select_related("post__unit").order_by("on", "id"):
        out.append(
            {
                "start": a.on,
                "end": a.ended_on,
                "text": f"{a.post.unit.name}{a.post.title}" + ("（试用期一年）" if a.probation_until else ""),
                "appointment": a,
            }
        )
    return out


def resume_lines(cadre: Cadre) -> list[str]:
    lines = []
    for r in resume(cadre):
        end = f"{r['end']:%Y.%m}" if r["end"] else "今"
        lines.append(f"{r['start']:%Y.%m}—{end}  {r['text']}")
    return lines


def quota_status(actor: Actor) -> list[dict]:
    """Per unit and kind: seats against holders; vacancies and over-quota flagged (职数预警)."""
    held = defaultdict(int)
    for unit_id, kind, n in (
        scope(Appointment.objects.all(), actor)
        .filter(action=AppointmentAction.APPOINT, ended_on__isnull=True)
        .values_list("post__unit_id", "post__kind")
        .annotate(n=Count("id"))
    ):
        held[(unit_id, kind)] += n
    out = []
    for q in scope(PostQuota.objects.select_related("unit__org"), actor).filter(ended_at__isnull=True).order_by("unit__name", "kind"):
        n = held[(q.unit_id, q.kind)]
        state = "over" if n > q.seats else "vacant" if n < q.seats else "ok"
        out.append({"quota": q, "unit": q.unit, "kind": q.get_kind_display(), "seats": q.seats, "held": n, "state": state, "gap": q.seats - n})
    return out


# --- selections -------------------------------------------------------------------------------------------------


def selections(actor: Actor, *, in_flight: bool | None = None):
    qs = scope(Selection.objects.select_related("org", "post__unit", "instance", "appointee"), actor)
    if in_flight is True:
        qs = qs.filter(instance__status__in=[ProcedureStatus.ACTIVE, ProcedureStatus.PAUSED])
    return qs.annotate(open_flags=Count("flags", filter=Q(flags__closed_at__isnull=True))).order_by("-created_at", "-id")


def get_selection(actor: Actor, pk) -> Selection:
    return get_in_scope(Selection.objects.select_related("org", "post__unit", "instance", "appointee"), actor, pk=pk)


def selection_flags(selection: Selection):
    return SelectionFlag.objects.filter(selection=selection).order_by("-raised_at")


EXTRA_LABELS = {"results": "推荐结果", "appointment": "任职记录", "probation_until": "试用期至", "version": "规则版本", "notice_place": "公示地点/方式"}


def labelled(definition, step_key: str, data: dict) -> dict:
    """A step record's values under their Chinese labels: choices by name, cadres by name (never ids or codes)."""
    fields = {}
    if step_key:
        try:
            fields = {f.name: f for f in definition.step(step_key).fields}
        except Exception:
            fields = {}
    out = {}
    for key, value in (data or {}).items():
        f = fields.get(key)
        if f is None:
            if key == "results" and isinstance(value, dict):
                value = {("会议推荐" if k == "meeting_ballot" else "谈话推荐"): "、".join(f"{o['label']}{o['votes']}票" for o in v) for k, v in value.items()}
            elif key == "appointment":
                continue
            out[EXTRA_LABELS.get(key, key)] = value
            continue
        if f.type == "choice":
            value = dict(f.choices).get(value, value)
        elif f.type in ("member", "members"):
            ids = value if isinstance(value, list) else [value]
            names = dict(Cadre.objects.filter(pk__in=ids).values_list("pk", "name"))
            value = "、".join(names.get(i, "") for i in ids)
        elif f.type == "bool":
            value = "是" if value else "否"
        elif key.endswith("_ballot"):
            from orgwork.core.ballots.models import Ballot

            value = Ballot.objects.filter(pk=value).values_list("title", flat=True).first() or ""
        out[f.label] = value
    return out


def selection_record(selection: Selection) -> dict:
    """Everything the selection's file holds (纪实): steps with who/when/documents/comment, notices and objections,
    candidates, recommendation ballots (results once closed), flags, the appointment."""
    from orgwork.core.ballots.models import Ballot, BallotStatus
    from orgwork.core.procedures import definition_for

    inst = selection.instance
    d = definition_for(inst)
    records = []
    for r in proc_reads.timeline(inst):
        records.append(
            {
                "seq": r.seq, "action": r.get_action_display(), "step": r.step_title or r.step, "done_on": r.done_on, "actor": r.actor_label,
                "responsible": r.responsible, "comment": r.comment, "data": labelled(d, r.step, r.data), "valid": r.valid,
                "documents": [f"{a.label}：{a.reference or a.filename}" for a in r.attachments.all()],
            }
        )
    ballots = []
    for b in Ballot.objects.filter(owner_type="cadres.selection", owner_id=str(selection.pk)).order_by("pk"):
        ballots.append({"ballot": b, "results": b.results if b.status == BallotStatus.CLOSED else None})
    notices = []
    for n in proc_reads.notices(inst):
        notices.append({"notice": n, "objections": list(n.objections.all())})
    return {
        "selection": selection,
        "definition": d,
        "records": records,
        "candidates": list(selection.candidates.select_related("cadre").order_by("cadre__name")),
        "ballots": ballots,
        "notices": notices,
        "flags": list(selection_flags(selection)),
        "appointments": list(selection.appointments.select_related("cadre", "post__unit")),
    }


# --- registry checks (daily) ---------------------------------------------------------------------------------------


def retirement_date(cadre: Cadre, rs) -> dt.date:
    return add_years(cadre.birth_date, rs["retirement_age"][cadre.gender])


def registry_warnings(actor: Actor, *, today: dt.date | None = None) -> list[dict]:
    """Kinship in one unit's team, ≥10 years in one post, retirement due within the warning window, a unit head who
    is not also its party secretary where the posts say so. Each item names the cadre and the rule."""
    today = today or dt.date.today()
    rs = registry_rules(today)
    out = []
    current = list(
        scope(Appointment.objects.select_related("cadre", "post__unit"), actor).filter(action=AppointmentAction.APPOINT, ended_on__isnull=True, cadre__status=CadreStatus.SERVING)
    )
    by_unit = defaultdict(set)
    for a in current:
        if a.post.in_team:
            by_unit[a.post.unit_id].add(a.cadre_id)
        years = years_between(a.on, today)
        if years >= rs["rotation_years"]:
            out.append({"kind": "rotation", "cadre": a.cadre, "unit": a.post.unit, "text": _("%(name)s任%(post)s已满%(years)s年，应当交流（满%(rotation_years)s年）") % {
                "name": a.cadre.name, "post": a.post, "years": years, "rotation_years": rs["rotation_years"]}})
    for k in scope(Kinship.objects.select_related("cadre", "relative"), actor):
        for unit_id, members in by_unit.items():
            if k.cadre_id in members and k.relative_id in members:
                unit = next(a.post.unit for a in current if a.post.unit_id == unit_id)
                out.append({"kind": "kinship", "cadre": k.cadre, "unit": unit, "text": _("%(name)s与%(relative)s（%(relation)s）同在%(unit)s领导班子，应当回避") % {
                    "name": k.cadre.name, "relative": k.relative.name, "relation": k.relation, "unit": unit.name}})
    seen = set()
    for a in current:
        if a.cadre_id in seen:
            continue
        seen.add(a.cadre_id)
        retire_on = retirement_date(a.cadre, rs)
        if retire_on <= add_months(today, rs["retirement_warning_months"]):
            out.append({"kind": "age", "cadre": a.cadre, "unit": a.post.unit, "text": _("%(name)s将于%(year)s年%(month)02d月%(day)02d日达到退休年龄") % {
                "name": a.cadre.name, "year": retire_on.year, "month": retire_on.month, "day": retire_on.day}})
    heads = defaultdict(set)
    secretaries = defaultdict(set)
    for a in current:
        if a.post.is_unit_head:
            heads[a.post.unit_id].add(a.cadre_id)
        if a.post.is_party_secretary:
            secretaries[a.post.unit_id].add(a.cadre_id)
    for a in current:
        # Agencies: the head is normally also the secretary of the unit's party group; townships keep them apart.
        if a.post.is_unit_head and a.post.unit.kind != "township" and secretaries[a.post.unit_id] and a.cadre_id not in secretaries[a.post.unit_id]:
            out.append({"kind": "secretary", "cadre": a.cadre, "unit": a.post.unit, "text": _("%(unit)s行政主要负责人%(name)s未兼任党组织书记") % {"unit": a.post.unit.name, "name": a.cadre.name}})
    return out


def township_secretary_share(actor: Actor, *, today: dt.date | None = None) -> dict:
    """County leaders (county-level ranks) who have held a township party secretary post, against the seed-001 target."""
    today = today or dt.date.today()
    rs = registry_rules(today)
    leaders = list(scope(Cadre.objects.all(), actor).filter(status=CadreStatus.SERVING, rank__in=["county_principal", "county_deputy"]))
    with_exp = set(
        scope(Appointment.objects.all(), actor)
        .filter(action=AppointmentAction.APPOINT, post__is_party_secretary=True, post__unit__kind="township", cadre__in=leaders)
        .values_list("cadre_id", flat=True)
    )
    n = len(leaders)
    return {"leaders": n, "with_experience": len(with_exp), "target": rs["township_secretary_share_target"], "met": bool(n) and at_least_share(len(with_exp), n, rs["township_secretary_share_target"])}


def competition_report(actor: Actor, *, year: int) -> list[dict]:
    """Per unit: promotions of the year and how many were competitive, against the seed-001 targets."""
    rs = competition_rules(dt.date(year, 12, 31))
    rows = defaultdict(lambda: {"promoted": 0, "competitive": 0, "middle": 0, "middle_competitive": 0})
    for a in scope(Appointment.objects.select_related("post__unit"), actor).filter(action=AppointmentAction.APPOINT, on__year=year):
        r = rows[a.post.unit]
        if a.post.kind == PostKind.INTERNAL:
            r["middle"] += 1
            r["middle_competitive"] += int(a.competitive)
        if a.promotion:
            r["promoted"] += 1
            r["competitive"] += int(a.competitive)
    out = []
    for unit, r in sorted(rows.items(), key=lambda kv: kv[0].name):
        target = rs["new_leaders_share_city"] if unit.city_level else rs["new_leaders_share_county"]
        out.append(
            {
                "unit": unit, **r, "target": target, "met": (not r["promoted"]) or at_least_share(r["competitive"], r["promoted"], target),
                "middle_target": rs["city_middle_managers_share"] if unit.city_level else None,
                "middle_met": (not unit.city_level or not r["middle"]) or at_least_share(r["middle_competitive"], r["middle"], rs["city_middle_managers_share"]),
                "share": float(share(r["competitive"]) / r["promoted"]) if r["promoted"] else None,
            }
        )
    return out


def cadre_ids_by_names(actor: Actor, text: str) -> list[int]:
    """Names typed in a list (、,，); a name shared by two cadres must carry the ID number's last 4 (王五1234)."""
    import re

    from orgwork.core.errors import FieldError, ServiceError

    out, errors = [], []
    for token in [t for t in re.split(r"[、,，;；\s]+", text or "") if t]:
        m = re.match(r"^(.*?)(\d{3}[\dXx])?$", token)
        name, tail = m.group(1), (m.group(2) or "").upper()
        qs = scope(Cadre.objects.filter(name=name, status=CadreStatus.SERVING), actor)
        if tail:
            qs = qs.filter(id_number__endswith=tail)
        found = list(qs.values_list("pk", flat=True)[:2])
        if not found:
            errors.append(FieldError("names", "not_found", _("名册中没有在职干部“%(name)s”") % {"name": token}))
        elif len(found) > 1:
            errors.append(FieldError("names", "ambiguous", _("名册中有多名“%(name)s”，请在姓名后加身份证号码后4位") % {"name": name}))
        else:
            out.append(found[0])
    if errors:
        raise ServiceError(errors)
    return out


def reserves(actor: Actor, *, year: int) -> list[dict]:
    """The reserve pool ranked by accumulated points (highest first), with the year's score and training hours."""
    from orgwork.core.scoring.models import ScoreTotal
    from orgwork.training.selectors import hours

    from .models import ReserveCadre

    rows = []
    pool = list(scope(ReserveCadre.objects.select_related("cadre", "org"), actor).filter(removed_on__isnull=True))
    totals = defaultdict(dict)
    for t in ScoreTotal.objects.filter(indicator_set__code="cadres.reserve", subject_type="cadres.cadre", subject_id__in=[str(r.cadre_id) for r in pool], bucket__startswith="Y"):
        totals[int(t.subject_id)][t.bucket] = t.total
    for r in pool:
        mine = totals[r.cadre_id]
        rows.append(
            {
                "reserve": r, "cadre": r.cadre, "year_total": mine.get(f"Y{year}", 0), "accumulated": sum(mine.values()),
                "hours": hours(r.cadre.id_number, dt.date(year, 1, 1), dt.date(year, 12, 31)),
            }
        )
    rows.sort(key=lambda x: (-x["accumulated"], x["cadre"].name))
    for i, row in enumerate(rows, start=1):
        row["rank"] = i
    return rows


# --- competitive selection -------------------------------------------------------------------------------------------


def competitions(actor: Actor, *, in_flight: bool | None = None):
    from .models import Competition

    qs = scope(Competition.objects.select_related("org", "post__unit", "instance"), actor)
    if in_flight is True:
        qs = qs.filter(instance__status__in=[ProcedureStatus.ACTIVE, ProcedureStatus.PAUSED])
    return qs.annotate(applicants=Count("applications", filter=Q(applications__withdrawn_on__isnull=True))).order_by("-created_at", "-id")


def get_competition(actor: Actor, pk):
    from .models import Competition

    return get_in_scope(Competition.objects.select_related("org", "post__unit", "instance"), actor, pk=pk)


def applications(competition):
    """Applications, ranked first (by 名次), then the others by name."""
    from django.db.models import F

    return list(competition.applications.filter(withdrawn_on__isnull=True).select_related("cadre").order_by(F("rank").asc(nulls_last=True), "cadre__name", "id"))


def open_competitions(*, today: dt.date | None = None):
    """Posts open for applications today (what a cadre signed in may apply for: the announcement is public)."""
    from .models import Competition

    today = today or dt.date.today()
    return (
        Competition.objects.select_related("org", "post__unit", "instance")
        .filter(instance__status=ProcedureStatus.ACTIVE, instance__step="qualification", apply_from__lte=today, apply_until__gte=today)
        .order_by("apply_until", "id")
    )


def competition_record(competition) -> dict:
    """The competition's file: steps with who/when/documents, the publicity notice with its objections, the ranking."""
    from orgwork.core.procedures import definition_for

    inst = competition.instance
    d = definition_for(inst)
    records = []
    for r in proc_reads.timeline(inst):
        data = labelled(d, r.step, {k: v for k, v in r.data.items() if k not in ("ranking", "appointments")})
        if r.data.get("ranking"):
            data[_("综合成绩排名")] = "；".join(r.data["ranking"])
        records.append(
            {
                "seq": r.seq, "action": r.get_action_display(), "step": r.step_title or r.step, "done_on": r.done_on, "actor": r.actor_label, "comment": r.comment,
                "data": data, "valid": r.valid, "documents": [f"{a.label}：{a.reference or a.filename}" for a in r.attachments.all()],
            }
        )
    notices = [{"notice": n, "objections": list(n.objections.all())} for n in proc_reads.notices(inst)]
    return {"definition": d, "records": records, "notices": notices, "applications": applications(competition), "appointments": list(competition.appointments.select_related("cadre", "post__unit"))}


# --- daily oversight -------------------------------------------------------------------------------------------------


def moments(actor: Actor, *, open_only: bool = True):
    from .models import KeyMoment

    qs = scope(KeyMoment.objects.select_related("org", "cadre"), actor)
    if open_only:
        qs = qs.filter(done_on__isnull=True)
    return qs.order_by("on", "id")


def inspections(actor: Actor):
    """Inspection tours with their findings and, for findings sent, the rectification ledger's status."""
    from orgwork.worklists import selectors as worklists

    from .models import Finding, Inspection

    rows = []
    items = list(scope(Inspection.objects.select_related("org", "unit"), actor).order_by("-start_on", "-id"))
    findings = defaultdict(list)
    for f in Finding.objects.filter(inspection__in=items).order_by("id"):
        findings[f.inspection_id].append(f)
    ids = [f.issue_id for fs in findings.values() for f in fs if f.issue_id]
    status = {i.pk: i.get_status_display() for i in worklists.issues(actor).filter(pk__in=ids)} if ids else {}
    for i in items:
        rows.append({"inspection": i, "findings": [{"finding": f, "issue_status": status.get(f.issue_id, "")} for f in findings[i.pk]], "unsent": sum(1 for f in findings[i.pk] if not f.issue_id)})
    return rows


def side_jobs(actor: Actor, *, current_only: bool = True) -> list[dict]:
    """Side jobs with the rules each one breaks (rule data), flagged first."""
    from .models import SideJob
    from .rules import side_job_flags, side_job_rules

    rs = side_job_rules()
    qs = scope(SideJob.objects.select_related("cadre__org"), actor)
    if current_only:
        qs = qs.filter(ended_on__isnull=True)
    rows = [{"job": j, "flags": side_job_flags(rs, j, j.cadre.status)} for j in qs.order_by("cadre__name", "-started_on", "id")]
    rows.sort(key=lambda r: not r["flags"])
    return rows


def flagged_side_jobs(actor: Actor) -> list[dict]:
    return [r for r in side_jobs(actor) if r["flags"]]


def talks(actor: Actor):
    """Talk records a designated reader may open (who, when, kind — never the content: that is read one at a time)."""
    from .models import Talk
    from .services import TALKS, _reader_scope

    return _reader_scope(Talk.objects.select_related("cadre__org"), actor, TALKS).order_by("-on", "-id")


def open_problems(actor: Actor):
    from .models import TalkProblem
    from .services import TALKS, _reader_scope

    return _reader_scope(TalkProblem.objects.select_related("cadre"), actor, TALKS).filter(closed_on__isnull=True).order_by("due_on", "id")
