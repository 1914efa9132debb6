"""Annual member appraisal (民主评议党员): self-assessment → mutual assessment → democratic rating → grades.

Grades 优秀/合格/基本合格/不合格 are decided by the branch and kept on each member's file; an unqualified
member is handed to the handling procedure (the lifecycle issue's 处置不合格党员), by a registered handler.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _

from orgwork.core import audit, distribution
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, ServiceError
from orgwork.core.normalize import clean_text
from orgwork.core.scope import scope
from orgwork.discipline.selectors import voting_basis
from orgwork.orgs.models import BRANCH_KINDS

from .models import AppraisalEntry, AppraisalRound, AppraisalStage, Grade, HandlingStatus
from .rules import appraisal_rules
from .services import _writable_org, roster

log = logging.getLogger(__name__)
STAGE_ORDER = [AppraisalStage.SELF, AppraisalStage.MUTUAL, AppraisalStage.RATING, AppraisalStage.DECIDED, AppraisalStage.CLOSED]

# The lifecycle app registers the procedure that takes over an unqualified member:
#     from orgwork.meetings.appraisal import register_handler
#     register_handler(lambda *, actor, entry: "procedure reference")
_HANDLERS: list[Callable] = []


def register_handler(fn: Callable) -> Callable:
    _HANDLERS.append(fn)
    return fn


def suggest_grade(*, excellent: int, qualified: int, basic: int, unqualified: int, rules=None) -> str:
    """The grade the democratic rating points to; the branch still decides."""
    rules = rules or appraisal_rules()
    total = excellent + qualified + basic + unqualified
    if total == 0:
        return ""
    if unqualified / total > rules["unqualified_vote_share"]:
        return Grade.UNQUALIFIED
    if (basic + unqualified) / total > rules["basic_vote_share"]:
        return Grade.BASIC
    if excellent / total > rules["excellent_vote_share"]:
        return Grade.EXCELLENT
    return Grade.QUALIFIED


def _round(actor: Actor, round_id) -> AppraisalRound:
    try:
        return scope(AppraisalRound.objects.select_for_update().select_related("org"), actor, write=True).get(pk=round_id)
    except (AppraisalRound.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _entry(r: AppraisalRound, member_id) -> AppraisalEntry:
    try:
        return r.entries.select_for_update().get(member_id=member_id)
    except (AppraisalEntry.DoesNotExist, ValueError, TypeError):
        raise ServiceError.single("member", "not_in_round", _("该党员不在本次评议名单中")) from None


def _require_stage(r: AppraisalRound, *stages):
    if r.stage not in stages:
        labels = "、".join(str(AppraisalStage(s).label) for s in stages)
        raise ServiceError.single("stage", "wrong_stage", _("当前阶段为“%(stage)s”，此操作只能在“%(labels)s”阶段进行") % {"stage": r.get_stage_display(), "labels": labels})


@transaction.atomic
def start_round(*, actor: Actor, org_id: int, year: int, started_on: dt.date | None = None) -> AppraisalRound:
    org = _writable_org(actor, org_id)
    if org.kind not in BRANCH_KINDS:
        raise ServiceError.single("org", "not_a_branch", _("民主评议党员由党支部组织"))
    if AppraisalRound.objects.filter(org=org, year=year).exists():
        raise ServiceError.single("year", "duplicate_existing", _("%(year)s年度的民主评议已开始") % {"year": year})
    started_on = started_on or dt.date.today()
    r = AppraisalRound.objects.create(org=org, year=year, started_on=started_on, rules_version=appraisal_rules(started_on).version)
    members = list(roster(org).values_list("pk", flat=True))
    entries = [AppraisalEntry(round=r, member_id=m) for m in members]
    distribution.fill(entries)  # the distribution column, from each member (one query)
    AppraisalEntry.objects.bulk_create(entries)
    audit.record(actor, "appraisal.start", r, data={"year": year, "members": len(members)})
    return r


@transaction.atomic
def advance(*, actor: Actor, round_id: int) -> AppraisalRound:
    """Move to the next stage: self → mutual → rating → decided (grades) → closed."""
    r = _round(actor, round_id)
    i = STAGE_ORDER.index(r.stage)
    if r.stage == AppraisalStage.CLOSED:
        raise ServiceError.single("stage", "closed", _("本次评议已结束"))
    if r.stage == AppraisalStage.RATING:
        raise ServiceError.single("stage", "use_decide", _("请通过“组织评定”确定等次"))
    if r.stage == AppraisalStage.DECIDED:
        pending = r.entries.filter(grade=Grade.UNQUALIFIED).exclude(handling=HandlingStatus.HANDED_OVER).count()
        if pending:
            raise ServiceError.single("handling", "pending", _("还有%(pending)s名不合格党员未转入处置程序") % {"pending": pending})
    before = r.stage
    r.stage = STAGE_ORDER[i + 1]
    r.save(update_fields=["stage"])
    audit.record(actor, "appraisal.advance", r, changes={"stage": [before, r.stage]})
    return r


def _write_self(actor: Actor, r: AppraisalRound, e: AppraisalEntry, text: str, grade: str, *, own: bool) -> AppraisalEntry:
    text = (text or "").strip()
    if not text:
        raise ServiceError.single("text", "required", _("请填写个人自评"))
    if grade and grade not in Grade.values:
        raise ServiceError.single("grade", "bad_value", _("等次无效"))
    e.self_assessment, e.self_grade = text, grade
    e.save(update_fields=["self_assessment", "self_grade"])
    data = {"member": e.member_id, "grade": grade}
    if own:
        data["own"] = True  # the member on their phone, not the branch entering it
    audit.record(actor, "appraisal.self", r, data=data)
    return e


@transaction.atomic
def submit_self(*, actor: Actor, round_id: int, member_id: int, text: str, grade: str = "") -> AppraisalEntry:
    """The branch enters a member's self-assessment (e.g. handed in on paper)."""
    r = _round(actor, round_id)
    _require_stage(r, AppraisalStage.SELF)
    e = _entry(r, member_id)
    return _write_self(actor, r, e, text, grade, own=False)


@transaction.atomic
def submit_own_self(*, actor: Actor, entry_id: int, text: str, grade: str = "") -> AppraisalEntry:
    """A member submits their own self-assessment and self grade (on the phone) while the round is at the
    self-assessment stage; again before the stage ends replaces it. Only the entry's member may: anyone else's entry,
    or an id that does not exist, is NotFound."""
    own = actor.self_member_ids
    try:
        e = scope(AppraisalEntry.objects.select_for_update().filter(member_id__in=own), actor).get(pk=entry_id) if own else None
    except (AppraisalEntry.DoesNotExist, ValueError, TypeError, OverflowError):
        e = None
    if e is None:
        raise NotFound()
    r = AppraisalRound.objects.select_for_update().get(pk=e.round_id)
    if r.stage != AppraisalStage.SELF:
        raise ServiceError.single(
            "stage", "wrong_stage",
            _("本年度民主评议已进入“%(stage)s”阶段，个人自评只能在“个人自评”阶段提交") % {"stage": r.get_stage_display()},
        )  # fmt: skip
    return _write_self(actor, r, e, text, grade, own=True)


@transaction.atomic
def record_mutual(*, actor: Actor, round_id: int, member_id: int, comments: str) -> AppraisalEntry:
    r = _round(actor, round_id)
    _require_stage(r, AppraisalStage.MUTUAL)
    e = _entry(r, member_id)
    e.mutual_comments = (comments or "").strip()
    e.save(update_fields=["mutual_comments"])
    audit.record(actor, "appraisal.mutual", r, data={"member": member_id})
    return e


@transaction.atomic
def record_rating(*, actor: Actor, round_id: int, member_id: int, excellent: int, qualified: int, basic: int, unqualified: int, voters: int) -> AppraisalEntry:
    """Democratic rating votes for one member; the votes cannot exceed the voters present."""
    r = _round(actor, round_id)
    _require_stage(r, AppraisalStage.RATING)
    e = _entry(r, member_id)
    votes = [excellent, qualified, basic, unqualified]
    if any(v is None or v < 0 for v in votes):
        raise ServiceError.single("votes", "bad_value", _("票数不能为负"))
    if sum(votes) > voters:
        raise ServiceError.single("votes", "too_many_votes", _("票数合计%(sum)s超过参加测评人数%(voters)s") % {"sum": sum(votes), "voters": voters})
    # Those under 留党察看 have no vote (党章第四十条): they are appraised, but do not rate.
    basis = voting_basis(r.org, on=dt.date.today())
    refused = basis.check(voters, field="voters", label=_("参加测评人数"))
    if refused:
        raise ServiceError(refused)
    e.votes_excellent, e.votes_qualified, e.votes_basic, e.votes_unqualified = votes
    e.suggested_grade = suggest_grade(excellent=excellent, qualified=qualified, basic=basic, unqualified=unqualified, rules=appraisal_rules(r.started_on))
    e.save(update_fields=["votes_excellent", "votes_qualified", "votes_basic", "votes_unqualified", "suggested_grade"])
    audit.record(actor, "appraisal.rating", r, data={"member": member_id, "votes": votes, "voters": voters, "suggested": e.suggested_grade, "entitled_basis": basis.as_record()})
    return e


@transaction.atomic
def decide(*, actor: Actor, round_id: int, grades: dict[int, tuple[str, str]] | dict[int, str], decided_on: dt.date | None = None) -> AppraisalRound:
    """The branch decides every member's grade (a grade differing from the rating needs a reason)."""
    r = _round(actor, round_id)
    _require_stage(r, AppraisalStage.RATING)
    rules = appraisal_rules(r.started_on)
    entries = {e.member_id: e for e in r.entries.select_for_update()}
    errors: list[FieldError] = []
    norm = {}
    for mid, value in grades.items():
        grade, reason = (value, "") if isinstance(value, str) else value
        norm[int(mid)] = (grade, clean_text(reason))
    missing = set(entries) - set(norm)
    if missing:
        errors.append(FieldError("grades", "incomplete", _("还有%(n)s名党员未评定等次") % {"n": len(missing)}))
    for mid, (grade, reason) in norm.items():
        e = entries.get(mid)
        if e is None:
            errors.append(FieldError("grades", "not_in_round", _("党员%(mid)s不在本次评议名单中") % {"mid": mid}))
        elif grade not in Grade.values:
            errors.append(FieldError("grades", "bad_value", _("党员%(mid)s的等次无效") % {"mid": mid}))
        elif e.suggested_grade and grade != e.suggested_grade and not reason:
            errors.append(FieldError("grades", "reason_required", _("党员%(mid)s的评定等次与测评结果不同，请说明理由") % {"mid": mid}))
    excellent = sum(1 for g, _r in norm.values() if g == Grade.EXCELLENT)
    if entries and excellent > rules["excellent_max_share"] * len(entries):
        errors.append(FieldError("grades", "too_many_excellent", _("优秀等次%(excellent)s人，超过参评党员的%(excellent_max_share)s") % {"excellent": excellent, "excellent_max_share": format(rules['excellent_max_share'], '.0%')}))
    if errors:
        raise ServiceError(errors)
    for mid, (grade, reason) in norm.items():
        e = entries[mid]
        e.grade, e.grade_reason = grade, reason
        e.handling = HandlingStatus.PENDING if grade in rules["handle_grades"] else HandlingStatus.NONE
    AppraisalEntry.objects.bulk_update(entries.values(), ["grade", "grade_reason", "handling"])
    r.stage = AppraisalStage.DECIDED
    r.decided_on = decided_on or dt.date.today()
    r.save(update_fields=["stage", "decided_on"])
    counts = {g: sum(1 for x, _r in norm.values() if x == g) for g in Grade.values}
    audit.record(actor, "appraisal.decide", r, data={"grades": counts})
    return r


@transaction.atomic
def hand_over(*, actor: Actor, round_id: int, member_id: int, reference: str = "") -> AppraisalEntry:
    """Hand an unqualified member to the handling procedure (限期改正、劝退、除名 — decided there, by people)."""
    r = _round(actor, round_id)
    e = _entry(r, member_id)
    if e.grade != Grade.UNQUALIFIED:
        raise ServiceError.single("grade", "not_unqualified", _("只有评定为不合格的党员需要转入处置程序"))
    if e.handling == HandlingStatus.HANDED_OVER:
        return e
    ref = clean_text(reference)
    for handler in _HANDLERS:
        ref = handler(actor=actor, entry=e) or ref
    e.handling = HandlingStatus.HANDED_OVER
    e.handling_ref = ref[:60]
    e.save(update_fields=["handling", "handling_ref"])
    audit.record(actor, "appraisal.hand_over", r, data={"member": member_id, "reference": e.handling_ref})
    return e
