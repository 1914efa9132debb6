"""Writes of the scores module (keyword-only, one transaction, an audit event). Scoring itself is the kernel's
engine (orgwork.core.scoring); this module adds the member/branch/leadership uses around it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgwork.core import audit
from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, PermissionDenied, ServiceError
from orgwork.core.normalize import add_months, clean_text
from orgwork.core.params import writable_org
from orgwork.core.rules import rule
from orgwork.core.scope import get_in_scope, scope
from orgwork.core.scoring import calc
from orgwork.core.scoring import services as engine
from orgwork.core.scoring.models import IndicatorSet, ScoreTotal, Source
from orgwork.members.models import Member
from orgwork.orgs.models import BRANCH_KINDS, Org

from . import rules
from .models import Assessment, AssessmentSubject, CaseState, DutyPost, Rectification, StarRating, Tally


def ensure_defaults() -> None:
    """Install the shipped default indicator sets (marked "default — replace with the department's own") once."""
    have = set(IndicatorSet.objects.filter(code__in=[s["code"] for s in rules.DEFAULT_SETS]).values_list("code", flat=True))
    for spec in rules.DEFAULT_SETS:
        if spec["code"] not in have:
            engine.install(actor=Actor.system_actor("scores.defaults"), spec=spec)


def _member_for(actor: Actor, member_id) -> Member:
    """A member the actor may score: their own record, or one in their write scope."""
    qs = Member.objects.select_related("org")
    try:
        pk = int(member_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if pk in actor.self_member_ids:
        return qs.get(pk=pk)
    return get_in_scope(qs, actor, write=True, pk=pk)


# --- member points ------------------------------------------------------------------------------------------------
def submit_points(*, actor: Actor, member_id, indicator_code: str, occurred_on: dt.date, units=1, points=None, note: str = "", files=(), today=None):
    ensure_defaults()
    member = _member_for(actor, member_id)
    return engine.submit(
        actor=actor, set_code=rules.MEMBER_POINTS, indicator_code=indicator_code, subject=member, occurred_on=occurred_on,
        units=units, points=points, note=note, files=files, today=today,
    )  # fmt: skip


def approve(*, actor: Actor, entry_id):
    return engine.approve(actor=actor, entry_id=entry_id)


def return_entry(*, actor: Actor, entry_id, reason: str):
    return engine.return_entry(actor=actor, entry_id=entry_id, reason=reason)


def publish_month(*, actor: Actor, org_id, year: int, month: int, until: dt.date | None = None, today=None, set_code: str = rules.MEMBER_POINTS):
    """The branch posts its month (公示): the month's totals become visible to its members; appeals may be filed."""
    ensure_defaults()
    start = dt.date(year, month, 1)
    _s, end = calc.month_bounds(start)
    with transaction.atomic():
        p = engine.open_period(actor=actor, set_code=set_code, org_id=org_id, kind="month", starts_on=start, ends_on=end, label=f"{year}年{month}月")
        return engine.publish_period(actor=actor, period_id=p.pk, until=until, today=today)


def publish_year(*, actor: Actor, org_id, year: int, set_code: str, until: dt.date | None = None, today=None):
    ensure_defaults()
    with transaction.atomic():
        p = engine.open_period(actor=actor, set_code=set_code, org_id=org_id, kind="year", starts_on=dt.date(year, 1, 1), ends_on=dt.date(year, 12, 31), label=f"{year}年度")
        return engine.publish_period(actor=actor, period_id=p.pk, until=until, today=today)


def lock_period(*, actor: Actor, period_id, today=None):
    return engine.lock_period(actor=actor, period_id=period_id, today=today)


def file_appeal(*, actor: Actor, period_id, content: str, member_id=None, org_id=None, entry_id=None, today=None):
    if member_id is not None:
        subject = _member_for(actor, member_id)
    else:
        subject = get_in_scope(Org.objects.all(), actor, write=True, pk=org_id)
    return engine.file_appeal(actor=actor, period_id=period_id, subject=subject, content=content, entry_id=entry_id, today=today)


def answer_appeal(*, actor: Actor, appeal_id, upheld: bool, answer: str, today=None):
    return engine.answer_appeal(actor=actor, appeal_id=appeal_id, upheld=upheld, answer=answer, today=today)


# --- duty posts for members without office (无职党员设岗定责) ----------------------------------------------------
@transaction.atomic
def create_post(*, actor: Actor, member_id, title: str, duties: str, started_on: dt.date) -> DutyPost:
    member = get_in_scope(Member.objects.select_related("org"), actor, write=True, pk=member_id)
    title, duties = clean_text(title), clean_text(duties)
    if not title or not duties:
        raise ServiceError.single("title" if not title else "duties", "required", _("请填写岗位名称和岗位职责"))
    if member.posts.filter(ended_on__isnull=True).exists():
        raise ServiceError.single("member", "holds_office", _("%(name)s担任党内职务，不属于无职党员") % {"name": member.name})
    if DutyPost.objects.filter(member=member, ended_on__isnull=True).exists():
        raise ServiceError.single("member", "duplicate_existing", _("%(name)s已有在岗的设岗") % {"name": member.name})
    post = DutyPost.objects.create(member=member, org=member.org, title=title[:60], duties=duties[:500], started_on=started_on)
    audit.record(actor, "scores.post_create", post, data={"member": member.pk, "title": post.title})
    return post


@transaction.atomic
def end_post(*, actor: Actor, post_id, ended_on: dt.date) -> DutyPost:
    post = get_in_scope(DutyPost.objects.select_for_update(of=("self",)).select_related("org"), actor, write=True, pk=post_id)
    if post.ended_on is not None:
        raise ServiceError.single("post", "not_active", _("该岗位已撤岗"))
    if ended_on < post.started_on:
        raise ServiceError.single("ended_on", "date_order", _("撤岗日期不能早于设岗日期"))
    post.ended_on = ended_on
    post.save(update_fields=["ended_on"])
    audit.record(actor, "scores.post_end", post, data={"ended_on": ended_on})
    return post


def score_post(*, actor: Actor, post_id, month: dt.date, points, note: str = "", today=None):
    """The monthly duty-post score (indicator duty_post, reviewer-scored like the rest of the member points)."""
    post = get_in_scope(DutyPost.objects.select_related("member", "org"), actor, write=True, pk=post_id)
    return engine.submit(
        actor=actor, set_code=rules.MEMBER_POINTS, indicator_code="duty_post", subject=post.member, occurred_on=month, points=points,
        note=clean_text(note) or f"设岗：{post.title}", today=today,
    )  # fmt: skip


# --- branch standardization and stars ------------------------------------------------------------------------------
@transaction.atomic
def self_assess(*, actor: Actor, org_id, year: int, scores: dict, on: dt.date | None = None, today=None) -> list:
    """The branch scores itself on the reviewer items of the rubric; the level above reviews (approves) each."""
    ensure_defaults()
    org = writable_org(actor, org_id)
    if org.kind not in BRANCH_KINDS:
        raise ServiceError.single("org", "bad_value", _("星级评定的对象是党支部"))
    today = today or timezone.localdate()
    on = on or min(dt.date(year, 12, 31), today)
    out = []
    for code, value in scores.items():
        if value in (None, ""):
            continue
        out.append(engine.submit(actor=actor, set_code=rules.BRANCH_STARS, indicator_code=code, subject=org, occurred_on=on, points=value, note=f"{year}年度自评", today=today))
    if not out:
        raise ServiceError.single("scores", "required", _("请至少填写一项自评得分"))
    return out


def _vacant_months(org: Org, today: dt.date) -> int:
    from .providers import vacancies

    for o, since in vacancies(today):
        if o.pk == org.pk and since is not None:
            months = (today.year - since.year) * 12 + today.month - since.month - (1 if today.day < since.day else 0)
            return max(months, 0)
    return 0


@transaction.atomic
def rate_branch(*, actor: Actor, org_id, year: int, today=None) -> StarRating:
    """The level above rates the branch for the year from the reviewed rubric total (automatic deductions included):
    stars by the rule's thresholds; a total below the line or a long secretary vacancy flags it 软弱涣散 and opens a
    rectification case. Re-rated every year: stars can be lost."""
    ensure_defaults()
    org = writable_org(actor, org_id, lock=True)
    if not actor.unrestricted and not any(g.can_write and org.path.startswith(g.path) and g.path != org.path for g in actor.effective_grants):
        raise PermissionDenied()
    today = today or timezone.localdate()
    r = rule("scores.stars", on=dt.date(year, 12, 31) if dt.date(year, 12, 31) < today else today)
    row = ScoreTotal.objects.filter(indicator_set__code=rules.BRANCH_STARS, bucket=f"Y{year}", subject_type="orgs.org", subject_id=org.pk).first()
    total = row.total if row else Decimal("0.00")
    stars = rules.stars_for(total, r)
    prev = StarRating.objects.filter(org=org, year=year - 1).values_list("stars", flat=True).first()
    reasons = []
    if total < r["weak_below"]:
        reasons.append(f"得分{total}低于{r['weak_below']}分")
    vacant = _vacant_months(org, today)
    if vacant >= r["weak_vacancy_months"]:
        reasons.append(f"书记空缺{vacant}个月")
    rating, created = StarRating.objects.update_or_create(
        org=org, year=year,
        defaults={"total": total, "stars": stars, "previous_stars": prev, "weak": bool(reasons), "weak_reason": "；".join(reasons)[:300],
                  "rule_version": r.version, "rated_by": actor.label, "rated_on": today},
    )  # fmt: skip
    audit.record(actor, "scores.rate_branch", rating, data={"year": year, "total": total, "stars": stars, "weak": bool(reasons), "created": created})
    if reasons and not Rectification.objects.filter(org=org, state=CaseState.OPEN).exists():
        open_case(actor=actor, org_id=org.pk, year=year, reason="；".join(reasons), today=today)
    return rating


@transaction.atomic
def open_case(*, actor: Actor, org_id, year: int, reason: str, deadline: dt.date | None = None, today=None) -> Rectification:
    org = writable_org(actor, org_id)
    today = today or timezone.localdate()
    reason = clean_text(reason)
    if not reason:
        raise ServiceError.single("reason", "required", _("请填写列入软弱涣散党组织的原因"))
    if Rectification.objects.filter(org=org, state=CaseState.OPEN).exists():
        raise ServiceError.single("org", "duplicate_existing", _("“%(name)s”已有整顿中的案件") % {"name": org.name})
    deadline = deadline or add_months(today, rule("scores.stars", on=today)["rectification_months"])
    case = Rectification.objects.create(org=org, year=year, reason=reason[:300], opened_on=today, deadline=deadline)
    audit.record(actor, "scores.case_open", case, data={"reason": case.reason, "deadline": deadline})
    return case


def _case(actor: Actor, case_id) -> Rectification:
    return get_in_scope(Rectification.objects.select_for_update(of=("self",)).select_related("org"), actor, write=True, pk=case_id)


@transaction.atomic
def plan_case(*, actor: Actor, case_id, leader_id=None, team: str = "", measures: str = "", deadline: dt.date | None = None) -> Rectification:
    """The rectification plan: a leader from the leadership above, the working team, measures, the deadline."""
    case = _case(actor, case_id)
    if case.state != CaseState.OPEN:
        raise ServiceError.single("case", "not_active", _("该案件已验收或销号"))
    before = audit.snapshot(case, ["leader_id", "team", "measures", "deadline"])
    if leader_id is not None:
        leader = get_in_scope(Member.objects.select_related("org"), actor, pk=leader_id)
        if not (case.org.path.startswith(leader.org.path) and leader.org.path != case.org.path):
            raise ServiceError.single("leader", "bad_value", _("包联领导应为上级党组织领导班子成员"))
        case.leader = leader
    case.team = clean_text(team)[:300] or case.team
    case.measures = clean_text(measures) or case.measures
    if deadline is not None:
        if deadline < case.opened_on:
            raise ServiceError.single("deadline", "date_order", _("整顿期限不能早于列入日期"))
        case.deadline = deadline
    case.save()
    audit.record(actor, "scores.case_plan", case, changes=audit.diff(before, audit.snapshot(case, ["leader_id", "team", "measures", "deadline"])))
    return case


@transaction.atomic
def accept_case(*, actor: Actor, case_id, opinion: str, on: dt.date | None = None) -> Rectification:
    case = _case(actor, case_id)
    if case.state != CaseState.OPEN:
        raise ServiceError.single("case", "not_active", _("该案件不在整顿中"))
    if not _above(actor, case.org):
        raise PermissionDenied()
    opinion = clean_text(opinion)
    if not opinion:
        raise ServiceError.single("acceptance", "required", _("请填写验收意见"))
    case.state, case.accepted_on, case.acceptance = CaseState.ACCEPTED, on or timezone.localdate(), opinion[:500]
    case.save(update_fields=["state", "accepted_on", "acceptance"])
    audit.record(actor, "scores.case_accept", case, data={"opinion": case.acceptance})
    return case


@transaction.atomic
def remove_case(*, actor: Actor, case_id, on: dt.date | None = None) -> Rectification:
    """销号: after acceptance, the branch leaves the list."""
    case = _case(actor, case_id)
    if case.state != CaseState.ACCEPTED:
        raise ServiceError.single("case", "not_accepted", _("验收合格后才能销号"))
    if not _above(actor, case.org):
        raise PermissionDenied()
    case.state, case.removed_on = CaseState.REMOVED, on or timezone.localdate()
    case.save(update_fields=["state", "removed_on"])
    audit.record(actor, "scores.case_remove", case, data={"removed_on": case.removed_on})
    return case


def _above(actor: Actor, org: Org) -> bool:
    return actor.unrestricted or any(g.can_write and org.path.startswith(g.path) and g.path != org.path for g in actor.effective_grants)


# --- assessments of leadership teams and secretaries (述职评议) ----------------------------------------------------
@transaction.atomic
def create_assessment(*, actor: Actor, org_id, subject: str, year: int, kind: str, held_on: dt.date, member_id=None) -> Assessment:
    org = writable_org(actor, org_id)
    if subject not in AssessmentSubject.values:
        raise ServiceError.single("subject", "bad_value", _("考核对象不正确"))
    member = None
    if subject == AssessmentSubject.SECRETARY:
        if member_id is None:
            raise ServiceError.single("member", "required", _("请选择被评议的书记"))
        member = get_in_scope(Member.objects.all(), actor, pk=member_id)
    r = rule("scores.assessment", on=held_on)
    a = Assessment.objects.create(
        org=org, subject=subject, member=member, year=year, kind=kind, held_on=held_on, rule_version=r.version, created_by=actor.label,
        groups=[{"code": c, "label": label, "weight": w} for c, label, w in r["groups"]],
    )  # fmt: skip
    audit.record(actor, "scores.assessment_create", a, data={"year": year, "kind": kind, "subject": subject})
    return a


def _counts(raw: dict, r) -> dict:
    out = {}
    for grade, _pts in r["rating_points"]:
        v = raw.get(grade, 0)
        try:
            n = int(v or 0)
        except (TypeError, ValueError):
            raise ServiceError.single(grade, "bad_value", _("“%(grade)s”票数应为整数") % {"grade": grade}) from None
        if not 0 <= n <= 100000:
            raise ServiceError.single(grade, "out_of_range", _("“%(grade)s”票数应在0到100000之间") % {"grade": grade})
        out[grade] = n
    if not sum(out.values()):
        raise ServiceError.single("counts", "required", _("请填写票数"))
    return out


@transaction.atomic
def enter_tally(*, actor: Actor, assessment_id, group: str, counts: dict) -> Tally:
    """Enter one rater group's paper ballots. Each group is entered twice; the last two entries must agree."""
    a = get_in_scope(Assessment.objects.select_for_update(of=("self",)).select_related("org"), actor, write=True, pk=assessment_id)
    if a.decided_on:
        raise ServiceError.single("assessment", "decided", _("评议结果已确定"))
    if group not in {g["code"] for g in a.groups}:
        raise ServiceError.single("group", "bad_value", _("评议主体不正确"))
    r = rule("scores.assessment", version=a.rule_version)
    clean = _counts(counts, r)
    last = a.tallies.filter(group=group).order_by("-round").first()
    t = Tally.objects.create(assessment=a, group=group, round=(last.round + 1) if last else 1, counts=clean, entered_by=actor.user, entered_label=actor.label)
    audit.record(actor, "scores.tally", t, data={"group": group, "round": t.round, "counts": clean}, org_path=a.org.path)
    return t


def tally_state(a: Assessment) -> dict:
    """{group: (counts or None, message, problem code)}: agreed counts when the last two entries match; else the error
    code deciding would give ("required": an entry missing, "tally_mismatch": the two differ)."""
    out = {}
    for g in a.groups:
        rows = list(a.tallies.filter(group=g["code"]).order_by("-round")[:2])
        if len(rows) < 2:
            out[g["code"]] = (None, _("待第二次录入") if rows else _("未录入"), "required")
        elif rows[0].counts != rows[1].counts:
            diff = [k for k in rows[0].counts if rows[0].counts.get(k) != rows[1].counts.get(k)]
            out[g["code"]] = (None, _("两次录入不一致（%(fields)s），请核对选票后再录入一次") % {"fields": "、".join(diff)}, "tally_mismatch")
        else:
            out[g["code"]] = (rows[0].counts, _("两次录入一致"), "")
    return out


@transaction.atomic
def decide_assessment(*, actor: Actor, assessment_id, on: dt.date | None = None) -> Assessment:
    a = get_in_scope(Assessment.objects.select_for_update(of=("self",)).select_related("org"), actor, write=True, pk=assessment_id)
    if a.decided_on:
        raise ServiceError.single("assessment", "decided", _("评议结果已确定"))
    r = rule("scores.assessment", version=a.rule_version)
    points = dict(r["rating_points"])
    state = tally_state(a)
    total_w, acc = Decimal(0), Decimal(0)
    for g in a.groups:
        counts, msg, problem = state[g["code"]]
        if counts is None:
            raise ServiceError.single("tallies", problem, _("%(group)s：%(message)s") % {"group": g["label"], "message": msg})
        n = sum(counts.values())
        mean = Decimal(sum(points[k] * v for k, v in counts.items())) / Decimal(n)
        acc += mean * Decimal(g["weight"])
        total_w += Decimal(g["weight"])
    score = calc.q(acc / total_w)
    a.score, a.grade, a.decided_on = score, rules.assessment_grade(score, r), on or timezone.localdate()
    a.save(update_fields=["score", "grade", "decided_on"])
    audit.record(actor, "scores.assessment_decide", a, data={"score": score, "grade": a.grade})
    return a


def writable_member_ids(actor: Actor, ids) -> list[int]:
    return list(scope(Member.objects.filter(pk__in=ids), actor, write=True).values_list("pk", flat=True))


def self_source(indicator) -> bool:
    return indicator.source == Source.SELF
