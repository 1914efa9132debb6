"""Members under 留党察看 are not among those entitled in any vote (党章第四十条), and the record says why."""

import datetime as dt

import pytest

from orgwork.core import procedures as proc
from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError
from orgwork.discipline import services as discipline
from orgwork.elections import services as elections
from orgwork.elections.models import Election
from orgwork.lifecycle.services import exits
from orgwork.meetings import appraisal
from orgwork.orgs import services as org_services
from orgwork.recruitment.tests.conftest import SCRIPT, Pipeline

pytestmark = pytest.mark.django_db
D = dt.date


def put_on_probation(member, on, years=1):
    return discipline.record_sanction(
        actor=Actor.system_actor("test"), member_id=member.pk, kind="probation", probation_years=years, decided_on=on,
        decided_by="中共甲镇纪律检查委员会", document="甲纪发〔2024〕2号", reason="违反廉洁纪律",
    )


def test_development_vote_excludes_a_member_under_probation(tree, system, make_member):
    p = Pipeline(tree, system, make_member)
    excluded = p.full[2]  # 孙三
    put_on_probation(excluded, D(2024, 6, 1))
    a = p.apply()
    p.run(a, until="general_meeting")
    with pytest.raises(ServiceError) as exc:  # counting him back in is refused, naming him
        p.step(a, "general_meeting", data={"entitled": 3, "present": 3, "in_favour": 3})
    err = exc.value.errors[0]
    assert (err.field, err.code) == ("entitled", "includes_excluded") and "孙三" in err.message
    record = p.step(a, "general_meeting", data={"present": 2, "in_favour": 2})  # left blank: counted from the registry
    assert record.data["entitled"] == 2
    assert "正式党员3人" in record.data["entitled_note"] and "孙三" in record.data["entitled_note"]
    assert "留党察看" in record.data["entitled_note"]


def test_confirmation_vote_counts_him_again_once_the_period_ends(tree, system, make_member):
    p = Pipeline(tree, system, make_member)
    put_on_probation(p.full[2], D(2024, 6, 1))  # ends 2025-06-01, before the confirmation meeting of 2025-06-25
    a = p.apply()
    p.run(a, until="general_meeting")
    p.step(a, "general_meeting", data={"present": 2, "in_favour": 2})
    after = [step for step, *_r in SCRIPT]
    for step in after[after.index("general_meeting") + 1 : after.index("confirmation_meeting")]:
        p.assess(a, step)
        p.step(a, step)
    record = p.step(a, "confirmation_meeting", data={"present": 3, "in_favour": 3})
    assert record.data["entitled"] == 3 and "均有表决权" in record.data["entitled_note"]


@pytest.fixture
def election_at_vote(tree, system, make_member):
    org = tree.village_a
    org_services.update_org(actor=system, org_id=org.pk, term_started_on=D(2021, 6, 15))
    members = [make_member(org, name=f"党员{c}") for c in "甲乙丙丁戊己庚辛"]
    for m, post in zip(members, ("secretary", "organization", "publicity"), strict=False):
        org_services.appoint_officer(actor=system, org_id=org.pk, name=m.name, post=post, member_id=m.pk, started_on=D(2021, 6, 15))
    e = elections.start_election(actor=system, org_id=org.pk, on=D(2026, 3, 1))

    def step(key, day, **data):
        elections.complete(actor=system, election_id=e.pk, step=key, done_on=day, data=data)

    step("plan", D(2026, 3, 1), planned_on="2026-06-10", seats=3)
    step("plan_approval", D(2026, 3, 10), approval_no="甲组〔2026〕5号")
    put_on_probation(members[7], D(2026, 3, 20))  # 党员辛
    with pytest.raises(ServiceError) as exc:
        elections.nominate(actor=system, election_id=e.pk, member_id=members[7].pk)
    assert exc.value.errors[0].code == "party_probation"  # no right to stand
    cands = [elections.nominate(actor=system, election_id=e.pk, member_id=m.pk) for m in members[:4]]
    step("nomination", D(2026, 4, 1))
    for c in cands:
        elections.vet(actor=system, election_id=e.pk, candidate_id=c.pk, passed=True)
    step("vetting", D(2026, 5, 1))
    return e, cands


def test_election_excludes_a_member_under_probation(system, election_at_vote):
    e, cands = election_at_vote
    with pytest.raises(ServiceError) as exc:
        elections.record_ballot(actor=system, election_id=e.pk, entitled=8, present=8, issued=8, returned=8, invalid=0, votes={cands[0].pk: 8}, on=D(2026, 6, 10))
    assert exc.value.errors[0].code == "includes_excluded" and "党员辛" in exc.value.errors[0].message
    tally = elections.record_ballot(
        actor=system, election_id=e.pk, entitled=None, present=7, issued=7, returned=7, invalid=0,
        votes={cands[0].pk: 7, cands[1].pk: 6, cands[2].pk: 5, cands[3].pk: 2}, on=D(2026, 6, 10),
    )
    assert tally.valid
    e = Election.objects.get(pk=e.pk)
    assert e.voters_entitled == 7
    assert e.voters_basis["full_members"] == 8 and e.voters_basis["excluded"][0]["name"] == "党员辛"
    assert "党员辛" in e.voters_basis["note"]


def test_exit_meeting_and_appraisal_count_without_him(tree, system, make_member):
    members = [make_member(tree.village_a, name=n) for n in ("一", "二", "三", "四")]
    put_on_probation(members[3], D(2026, 1, 5))
    inst = exits.start(actor=system, member_id=members[0].pk, kind="withdrawal", on=D(2026, 10, 1))
    proc.complete_step(actor=system, instance_id=inst.pk, step="request", done_on=D(2026, 10, 1), data={"requested_on": "2026-10-01", "reason": "本人要求"})
    with pytest.raises(ServiceError) as exc:
        proc.complete_step(actor=system, instance_id=inst.pk, step="meeting", done_on=D(2026, 10, 5), data={"meeting_on": "2026-10-05", "entitled": 4, "present": 4, "votes_for": 4})
    assert exc.value.errors[0].code == "includes_excluded"
    r = proc.complete_step(actor=system, instance_id=inst.pk, step="meeting", done_on=D(2026, 10, 5), data={"meeting_on": "2026-10-05", "entitled": 3, "present": 3, "votes_for": 3})
    assert "四" in r.data["entitled_note"]

    rnd = appraisal.start_round(actor=system, org_id=tree.village_a.pk, year=2026, started_on=D(2026, 11, 1))
    assert rnd.entries.count() == 4  # he is appraised …
    appraisal.advance(actor=system, round_id=rnd.pk)
    appraisal.advance(actor=system, round_id=rnd.pk)
    with pytest.raises(ServiceError) as exc:  # … but does not rate
        appraisal.record_rating(actor=system, round_id=rnd.pk, member_id=members[1].pk, excellent=1, qualified=3, basic=0, unqualified=0, voters=4)
    assert exc.value.errors[0].field == "voters" and exc.value.errors[0].code == "includes_excluded"
    appraisal.record_rating(actor=system, round_id=rnd.pk, member_id=members[1].pk, excellent=1, qualified=2, basic=0, unqualified=0, voters=3)
