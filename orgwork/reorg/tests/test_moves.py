"""Collective moves: merges keep every member, meeting and counter; a whole-branch transfer is all or nothing."""

import datetime as dt

import pytest

from orgwork.core.errors import ServiceError
from orgwork.core.models import AuditEvent
from orgwork.lifecycle.models import Transfer
from orgwork.lifecycle.services import transfers
from orgwork.meetings import services as meetings
from orgwork.meetings.models import Meeting
from orgwork.members import services as member_services
from orgwork.members.models import Member
from orgwork.orgs import services as org_services
from orgwork.orgs.models import Org, OrgKind, OrgOfficer, Sector
from orgwork.recruitment.models import Applicant
from orgwork.recruitment.tests.conftest import Pipeline
from orgwork.reorg import services
from orgwork.reorg.models import Reorganization
from orgwork.stats.models import OrgStats
from orgwork.stats.recount import recount

pytestmark = pytest.mark.django_db
D = dt.date


def stats(org):
    row = OrgStats.objects.filter(org=org).first()
    return (row.own.get("n", 0), row.total.get("n", 0)) if row else (0, 0)


@pytest.fixture
def villages(tree, system, make_member):
    """Two village branches of 甲镇: 红旗村 (tree.village_a) and 新民村, which merges into it."""
    east = tree.village_a
    west = org_services.create_org(actor=system, parent_id=tree.town_a.pk, name="新民村党支部", kind=OrgKind.BRANCH, sector=Sector.RURAL, founded_on=D(2000, 1, 1))
    group = org_services.create_org(actor=system, parent_id=west.pk, name="新民村第一党小组", kind=OrgKind.GROUP, sector=Sector.RURAL)
    east_members = [make_member(east, name="东" + "甲乙丙"[i]) for i in range(3)]
    west_members = [make_member(west, name="西" + "甲乙丙丁"[i]) for i in range(4)]
    suspended = make_member(west, name="西停")
    member_services.change_status(actor=system, member_id=suspended.pk, action="suspend", on=D(2025, 1, 1), reason="失联")
    gone = make_member(west, name="西故")
    member_services.change_status(actor=system, member_id=gone.pk, action="decease", on=D(2024, 5, 1), reason="病故")
    org_services.appoint_officer(actor=system, org_id=west.pk, name="西甲", post="secretary", member_id=west_members[0].pk, started_on=D(2021, 5, 1))
    org_services.appoint_officer(actor=system, org_id=east.pk, name="东甲", post="secretary", member_id=east_members[0].pk, started_on=D(2021, 5, 1))
    for i, day in enumerate((D(2026, 1, 10), D(2026, 2, 10), D(2026, 3, 10))):
        m = meetings.plan_meeting(actor=system, org_id=west.pk, kind="general_meeting", topic=f"西会{i}", planned_on=day)
        meetings.record_meeting(actor=system, meeting_id=m.pk, held_on=day, present_ids=[w.pk for w in west_members])
    meetings.plan_meeting(actor=system, org_id=east.pk, kind="general_meeting", topic="东会", planned_on=D(2026, 1, 12))
    return {"east": east, "west": west, "group": group, "east_members": east_members, "west_members": west_members, "suspended": suspended, "gone": gone}


def test_merge_of_two_village_branches_keeps_every_member_meeting_and_counter(tree, system, make_member, villages):
    east, west = villages["east"], villages["west"]
    applicant = Pipeline(tree, system, make_member).apply(org=west)
    town_before = stats(tree.town_a)
    east_before = set(Member.objects.filter(org=east).values_list("pk", flat=True))
    plan = services.plan_merge(system, source_ids=[west.pk], target_id=east.pk)
    assert plan.ok and plan.summary() == {"members": 5, "officers": 1, "groups": 1, "meetings": 3, "applicants": 1}
    assert any("不在册" in k for k in plan.kept)

    r = services.merge_orgs(actor=system, source_ids=[west.pk], target_id=east.pk, on=D(2026, 11, 1), reason="合村并组：新民村并入红旗村", document="甲组〔2026〕20号")

    # members: every one on the books is now in the merged branch (the group came along with its member)
    moved = [*villages["west_members"], villages["suspended"]]
    assert set(Member.objects.filter(org=east).values_list("pk", flat=True)) == east_before | {m.pk for m in moved}
    group = Org.objects.get(pk=villages["group"].pk)
    assert group.parent_id == east.pk and group.path.startswith(east.path)
    assert Member.objects.get(pk=villages["gone"].pk).org_id == west.pk  # a past record stays where it was
    # meetings: all three held by 新民村 are in the merged ledger, with where they were held kept on the record
    assert Meeting.objects.filter(org=east).count() == 4 and not Meeting.objects.filter(org=west).exists()
    assert {m["from_name"] for m in r.moved["meetings"]} == {"新民村党支部"}
    # counters: the merged branch counts everyone, the town's total is unchanged, and a full recount finds no drift
    assert stats(east) == (len(east_before) + 4,) * 2 and stats(west) == (0, 0)
    assert stats(tree.town_a) == town_before
    assert recount(fix=False).drift == []
    # officers: the old seat ended (history), the same person sits in the merged committee
    old = OrgOfficer.objects.get(org=west, name="西甲")
    assert old.ended_on == D(2026, 11, 1) and OrgOfficer.objects.filter(org=east, name="西甲", ended_on__isnull=True).exists()
    # the pipeline continues in the merged branch
    assert Applicant.objects.get(pk=applicant.pk).org_id == east.pk
    # the old org: abolished with the reason, not deleted
    west.refresh_from_db()
    assert west.abolished_on == D(2026, 11, 1) and "合村并组" in west.abolish_reason
    assert r.summary == {"members": 5, "officers": 1, "meetings": 3, "applicants": 1, "groups": 1}
    assert AuditEvent.objects.filter(action="reorg.merge", object_id=str(r.pk)).exists()
    assert AuditEvent.objects.filter(action="member.move").count() == 5


def test_merge_is_refused_while_work_is_open_and_nothing_moves(tree, system, make_member, villages):
    east, west = villages["east"], villages["west"]
    newcomer = make_member(tree.office_a, name="转入者")
    transfers.start_within(actor=system, member_id=newcomer.pk, to_org_id=west.pk, reason="工作调动", on=D(2026, 10, 1))
    plan = services.plan_merge(system, source_ids=[west.pk], target_id=east.pk)
    assert not plan.ok and plan.blockers[0].code == "transfer_in_open"
    with pytest.raises(ServiceError) as exc:
        services.merge_orgs(actor=system, source_ids=[west.pk], target_id=east.pk, on=D(2026, 11, 1), reason="合村并组")
    assert "转入者" in exc.value.errors[0].message
    assert Member.objects.filter(org=west).count() == 6 and Org.objects.get(pk=west.pk).abolished_on is None
    assert not Reorganization.objects.exists()


def test_whole_branch_transfer_moves_all_members_in_one_operation(tree, system, villages):
    west, target = villages["west"], tree.village_b
    members = Member.objects.filter(org__path__startswith=west.path, standing="normal")
    assert members.count() == 4
    plan = services.plan_bulk_transfer(system, from_org_id=west.pk, to_org_id=target.pk)
    assert plan.ok and len(plan.members) == 4 and "停止党籍" in plan.warnings[0]
    r = services.bulk_transfer(actor=system, from_org_id=west.pk, to_org_id=target.pk, on=D(2026, 11, 2), reason="整村搬迁", letter_no="甲组转〔2026〕1号")
    assert Member.objects.filter(org=target).count() == 4
    ts = Transfer.objects.filter(pk__in=r.moved["transfers"])
    assert ts.count() == 4 and set(ts.values_list("status", flat=True)) == {"received"}
    assert all("甲组转〔2026〕1号" in t.reason for t in ts)
    assert recount(fix=False).drift == []


def test_whole_branch_transfer_failing_midway_leaves_nothing_moved(tree, system, make_member, villages):
    west, target = villages["west"], tree.village_b
    late = make_member(west, name="西末")  # the last in the roster already has a transfer under way
    transfers.start_within(actor=system, member_id=late.pk, to_org_id=tree.office_a.pk, reason="个人调动", on=D(2026, 10, 1))
    before_audit = AuditEvent.objects.count()
    before_transfers = Transfer.objects.count()
    with pytest.raises(ServiceError) as exc:  # straight to the write, no preview: the failure comes after four members moved
        services.bulk_transfer(actor=system, from_org_id=west.pk, to_org_id=target.pk, on=D(2026, 11, 2), reason="整村搬迁", letter_no="甲组转〔2026〕2号")
    assert "西末" in exc.value.errors[0].message and exc.value.errors[0].code == "transfer_open"
    assert Member.objects.filter(org=target).count() == 0
    assert Member.objects.filter(org__path__startswith=west.path, standing="normal").count() == 5
    assert Transfer.objects.count() == before_transfers and AuditEvent.objects.count() == before_audit
    assert recount(fix=False).drift == []


def test_split_assigns_every_member_or_nothing_happens(tree, system, make_member, villages):
    west = villages["west"]
    north = org_services.create_org(actor=system, parent_id=tree.town_a.pk, name="北村党支部", kind=OrgKind.BRANCH, sector=Sector.RURAL)
    south = org_services.create_org(actor=system, parent_id=tree.town_a.pk, name="南村党支部", kind=OrgKind.BRANCH, sector=Sector.RURAL)
    on_books = [*villages["west_members"], villages["suspended"]]
    partial = {m.pk: north.pk for m in on_books[:-1]}
    with pytest.raises(ServiceError) as exc:
        services.split_org(actor=system, source_id=west.pk, assignments=partial, on=D(2026, 11, 3), reason="拆分")
    assert exc.value.errors[0].code == "unassigned" and "西停" in exc.value.errors[0].message
    assert Member.objects.filter(org=north).count() == 0
    full = {m.pk: (north.pk if i % 2 else south.pk) for i, m in enumerate(on_books)}
    services.split_org(actor=system, source_id=west.pk, assignments=full, on=D(2026, 11, 3), reason="按自然村拆分")
    assert Member.objects.filter(org__in=[north, south]).count() == len(on_books)
    assert Org.objects.get(pk=west.pk).abolished_on == D(2026, 11, 3) and Org.objects.get(pk=villages["group"].pk).abolished_on == D(2026, 11, 3)
    assert recount(fix=False).drift == []
