"""The distribution column (issue 22, docs/scaling.md): every member-level table carries the top-level org, written by
the services that write the rows, and kept right when a member or a whole subtree moves under another top-level org."""

import datetime as dt

import pytest
from django.db import connection

from orgwork.core import distribution
from orgwork.core.scoring import services as scoring
from orgwork.core.scoring.models import ScoreEntry, ScoreTotal
from orgwork.dues import services as dues
from orgwork.dues.models import DuesBase, DuesMonth, DuesPayment
from orgwork.lifecycle.models import MobileRegistration
from orgwork.lifecycle.services import mobile
from orgwork.meetings import appraisal
from orgwork.meetings import services as meetings
from orgwork.meetings.models import AppraisalEntry, AppraisalRound, Attendance, Meeting
from orgwork.members import services as members
from orgwork.members.models import Member, MemberStatusChange
from orgwork.orgs import services as orgs
from orgwork.orgs.models import OrgKind, Sector
from orgwork.recruitment.models import Applicant
from orgwork.selfservice import services as selfservice
from orgwork.selfservice.models import MemberRequest
from orgwork.training import services as training
from orgwork.training.models import Credit, Trainee

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 11, 20)

SPEC = {
    "code": "toporg.test", "name": "测试积分", "purpose": "test", "subject_type": "members.member",
    "version": {
        "version": "2026", "effective_from": D(2026, 1, 1), "source": "测试细则",
        "indicators": [{"code": "deed", "name": "先锋事迹", "area": "事迹", "points": "2", "source": "reviewer"}],
    },
}  # fmt: skip


@pytest.fixture
def other_root(system):
    """A second top-level org with a branch (another county: another shard on Citus)."""
    root = orgs.create_org(actor=system, parent_id=None, name="中共另县委员会", kind=OrgKind.COMMITTEE, sector=Sector.AGENCY, code="C002")
    town = orgs.create_org(actor=system, parent_id=root.pk, name="中共丙镇委员会", kind=OrgKind.COMMITTEE, sector=Sector.RURAL)
    branch = orgs.create_org(actor=system, parent_id=town.pk, name="丙村党支部", kind=OrgKind.BRANCH, sector=Sector.RURAL)
    return root, branch


def _rows_of(m):
    """Every member-level row of one member, by table."""
    return {
        "member": Member.objects.filter(pk=m.pk),
        "status": MemberStatusChange.objects.filter(member=m),
        "base": DuesBase.objects.filter(member=m),
        "payment": DuesPayment.objects.filter(member=m),
        "ledger": DuesMonth.objects.filter(member=m),
        "attendance": Attendance.objects.filter(member=m),
        "score": ScoreEntry.objects.filter(subject_type="members.member", subject_id=m.pk),
        "score_total": ScoreTotal.objects.filter(subject_type="members.member", subject_id=m.pk),
        "mobile": MobileRegistration.objects.filter(member=m),
        "request": MemberRequest.objects.filter(member=m),
        "appraisal": AppraisalEntry.objects.filter(member=m),
        "trainee": Trainee.objects.filter(member=m),
        "credit": Credit.objects.filter(trainee__member=m),
    }


def _give_rows(system, m, branch):
    members.change_status(actor=system, member_id=m.pk, action="lost_contact", on=D(2026, 3, 1), reason="外出失联")
    members.change_status(actor=system, member_id=m.pk, action="found_contact", on=D(2026, 4, 1), reason="已联系上")
    dues.set_base(actor=system, member_id=m.pk, category="salaried", base="4000", declared_on=D(2026, 1, 1))
    dues.record_payment(actor=system, member_id=m.pk, from_month=D(2026, 1, 1), months=3, paid_on=D(2026, 3, 20), today=TODAY)
    meetings.plan_meeting(actor=system, org_id=branch.pk, kind="general_meeting", topic="学习", planned_on=D(2026, 5, 10), attendee_ids=[m.pk])
    scoring.submit(actor=system, set_code="toporg.test", indicator_code="deed", subject=m, occurred_on=D(2026, 6, 1), today=TODAY)
    training.credit_hours(system, id_number=m.id_number, name=m.name, hours="2", on=D(2026, 3, 1), source="remote", ref=f"s-{m.pk}")
    mobile.register(actor=system, member_id=m.pk, left_on=D(2026, 7, 1), destination="广东省东莞市", home_contact="家属", today=TODAY)
    selfservice.ask_correction(actor=system, text="学历应为大专", member_id=m.pk)
    if not AppraisalRound.objects.filter(org=branch, year=2026).exists():  # one round a branch a year: every member of it gets an entry
        appraisal.start_round(actor=system, org_id=branch.pk, year=2026, started_on=D(2026, 11, 1))


def test_rows_carry_their_top_org_and_follow_a_member_to_another_top_org(tree, system, make_member, other_root):
    scoring.install(actor=system, spec=SPEC)
    root, far_branch = other_root
    m = make_member(tree.village_a, name="迁移")
    stay = make_member(tree.village_a, name="留下")
    _give_rows(system, m, tree.village_a)
    _give_rows(system, stay, tree.village_a)
    rows = _rows_of(m)
    for table, qs in rows.items():
        assert qs.exists(), table
        assert set(qs.values_list("top_org_id", flat=True)) == {tree.county.pk}, table
    meeting = Meeting.objects.filter(attendance__member=m).get()
    assert meeting.top_org_id == tree.county.pk

    members.move_member(actor=system, member_id=m.pk, org_id=far_branch.pk, on=D(2026, 11, 1), reason="组织关系转接")

    for table, qs in _rows_of(m).items():
        assert set(qs.values_list("top_org_id", flat=True)) == {root.pk}, table
    for table, qs in _rows_of(stay).items():  # the other member's rows did not move
        assert set(qs.values_list("top_org_id", flat=True)) == {tree.county.pk}, table
    meeting.refresh_from_db()
    assert meeting.top_org_id == tree.county.pk  # the meeting belongs to the branch that held it
    # new rows written after the move land under the new top org at once
    dues.record_payment(actor=system, member_id=m.pk, from_month=D(2026, 6, 1), months=1, paid_on=D(2026, 11, 5), today=TODAY)
    assert set(DuesMonth.objects.filter(member=m).values_list("top_org_id", flat=True)) == {root.pk}
    for e in distribution.registered():
        assert distribution.mismatches(e.model) == 0, e.model

    # a move inside the same top org changes nothing in the rows
    before = {t: list(qs.values_list("id", "top_org_id")) for t, qs in _rows_of(stay).items()}
    members.move_member(actor=system, member_id=stay.pk, org_id=tree.office_a.pk, on=D(2026, 11, 1), reason="调整支部")
    assert {t: list(qs.values_list("id", "top_org_id")) for t, qs in _rows_of(stay).items()} == before


def test_a_subtree_moved_under_another_root_takes_its_members_rows(tree, system, make_member, other_root):
    scoring.install(actor=system, spec=SPEC)
    root, _far = other_root
    m = make_member(tree.village_b, name="乙村")
    _give_rows(system, m, tree.village_b)
    applicant = Applicant.objects.create(org=tree.village_b, name="申请人", gender="M", birth_date=D(1990, 1, 1), id_number="511526199001011234", applied_on=D(2026, 2, 1))
    assert applicant.top_org_id == tree.county.pk
    orgs.move_org(actor=system, org_id=tree.town_b.pk, new_parent_id=root.pk)
    for table, qs in _rows_of(m).items():
        assert set(qs.values_list("top_org_id", flat=True)) == {root.pk}, table
    assert set(Meeting.objects.filter(org=tree.village_b).values_list("top_org_id", flat=True)) == {root.pk}
    applicant.refresh_from_db()
    assert applicant.top_org_id == root.pk
    for e in distribution.registered():
        assert distribution.mismatches(e.model) == 0, e.model
    # a whole root moved under another root: its rows follow too
    orgs.move_org(actor=system, org_id=tree.county.pk, new_parent_id=root.pk)
    assert set(Member.objects.values_list("top_org_id", flat=True)) == {root.pk}
    for e in distribution.registered():
        assert distribution.mismatches(e.model) == 0, e.model


def test_bulk_import_writes_the_column_and_the_fill_repairs_every_table(tree, system, make_member, other_root):
    scoring.install(actor=system, spec=SPEC)
    root, far = other_root
    rows = [
        {"org": org, "name": f"批量{i}", "id_number": f"5115261980010{i:03d}".ljust(17, "0")[:17] + "X", "gender": "M", "birth_date": D(1980, 1, 1),
         "category": "full", "joined_on": D(2005, 7, 1), "confirmed_on": D(2006, 7, 1)}
        for i, org in enumerate([tree.village_a, far, tree.office_b])
    ]  # fmt: skip
    from orgwork.core.idcard import make

    for i, r in enumerate(rows):
        r["id_number"] = make("511526", D(1980, 1, 1), 2 * i + 1)
    members.bulk_create_members(actor=system, rows=rows)
    got = dict(Member.objects.filter(name__startswith="批量").values_list("name", "top_org_id"))
    assert got == {"批量0": tree.county.pk, "批量1": root.pk, "批量2": tree.county.pk}
    m = make_member(far, name="远方")
    _give_rows(system, m, far)
    # the data migration's fill: wipe the column everywhere, fill table by table (members first), nothing left wrong
    entries = distribution.registered()
    for e in entries:
        e.model._base_manager.update(top_org_id=None)
        assert distribution.mismatches(e.model) > 0 or not e.model._base_manager.exists(), e.model
    for e in sorted(entries, key=lambda e: e.model is not Member):
        distribution.fill_table(e.model, path=e.path, member=e.member, where=dict(e.where))
    for e in entries:
        assert distribution.mismatches(e.model) == 0, e.model
    assert set(DuesMonth.objects.filter(member=m).values_list("top_org_id", flat=True)) == {root.pk}


def test_every_table_keyed_by_a_member_or_an_org_carries_the_column_or_says_why(monkeypatch):
    assert distribution.unclassified() == []
    keyed = distribution.keyed_tables()
    for label in [*distribution.REFERENCE_TABLES, *distribution.COORDINATOR_TABLES]:
        assert label in keyed, f"{label}: listed as not distributed but not keyed by a member or an org (stale entry)"
        assert not issubclass(keyed[label], distribution.TopOrgMixin), label
    # a table keyed by a member that neither carries the column nor says why is named (what a new model would get)
    monkeypatch.delitem(distribution.REFERENCE_TABLES, "orgs.orgofficer")
    assert distribution.unclassified() == ["orgs.orgofficer"]


def test_every_member_level_table_has_the_column_indexed():
    tables = {e.model._meta.db_table for e in distribution.registered()}
    assert {"members_member", "members_memberstatuschange", "dues_duesmonth", "dues_duespayment", "meetings_attendance", "training_credit", "recruitment_applicant"} <= tables
    assert {
        "core_procedureinstance", "meetings_appraisalround", "meetings_appraisalentry", "lifecycle_mobileregistration", "lifecycle_mobilecontact",
        "selfservice_memberrequest", "recruitment_thoughtreport", "recruitment_recruitmentplan", "core_scoretotal", "stats_orgstats",
        "discipline_sanction", "elections_candidate", "worklists_carecase", "notifications_messagelog",
    } <= tables  # fmt: skip
    with connection.cursor() as cur:
        for t in tables:
            cols = [c.name for c in connection.introspection.get_table_description(cur, t)]
            assert "top_org_id" in cols, t
            idx = connection.introspection.get_constraints(cur, t)
            assert any(v["columns"] == ["top_org_id"] and v["index"] for v in idx.values()), t


def test_top_org_check_names_wrong_rows_and_unclassified_tables_and_fix_repairs(tree, system, make_member, monkeypatch):
    import io

    from django.core.management import call_command

    m = make_member(tree.village_a, name="检查")
    mobile.register(actor=system, member_id=m.pk, left_on=D(2026, 7, 1), destination="广东省东莞市", home_contact="家属", today=TODAY)
    out = io.StringIO()
    call_command("top_org_check", stdout=out)
    assert "lifecycle_mobileregistration: 0" in out.getvalue() and "core_procedureinstance: 0" in out.getvalue()
    MobileRegistration.objects.filter(member=m).update(top_org_id=None)
    with pytest.raises(SystemExit):
        call_command("top_org_check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("top_org_check", "--fix", stdout=out)
    assert "lifecycle_mobileregistration: 1" in out.getvalue()
    assert set(MobileRegistration.objects.filter(member=m).values_list("top_org_id", flat=True)) == {tree.county.pk}
    monkeypatch.delitem(distribution.COORDINATOR_TABLES, "lifecycle.transfer")
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("top_org_check", stdout=out)
    assert "lifecycle.transfer: 以党员或党组织为键" in out.getvalue()


def test_a_bulk_fill_takes_the_member_else_the_rows_own_org(tree, make_member, other_root):
    from orgwork.notifications.models import MessageLog

    root, far = other_root
    m = make_member(far, name="远方")
    logs = [MessageLog(member_id=m.pk, org_id=tree.village_a.pk), MessageLog(org_id=tree.village_a.pk), MessageLog()]
    distribution.fill(logs)  # what the SMS writers do before their bulk insert
    assert [x.top_org_id for x in logs] == [root.pk, tree.county.pk, None]
