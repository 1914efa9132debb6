import datetime as dt

import pytest

from orgwork.core import procedures as proc
from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, PermissionDenied, ServiceError
from orgwork.discipline import services as discipline
from orgwork.orgs import services as org_services
from orgwork.orgs.models import Org, OrgOfficer
from orgwork.reorg import procedures

pytestmark = pytest.mark.django_db
D = dt.date


def test_new_org_is_requested_approved_by_the_level_above_then_set_up(tree, users, system):
    town = Actor.for_user(users["town_a"])
    data = {"name": "甲镇光伏企业党支部", "kind": "branch", "sector": "private", "unit_name": "甲镇光伏公司", "full_members": 2, "reason": "企业党员增加"}
    with pytest.raises(ServiceError) as exc:  # 支部工作条例第五条: fewer than 3 full members cannot form a branch
        procedures.request_setup(actor=town, parent_id=tree.town_a.pk, on=D(2026, 9, 1), data=data)
    assert exc.value.errors[0].code == "too_few"
    inst = procedures.request_setup(actor=town, parent_id=tree.town_a.pk, on=D(2026, 9, 1), data={**data, "full_members": 5})
    assert not Org.objects.filter(name="甲镇光伏企业党支部").exists()  # nothing exists before the approval
    with pytest.raises(NotFound):  # a branch secretary below does not even see the request
        proc.complete_step(actor=Actor.for_user(users["sec_a"]), instance_id=inst.pk, step="approve", done_on=D(2026, 9, 5), data={"decision": "approve", "approval_no": "x"})
    with pytest.raises(ServiceError) as exc:
        proc.complete_step(actor=town, instance_id=inst.pk, step="approve", done_on=D(2026, 9, 5), data={"decision": "reject", "approval_no": "甲组〔2026〕30号"})
    assert exc.value.errors[0].code == "not_approved"
    proc.complete_step(actor=town, instance_id=inst.pk, step="approve", done_on=D(2026, 9, 5), data={"decision": "approve", "approval_no": "甲组〔2026〕30号"})
    proc.complete_step(actor=town, instance_id=inst.pk, step="establish", done_on=D(2026, 9, 10), data={"founded_on": "2026-09-10"})
    inst.refresh_from_db()
    org = Org.objects.get(pk=inst.data["org_id"])
    assert (org.name, org.parent_id, org.founded_on, org.kind) == ("甲镇光伏企业党支部", tree.town_a.pk, D(2026, 9, 10), "branch")
    assert inst.status == "completed" and [r.step for r in proc.timeline(inst) if r.step] == ["request", "approve", "establish"]


@pytest.fixture
def committee(tree, system, make_member):
    org = tree.village_a
    org_services.update_org(actor=system, org_id=org.pk, term_started_on=D(2024, 6, 1))
    members = [make_member(org, name=f"委员{c}") for c in "甲乙丙丁戊己庚辛玖拾"]
    org_services.appoint_officer(actor=system, org_id=org.pk, name=members[0].name, post="secretary", member_id=members[0].pk, started_on=D(2024, 6, 1))
    seat = org_services.appoint_officer(actor=system, org_id=org.pk, name=members[1].name, post="organization", member_id=members[1].pk, started_on=D(2024, 6, 1))
    org_services.end_officer(actor=system, officer_id=seat.pk, on=D(2026, 8, 1), reason="调离")
    return org, members


def test_by_election_fills_a_vacant_seat_counting_only_those_entitled(tree, users, system, committee):
    org, members = committee
    town = Actor.for_user(users["town_a"])
    with pytest.raises(ServiceError) as exc:
        procedures.propose_by_election(actor=system, org_id=org.pk, on=D(2026, 9, 1), post="secretary", reason="x")
    assert exc.value.errors[0].code == "not_vacant"
    discipline.record_sanction(actor=system, member_id=members[9].pk, kind="probation", probation_years=1, decided_on=D(2026, 7, 1), decided_by="甲镇纪委", document="甲纪发〔2026〕3号", reason="违纪")
    sec = Actor.for_user(users["sec_a"])
    inst = procedures.propose_by_election(actor=sec, org_id=org.pk, on=D(2026, 9, 1), post="organization", reason="组织委员调离")
    with pytest.raises(PermissionDenied):  # the branch does not approve its own by-election
        proc.complete_step(actor=sec, instance_id=inst.pk, step="approve", done_on=D(2026, 9, 5), data={"decision": "approve", "approval_no": "x"})
    proc.complete_step(actor=town, instance_id=inst.pk, step="approve", done_on=D(2026, 9, 5), data={"decision": "approve", "approval_no": "甲组〔2026〕31号"})
    vote = {"candidate": members[9].pk, "present": 9, "votes_for": 9}
    with pytest.raises(ServiceError) as exc:  # no right to stand under 留党察看
        proc.complete_step(actor=system, instance_id=inst.pk, step="vote", done_on=D(2026, 9, 10), data=vote)
    assert exc.value.errors[0].code == "party_probation"
    with pytest.raises(ServiceError) as exc:  # 11 full members on the roll (李四 too), but he has no vote: at most 10 entitled
        proc.complete_step(actor=system, instance_id=inst.pk, step="vote", done_on=D(2026, 9, 10), data={**vote, "candidate": members[2].pk, "entitled": 11})
    assert exc.value.errors[0].code == "includes_excluded"
    with pytest.raises(ServiceError) as exc:  # 8 of 10 is not more than 4/5
        proc.complete_step(actor=system, instance_id=inst.pk, step="vote", done_on=D(2026, 9, 10), data={"candidate": members[2].pk, "present": 8, "votes_for": 8})
    assert exc.value.errors[0].code == "no_quorum"
    r = proc.complete_step(actor=system, instance_id=inst.pk, step="vote", done_on=D(2026, 9, 10), data={"candidate": members[2].pk, "present": 9, "votes_for": 5})
    assert r.data["entitled"] == 10 and "委员拾" in r.data["entitled_note"]
    seat = OrgOfficer.objects.get(org=org, ended_on__isnull=True, post="organization")
    assert (seat.member_id, seat.started_on) == (members[2].pk, D(2026, 9, 10))
