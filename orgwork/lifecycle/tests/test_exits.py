import datetime as dt

import pytest

from orgwork.core import procedures as proc
from orgwork.core.actor import Actor
from orgwork.core.errors import PermissionDenied, ServiceError
from orgwork.lifecycle import selectors
from orgwork.lifecycle.rules import exit_rules
from orgwork.lifecycle.services import exits
from orgwork.members.models import Member, MemberStatusChange

D = dt.date
MEETING = {"entitled": 20, "present": 15, "votes_for": 12}


def run(actor, inst, step, on, **data):
    if step == "meeting":
        data.setdefault("meeting_on", on.isoformat())
    return proc.complete_step(actor=actor, instance_id=inst.pk, step=step, done_on=on, data=data)


@pytest.fixture
def branch(users):
    return Actor.for_user(users["sec_a"])


@pytest.fixture
def town(users):
    return Actor.for_user(users["town_a"])


@pytest.mark.django_db
def test_suspension_branch_proposes_meeting_decides_committee_approves(tree, branch, town, make_member):
    m = make_member(tree.village_a, name="失联者")
    inst = exits.start(actor=branch, member_id=m.pk, kind="suspension", on=D(2026, 10, 1))
    run(branch, inst, "propose", D(2026, 10, 1), reason="失去联系超过6个月", lost_contact_since="2026-03-01")
    run(branch, inst, "meeting", D(2026, 10, 10), **MEETING)
    with pytest.raises(PermissionDenied):
        run(branch, inst, "approve", D(2026, 10, 20), decision="approve")  # a branch does not approve its own proposal
    m.refresh_from_db()
    assert m.standing == "normal"
    run(town, inst, "approve", D(2026, 10, 20), decision="approve")
    m.refresh_from_db()
    assert (m.standing, m.standing_since) == ("suspended", D(2026, 10, 20))
    change = MemberStatusChange.objects.get(member=m, action="suspend")
    assert "停止党籍" in change.reason and "失去联系" in change.reason
    assert [r.step for r in proc.timeline(inst) if r.step] == ["propose", "meeting", "approve"]


@pytest.mark.django_db
def test_meeting_majority_is_checked(tree, branch, make_member):
    m = make_member(tree.village_a)
    inst = exits.start(actor=branch, member_id=m.pk, kind="removal", on=D(2026, 10, 1))
    run(branch, inst, "propose", D(2026, 10, 1), reason="理由")
    run(branch, inst, "notify", D(2026, 10, 2), member_statement="无异议")
    with pytest.raises(ServiceError) as exc:
        run(branch, inst, "meeting", D(2026, 10, 10), meeting_on="2026-10-10", entitled=20, present=10, votes_for=10)
    assert exc.value.errors[0].code == "no_quorum"
    with pytest.raises(ServiceError) as exc:
        run(branch, inst, "meeting", D(2026, 10, 10), meeting_on="2026-10-10", entitled=20, present=15, votes_for=10)
    assert exc.value.errors[0].code == "not_carried"


@pytest.mark.django_db
def test_rejected_approval_leaves_the_member_unchanged(tree, branch, town, make_member):
    m = make_member(tree.village_a)
    inst = exits.start(actor=branch, member_id=m.pk, kind="removal", on=D(2026, 10, 1))
    run(branch, inst, "propose", D(2026, 10, 1), reason="理由")
    run(branch, inst, "notify", D(2026, 10, 2))
    run(branch, inst, "meeting", D(2026, 10, 10), **MEETING)
    run(town, inst, "approve", D(2026, 10, 12), decision="reject")
    m.refresh_from_db()
    assert m.standing == "normal"


@pytest.mark.django_db
def test_persuasion_refused_ends_in_removal(tree, branch, town, make_member):
    # 党章第九条: 劝而不退的，除名.
    m = make_member(tree.village_a)
    inst = exits.start(actor=branch, member_id=m.pk, kind="persuasion", on=D(2026, 10, 1))
    run(branch, inst, "propose", D(2026, 10, 1), reason="理想信念动摇，经教育仍无转变")
    run(branch, inst, "talk", D(2026, 10, 3), outcome="refuses")
    run(branch, inst, "meeting", D(2026, 10, 10), **MEETING)
    run(town, inst, "approve", D(2026, 10, 12), decision="approve")
    m.refresh_from_db()
    assert m.standing == "removed"


@pytest.mark.django_db
def test_persuasion_accepted_is_an_exit(tree, branch, town, make_member):
    m = make_member(tree.village_a)
    inst = exits.start(actor=branch, member_id=m.pk, kind="persuasion", on=D(2026, 10, 1))
    run(branch, inst, "propose", D(2026, 10, 1), reason="不符合党员条件")
    run(branch, inst, "talk", D(2026, 10, 3), outcome="agrees")
    run(branch, inst, "meeting", D(2026, 10, 10), **MEETING)
    run(town, inst, "approve", D(2026, 10, 12), decision="approve")
    assert Member.objects.get(pk=m.pk).standing == "exited"


@pytest.mark.django_db
def test_self_exit_only_without_good_reason(tree, branch, town, make_member):
    # 党章第九条: 没有正当理由，连续六个月不交纳党费 → 视为自行脱党.
    m = make_member(tree.village_a)
    inst = exits.start(actor=branch, member_id=m.pk, kind="self_exit", on=D(2026, 10, 1))
    with pytest.raises(ServiceError) as exc:
        run(branch, inst, "verify", D(2026, 10, 1), grounds="dues", good_reason="是", reason="重病住院")
    assert exc.value.errors[0].code == "good_reason"
    run(branch, inst, "verify", D(2026, 10, 1), grounds="dues", good_reason="否", reason="连续7个月未交党费，经联系无正当理由")
    run(branch, inst, "meeting", D(2026, 10, 10), **MEETING)
    run(town, inst, "approve", D(2026, 10, 12), decision="approve")
    assert Member.objects.get(pk=m.pk).standing == "removed"


@pytest.mark.django_db
def test_withdrawal_and_death(tree, branch, town, make_member):
    a = make_member(tree.village_a, name="退党者")
    inst = exits.start(actor=branch, member_id=a.pk, kind="withdrawal", on=D(2026, 10, 1))
    run(branch, inst, "request", D(2026, 10, 1), requested_on="2026-09-28", reason="本人要求")
    run(branch, inst, "meeting", D(2026, 10, 10), **MEETING)
    run(town, inst, "approve", D(2026, 10, 12), decision="approve")
    assert Member.objects.get(pk=a.pk).standing == "exited"
    b = make_member(tree.village_a, name="故去者")
    inst = exits.start(actor=branch, member_id=b.pk, kind="death", on=D(2026, 10, 5))
    run(branch, inst, "report", D(2026, 10, 5), died_on="2026-10-03", reason="病故")
    b.refresh_from_db()
    assert (b.standing, b.standing_since) == ("deceased", D(2026, 10, 3))


@pytest.mark.django_db
def test_restoration_only_for_suspended_members(tree, branch, town, make_member):
    m = make_member(tree.village_a)
    with pytest.raises(ServiceError) as exc:
        exits.start(actor=branch, member_id=m.pk, kind="restoration", on=D(2026, 10, 1))
    assert exc.value.errors[0].code == "not_allowed"
    inst = exits.start(actor=branch, member_id=m.pk, kind="suspension", on=D(2026, 9, 1))
    run(branch, inst, "propose", D(2026, 9, 1), reason="失联")
    run(branch, inst, "meeting", D(2026, 9, 10), **MEETING)
    run(town, inst, "approve", D(2026, 9, 15), decision="approve")
    inst = exits.start(actor=branch, member_id=m.pk, kind="restoration", on=D(2026, 11, 1))
    run(branch, inst, "propose", D(2026, 11, 1), reason="已恢复联系，本人申请")
    run(branch, inst, "meeting", D(2026, 11, 5), **MEETING)
    run(town, inst, "approve", D(2026, 11, 10), decision="approve")
    m.refresh_from_db()
    assert m.standing == "normal"
    assert list(MemberStatusChange.objects.filter(member=m).order_by("effective_on").values_list("action", flat=True)) == ["suspend", "restore"]


@pytest.mark.django_db
def test_rectification_deadline_at_most_one_year(tree, branch, make_member):
    # 党员教育管理工作条例第29条 / rules.md §2: 限期改正，期限最长不超过1年.
    assert exit_rules(version="2019")["rectification_max_months"] == 12
    m = make_member(tree.village_a)
    inst = exits.start(actor=branch, member_id=m.pk, kind="rectification", on=D(2026, 3, 1))
    with pytest.raises(ServiceError) as exc:
        run(branch, inst, "decide", D(2026, 3, 1), reason="长期不参加组织生活", deadline="2027-03-02")
    assert exc.value.errors[0].code == "too_long"
    run(branch, inst, "decide", D(2026, 3, 1), reason="长期不参加组织生活", deadline="2027-03-01")
    inst.refresh_from_db()
    assert (inst.step, inst.due_on) == ("outcome", D(2027, 3, 1))
    run(branch, inst, "outcome", D(2026, 9, 1), outcome="corrected", reason="已按时参加组织生活")
    inst.refresh_from_db()
    assert inst.status == "completed" and Member.objects.get(pk=m.pk).standing == "normal"


@pytest.mark.django_db
def test_one_open_case_per_kind_and_cases_listed_in_scope(tree, branch, users, make_member):
    m = make_member(tree.village_a)
    exits.start(actor=branch, member_id=m.pk, kind="suspension", on=D(2026, 10, 1))
    with pytest.raises(ServiceError) as exc:
        exits.start(actor=branch, member_id=m.pk, kind="suspension", on=D(2026, 10, 2))
    assert exc.value.errors[0].code == "duplicate_existing"
    assert selectors.exit_cases(branch).count() == 1
    assert selectors.exit_cases(Actor.for_user(users["sec_b"])).count() == 0


@pytest.mark.django_db
def test_suspended_two_years_is_flagged_for_removal(tree, system, make_member):
    from orgwork.members import services as member_services

    m = make_member(tree.village_a)
    member_services.change_status(actor=system, member_id=m.pk, action="suspend", on=D(2024, 11, 20), reason="失联6个月以上")
    assert not selectors.suspended_due_for_removal(system, today=D(2026, 11, 19)).exists()
    assert list(selectors.suspended_due_for_removal(system, today=D(2026, 11, 20))) == [m]
