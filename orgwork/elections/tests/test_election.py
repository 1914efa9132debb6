import datetime as dt

import pytest

from orgwork.core.actor import Actor
from orgwork.core.errors import PermissionDenied, ServiceError
from orgwork.elections import services
from orgwork.orgs import services as org_services
from orgwork.orgs.models import OrgOfficer

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = None


@pytest.fixture
def branch(tree, system, make_member):
    org_services.update_org(actor=system, org_id=tree.village_a.pk, term_started_on=D(2021, 6, 15))
    members = [make_member(tree.village_a, name=f"党员{c}") for c in "甲乙丙丁戊己庚辛"]
    old = [org_services.appoint_officer(actor=system, org_id=tree.village_a.pk, name=m.name, post=p, member_id=m.pk, started_on=D(2021, 6, 15)) for m, p in zip(members, ("secretary", "organization", "publicity"), strict=False)]
    return tree.village_a, members, old


def step(system, e, key, day, **data):
    return services.complete(actor=system, election_id=e.pk, step=key, done_on=day, data=data, today=TODAY)


def test_full_election_replaces_the_committee_and_keeps_history(system, branch):
    org, members, old = branch
    e = services.start_election(actor=system, org_id=org.pk, on=D(2026, 3, 1))
    assert e.term_ends_on == D(2026, 6, 15) and e.seats == 3
    step(system, e, "plan", D(2026, 3, 1), planned_on="2026-06-10", seats=3)
    step(system, e, "plan_approval", D(2026, 3, 10), approval_no="甲组〔2026〕5号")
    with pytest.raises(ServiceError) as err:
        step(system, e, "nomination", D(2026, 4, 1))
    assert err.value.errors[0].code == "too_few_candidates"
    cands = [services.nominate(actor=system, election_id=e.pk, member_id=m.pk) for m in members[:4]]
    step(system, e, "nomination", D(2026, 4, 1))
    for c in cands:
        services.vet(actor=system, election_id=e.pk, candidate_id=c.pk, passed=True)
    step(system, e, "vetting", D(2026, 5, 1))
    tally = services.record_ballot(actor=system, election_id=e.pk, entitled=8, present=8, issued=8, returned=8, invalid=0, votes={cands[0].pk: 8, cands[1].pk: 7, cands[2].pk: 6, cands[3].pk: 3})
    assert tally.valid and len(tally.elected) == 3
    step(system, e, "vote", D(2026, 6, 10), held_on="2026-06-10")
    with pytest.raises(ServiceError) as err:
        step(system, e, "result_approval", D(2026, 6, 20), approval_no="甲组〔2026〕9号")
    assert err.value.errors[0].code == "secretary_required"
    services.assign_post(actor=system, election_id=e.pk, candidate_id=cands[1].pk, post="secretary")
    services.assign_post(actor=system, election_id=e.pk, candidate_id=cands[0].pk, post="deputy_secretary")
    step(system, e, "result_approval", D(2026, 6, 20), approval_no="甲组〔2026〕9号")
    e.procedure.refresh_from_db()
    assert e.procedure.status == "completed"
    current = {o.name: o.post for o in OrgOfficer.objects.filter(org=org, ended_on__isnull=True)}
    assert current == {"党员乙": "secretary", "党员甲": "deputy_secretary", "党员丙": "member"}
    ended = OrgOfficer.objects.filter(org=org, ended_on=D(2026, 6, 10), end_reason="换届")
    assert ended.count() == 3  # the old committee is kept as history
    org.refresh_from_db()
    assert org.term_started_on == D(2026, 6, 10)


def test_invalid_vote_blocks_the_vote_step(system, branch):
    org, members, _old = branch
    e = services.start_election(actor=system, org_id=org.pk, on=D(2026, 3, 1))
    step(system, e, "plan", D(2026, 3, 1), planned_on="2026-06-10", seats=3)
    step(system, e, "plan_approval", D(2026, 3, 10), approval_no="x")
    cands = [services.nominate(actor=system, election_id=e.pk, member_id=m.pk) for m in members[:4]]
    step(system, e, "nomination", D(2026, 4, 1))
    for c in cands:
        services.vet(actor=system, election_id=e.pk, candidate_id=c.pk, passed=True)
    step(system, e, "vetting", D(2026, 5, 1))
    tally = services.record_ballot(actor=system, election_id=e.pk, entitled=8, present=6, issued=6, returned=6, invalid=0, votes={cands[0].pk: 6})
    assert not tally.valid and tally.errors[0].code == "no_quorum"
    with pytest.raises(ServiceError) as err:
        step(system, e, "vote", D(2026, 6, 10), held_on="2026-06-10")
    assert err.value.errors[0].code == "invalid_vote"
    # a second round fills seats left after the first
    services.record_ballot(actor=system, election_id=e.pk, entitled=8, present=8, issued=8, returned=8, invalid=0, votes={cands[0].pk: 8, cands[1].pk: 7, cands[2].pk: 2, cands[3].pk: 2})
    with pytest.raises(ServiceError) as err:
        step(system, e, "vote", D(2026, 6, 10), held_on="2026-06-10")
    assert err.value.errors[0].code == "seats_unfilled"
    tally = services.record_ballot(actor=system, election_id=e.pk, entitled=8, present=8, issued=8, returned=8, invalid=0, votes={cands[2].pk: 6, cands[3].pk: 2})
    assert tally.elected == [cands[2].pk]
    step(system, e, "vote", D(2026, 6, 10), held_on="2026-06-10")


def test_plan_shift_limits(system, branch):
    org, _m, _o = branch
    e = services.start_election(actor=system, org_id=org.pk, on=D(2026, 3, 1))
    with pytest.raises(ServiceError) as err:
        step(system, e, "plan", D(2026, 3, 1), planned_on="2027-07-01", seats=3)
    assert err.value.errors[0].code == "shift_too_long"
    with pytest.raises(ServiceError) as err:
        step(system, e, "plan", D(2026, 3, 1), planned_on="2026-09-01", seats=3)
    assert err.value.errors[0].code == "required" and err.value.errors[0].field == "shift_reason"
    step(system, e, "plan", D(2026, 3, 1), planned_on="2026-09-01", seats=3, shift_reason="汛期抢险，推迟至9月")


def test_open_nomination_accepts_masses_and_self(system, branch):
    org, members, _o = branch
    closed = services.start_election(actor=system, org_id=org.pk, on=D(2026, 3, 1))
    step(system, closed, "plan", D(2026, 3, 1), planned_on="2026-06-10", seats=3)
    step(system, closed, "plan_approval", D(2026, 3, 10), approval_no="x")
    with pytest.raises(ServiceError) as err:
        services.nominate(actor=system, election_id=closed.pk, member_id=members[0].pk, nominated_by="masses")
    assert err.value.errors[0].code == "not_open"
    c = services.nominate(actor=system, election_id=closed.pk, member_id=members[0].pk, nominated_by="members", recommendation_votes=5)
    assert c.recommendation_votes == 5


def test_branch_secretary_cannot_approve_their_own_plan(users, branch, tree):
    org, _m, _o = branch
    sec = Actor.for_user(users["sec_a"])
    e = services.start_election(actor=sec, org_id=org.pk, on=D(2026, 3, 1))
    services.complete(actor=sec, election_id=e.pk, step="plan", done_on=D(2026, 3, 1), data={"planned_on": "2026-06-10", "seats": 3}, today=TODAY)
    with pytest.raises(PermissionDenied):
        services.complete(actor=sec, election_id=e.pk, step="plan_approval", done_on=D(2026, 3, 2), data={"approval_no": "x"}, today=TODAY)
    town = Actor.for_user(users["town_a"])
    services.complete(actor=town, election_id=e.pk, step="plan_approval", done_on=D(2026, 3, 2), data={"approval_no": "x"}, today=TODAY)
