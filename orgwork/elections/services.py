"""Term elections as a procedure on the kernel: plan → approval → nomination → vetting → vote → result approval.

The kernel keeps the step record (纪实); this module keeps the election's own data (candidates, ballots) and
the gates that check it. Approving the result installs the new committee: the old OrgOfficer rows are ended
(history kept) and the elected are appointed through orgs.services.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from orgwork.core import audit, params
from orgwork.core import procedures as proc
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, PermissionDenied, ServiceError
from orgwork.core.normalize import add_months, clean_text
from orgwork.core.scope import scope
from orgwork.discipline.selectors import is_on_probation, voting_basis
from orgwork.members.models import Member, Standing
from orgwork.orgs import services as org_services
from orgwork.orgs.models import OfficerPost, OrgKind, OrgOfficer
from orgwork.orgs.rules import structure_rules

from . import voting
from .models import Candidate, Election, NominatedBy
from .rules import voting_rules

KIND = "election"


def _election(actor: Actor, election_id, *, lock: bool = True) -> Election:
    qs = Election.objects.select_related("org", "procedure")
    if lock:
        qs = qs.select_for_update()
    try:
        return scope(qs, actor).get(pk=election_id)
    except (Election.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _at_step(e: Election, *steps: str):
    if e.procedure.status != "active" or e.procedure.step not in steps:
        d = proc.definition_for(e.procedure)
        names = "、".join(d.step(s).title for s in steps)
        raise ServiceError.single("step", "wrong_step", _("只能在“%(names)s”步骤进行此操作") % {"names": names})


def _may(actor: Actor, e: Election, role: str):
    if not proc.may_act(actor, e.org, role):
        raise PermissionDenied()


@transaction.atomic
def start_election(*, actor: Actor, org_id: int, on: dt.date, open_nomination: bool = False) -> Election:
    org = params.writable_org(actor, org_id, active=False)
    if org.kind == OrgKind.GROUP:
        raise ServiceError.single("org", "bad_value", _("党小组不进行换届选举"))
    if Election.objects.filter(org=org, procedure__status="active").exists():
        raise ServiceError.single("org", "duplicate_existing", _("该党组织已有正在进行的换届选举"))
    instance = proc.start(actor=actor, kind=KIND, org_id=org.pk, title=f"{org.name}换届选举", on=on)
    seats = OrgOfficer.objects.filter(org=org, ended_on__isnull=True).exclude(post=OfficerPost.GROUP_LEADER).count()
    e = Election.objects.create(
        org=org, procedure=instance, rules_version=voting_rules(on).version, seats=seats or 1,
        open_nomination=bool(open_nomination), term_ends_on=org.term_ends_on(),
    )
    audit.record(actor, "election.start", e, data={"procedure": instance.pk, "open_nomination": e.open_nomination})
    return e


def complete(*, actor: Actor, election_id: int, step: str, done_on: dt.date, data: dict | None = None, comment: str = "", today: dt.date | None = None):
    e = _election(actor, election_id, lock=False)
    return proc.complete_step(actor=actor, instance_id=e.procedure_id, step=step, done_on=done_on, data=data or {}, comment=comment, today=today)


@transaction.atomic
def nominate(*, actor: Actor, election_id: int, member_id: int, nominated_by: str = NominatedBy.COMMITTEE, recommendation_votes: int = 0) -> Candidate:
    e = _election(actor, election_id)
    _at_step(e, "nomination")
    _may(actor, e, "branch")
    if nominated_by not in NominatedBy.values:
        raise ServiceError.single("nominated_by", "bad_value", _("提名方式无效"))
    if nominated_by in (NominatedBy.MASSES, NominatedBy.SELF) and not e.open_nomination:
        raise ServiceError.single("nominated_by", "not_open", _("只有公推直选才接受群众推荐和个人自荐"))
    from orgwork.core.fields import subtree_q

    member = Member.objects.filter(subtree_q(e.org.path, "org__path"), pk=member_id, standing=Standing.NORMAL).first()
    if member is None:
        raise ServiceError.single("member", "not_in_roster", _("候选人应为本组织在册党员"))
    if member.category != "full":
        raise ServiceError.single("member", "probationary", _("预备党员没有被选举权"))
    if is_on_probation(member):
        raise ServiceError.single("member", "party_probation", _("%(name)s正受留党察看处分，没有被选举权（党章第四十条）") % {"name": member.name})
    if e.candidates.filter(member=member).exists():
        raise ServiceError.single("member", "duplicate_existing", _("%(name)s已被提名") % {"name": member.name})
    c = Candidate.objects.create(election=e, member=member, name=member.name, nominated_by=nominated_by, recommendation_votes=max(0, int(recommendation_votes or 0)))
    audit.record(actor, "election.nominate", e, data={"candidate": c.pk, "member": member.pk, "by": nominated_by})
    return c


@transaction.atomic
def vet(*, actor: Actor, election_id: int, candidate_id: int, passed: bool, note: str = "") -> Candidate:
    e = _election(actor, election_id)
    _at_step(e, "vetting")
    _may(actor, e, "committee")
    c = e.candidates.filter(pk=candidate_id).first()
    if c is None:
        raise ServiceError.single("candidate", "unknown", _("候选人不存在"))
    note = clean_text(note)
    if not passed and not note:
        raise ServiceError.single("note", "required", _("考察不合格的，请写明意见"))
    c.vetted, c.vetting_note = bool(passed), note[:500]
    c.save(update_fields=["vetted", "vetting_note"])
    audit.record(actor, "election.vet", e, data={"candidate": c.pk, "passed": c.vetted})
    return c


@transaction.atomic
def record_ballot(
    *, actor: Actor, election_id: int, entitled: int | None, present: int, issued: int, returned: int, invalid: int, votes: dict[int, int],
    on: dt.date | None = None,
) -> voting.Tally:
    """One round of voting. Those elected stay elected; a further round fills the seats left (e.g. after a tie).

    `entitled` left as None is counted from the registry; either way members under 留党察看 are not among
    those entitled (党章第四十条), and the basis is kept on the election.
    """
    e = _election(actor, election_id)
    _at_step(e, "vote")
    _may(actor, e, "branch")
    basis = voting_basis(e.org, on=on or dt.date.today())
    refused = basis.check(entitled, label=_("应到会有选举权人数"))
    if refused:
        raise ServiceError(refused)
    if entitled is None:
        entitled = basis.entitled
    on_ballot = {c.pk: c for c in e.candidates.filter(on_ballot=True)}
    already = [c for c in on_ballot.values() if c.elected]
    votes = {int(k): int(v) for k, v in votes.items()}
    unknown = set(votes) - set(on_ballot)
    if unknown:
        raise ServiceError.single("votes", "not_on_ballot", _("有得票人不在正式候选人名单中"))
    if any(on_ballot[c].elected for c in votes):
        raise ServiceError.single("votes", "already_elected", _("已当选的候选人不再参加本轮投票"))
    seats_left = e.seats - len(already)
    if seats_left <= 0:
        raise ServiceError.single("votes", "complete", _("应选名额已满"))
    tally = voting.count(seats=seats_left, entitled=entitled, present=present, issued=issued, returned=returned, invalid=invalid, votes=votes, rules=voting_rules())
    e.voters_entitled, e.voters_present, e.ballots_issued, e.ballots_returned, e.ballots_invalid = entitled, present, issued, returned, invalid
    e.valid = tally.valid
    e.validity_notes = [x.message for x in tally.errors]
    e.voters_basis = {**basis.as_record(), "note": basis.note()}
    e.save()
    if tally.valid:
        for cid, n in votes.items():
            on_ballot[cid].votes_for = n
            on_ballot[cid].elected = cid in tally.elected
        Candidate.objects.bulk_update([on_ballot[c] for c in votes], ["votes_for", "elected"])
    audit.record(
        actor, "election.ballot", e,
        data={
            "valid": tally.valid, "errors": [x.code for x in tally.errors], "elected": tally.elected, "tied": tally.tied, "shortfall": tally.shortfall, "votes": votes,
            "entitled": entitled, "entitled_basis": basis.as_record(),
        },
    )
    return tally


@transaction.atomic
def assign_post(*, actor: Actor, election_id: int, candidate_id: int, post: str) -> Candidate:
    """The new committee's division of work (书记、副书记、委员…), before the result goes up for approval."""
    e = _election(actor, election_id)
    _at_step(e, "result_approval")
    _may(actor, e, "branch")
    if post not in OfficerPost.values or post == OfficerPost.GROUP_LEADER:
        raise ServiceError.single("post", "bad_value", _("职务无效"))
    c = e.candidates.filter(pk=candidate_id, elected=True).first()
    if c is None:
        raise ServiceError.single("candidate", "not_elected", _("只能为当选人员分工"))
    c.post = post
    c.save(update_fields=["post"])
    audit.record(actor, "election.assign_post", e, data={"candidate": c.pk, "post": post})
    return c


# --- gates and hooks (referenced by name from the procedure definition) ---------------------------
def _of(ctx) -> Election:
    return Election.objects.select_related("org").get(procedure=ctx.instance)


@proc.gate("election.plan_valid")
def plan_valid(ctx):
    e = _of(ctx)
    rules, structure = voting_rules(ctx.done_on), structure_rules(ctx.done_on)
    errors = []
    seats = ctx.data.get("seats") or 0
    if not (1 <= seats <= structure["committee_max_size"]):
        errors.append(FieldError("seats", "bad_value", _("应选委员人数应为1至%(committee_max_size)s人") % {"committee_max_size": structure['committee_max_size']}))
    elif seats >= rules["contested_min_seats"] and seats < structure["committee_min_size"]:
        errors.append(FieldError("seats", "bad_value", _("设委员会的，委员应为%(committee_min_size)s至%(committee_max_size)s人") % {"committee_min_size": structure['committee_min_size'], "committee_max_size": structure['committee_max_size']}))
    planned, ends = ctx.data.get("planned_on"), e.term_ends_on
    if planned and ends:
        shift = rules["max_shift_months"]
        if planned < add_months(ends, -shift) or planned > add_months(ends, shift):
            errors.append(FieldError("planned_on", "shift_too_long", _("任期%(ends)s届满，提前或延期换届不得超过%(shift)s个月") % {"ends": _("%(year)s年%(month)02d月%(day)02d日") % {"year": ends.year, "month": ends.month, "day": ends.day}, "shift": shift}))
        elif (planned < add_months(ends, -rules["on_time_window_months"]) or planned > ends) and not ctx.data.get("shift_reason"):
            errors.append(FieldError("shift_reason", "required", _("提前或延期换届的，请写明理由，由上级党组织批准")))
    return errors


@proc.hook("election.save_plan")
def save_plan(ctx, record):
    Election.objects.filter(procedure=ctx.instance).update(seats=ctx.data["seats"], planned_on=ctx.data["planned_on"])


@proc.gate("election.enough_nominees")
def enough_nominees(ctx):
    e = _of(ctx)
    need = voting.contested_minimum(e.seats, voting_rules(ctx.done_on))
    n = e.candidates.count()
    if n < need:
        return [FieldError("candidates", "too_few_candidates", _("应选%(seats)s人，候选人应不少于%(need)s人（差额不少于20%%），现有%(n)s人") % {"seats": e.seats, "need": need, "n": n})]
    return []


@proc.gate("election.vetted")
def vetted(ctx):
    e = _of(ctx)
    errors = []
    pending = e.candidates.filter(vetted__isnull=True).count()
    if pending:
        errors.append(FieldError("candidates", "not_vetted", _("还有%(pending)s名候选人未完成考察") % {"pending": pending}))
    need = voting.contested_minimum(e.seats, voting_rules(ctx.done_on))
    passed = e.candidates.filter(vetted=True).count()
    if passed < need:
        errors.append(FieldError("candidates", "too_few_candidates", _("考察合格的候选人%(passed)s人，少于差额选举所需的%(need)s人") % {"passed": passed, "need": need}))
    return errors


@proc.hook("election.fix_ballot")
def fix_ballot(ctx, record):
    e = _of(ctx)
    e.candidates.filter(vetted=True).update(on_ballot=True)


@proc.gate("election.vote_valid")
def vote_valid(ctx):
    e = _of(ctx)
    errors = []
    if e.valid is not True:
        notes = "；".join(e.validity_notes or []) or _("尚未登记有效的投票结果")
        errors.append(FieldError("ballots", "invalid_vote", notes))
    elected = e.candidates.filter(elected=True).count()
    if not errors and elected < e.seats:
        errors.append(FieldError("ballots", "seats_unfilled", _("应选%(seats)s人，当选%(elected)s人：请就未满名额另行投票") % {"seats": e.seats, "elected": elected}))
    return errors


@proc.hook("election.save_vote_date")
def save_vote_date(ctx, record):
    Election.objects.filter(procedure=ctx.instance).update(held_on=ctx.data["held_on"])


@proc.gate("election.posts_assigned")
def posts_assigned(ctx):
    e = _of(ctx)
    n = e.candidates.filter(elected=True, post=OfficerPost.SECRETARY).count()
    if n != 1:
        return [FieldError("post", "secretary_required", _("当选人员中应确定1名书记（现为%(n)s名）") % {"n": n})]
    return []


@proc.hook("election.install_committee")
def install_committee(ctx, record):
    """The new committee replaces the old: old seats ended (kept as history), the elected appointed."""
    e = _of(ctx)
    elected = list(e.candidates.filter(elected=True).order_by("-votes_for", "id"))
    held_on = e.held_on or ctx.done_on
    for officer in OrgOfficer.objects.filter(org=e.org, ended_on__isnull=True).exclude(post=OfficerPost.GROUP_LEADER):
        org_services.end_officer(actor=ctx.actor, officer_id=officer.pk, on=held_on, reason="换届")
    for c in elected:
        org_services.appoint_officer(actor=ctx.actor, org_id=e.org_id, name=c.name, post=c.post or OfficerPost.MEMBER, member_id=c.member_id, started_on=held_on)
    org_services.update_org(actor=ctx.actor, org_id=e.org_id, term_started_on=held_on)
