import datetime as dt

import pytest

from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, ServiceError
from orgwork.core.models import AuditEvent, ProcedureInstance
from orgwork.discipline import selectors, services
from orgwork.discipline.models import Sanction
from orgwork.members.models import MemberStatusChange
from orgwork.orgs import services as org_services
from orgwork.orgs.models import OrgOfficer

pytestmark = pytest.mark.django_db
D = dt.date


def record(actor, member, kind="warning", on=None, **kw):
    on = on or D(2025, 3, 1)
    values = dict(decided_by="中共甲镇纪律检查委员会", document="甲纪发〔2025〕3号", reason="违反组织纪律，情节较轻")
    values.update(kw)
    return services.record_sanction(actor=actor, member_id=member.pk, kind=kind, decided_on=on, **values)


def test_a_warning_weighs_for_a_year_and_ends_on_its_date(tree, system, make_member):
    m = make_member(tree.village_a, name="王警告")
    s = record(system, m, "warning", D(2025, 3, 1))
    assert (s.ends_on, s.rule_version) == (D(2026, 3, 1), "2024")
    assert s.in_force(D(2026, 2, 28)) and not s.in_force(D(2026, 3, 1))
    assert s.state(D(2026, 3, 1)) == "ended"
    ev = AuditEvent.objects.get(action="discipline.record", object_id=str(s.pk))
    assert ev.changes["kind"] == [None, "warning"] and ev.changes["document"][1] == "甲纪发〔2025〕3号"


def test_probation_excludes_from_those_entitled_until_it_ends(tree, system, make_member):
    a = make_member(tree.village_a, name="甲")
    b = make_member(tree.village_a, name="乙")
    s = record(system, b, "probation", D(2025, 3, 1), probation_years=1)
    assert s.ends_on == D(2026, 3, 1)
    assert selectors.is_on_probation(b, D(2025, 3, 1)) and not selectors.is_on_probation(b, D(2025, 2, 28))
    assert not selectors.is_on_probation(b, D(2026, 3, 1))  # rights return on the day the period ends
    assert selectors.entitled_member_ids(tree.village_a, on=D(2025, 6, 1)) == [a.pk]
    assert selectors.entitled_member_ids(tree.village_a, on=D(2026, 3, 1)) == sorted([a.pk, b.pk])
    basis = selectors.voting_basis(tree.village_a, on=D(2025, 6, 1))
    assert (basis.full_members, basis.entitled) == (2, 1) and "乙" in basis.note() and "党章第四十条" in basis.note()


def test_probation_period_must_be_one_or_two_years(tree, system, make_member):
    m = make_member(tree.village_a)
    with pytest.raises(ServiceError) as exc:
        record(system, m, "probation", probation_years=3)
    assert exc.value.errors[0].field == "probation_years"
    with pytest.raises(ServiceError) as exc:
        record(system, m, "warning", probation_years=1)
    assert exc.value.errors[0].code == "not_applicable"
    assert not Sanction.objects.exists()


def test_probation_extended_once_to_two_years_at_most(tree, system, make_member):
    m = make_member(tree.village_a)
    s = record(system, m, "probation", D(2024, 3, 1), probation_years=1)
    with pytest.raises(ServiceError) as exc:
        services.extend_probation(actor=system, sanction_id=s.pk, decided_on=D(2025, 4, 1), document="x", reason="未改正")
    assert exc.value.errors[0].code == "date_order"  # after the period ended
    s = services.extend_probation(actor=system, sanction_id=s.pk, decided_on=D(2025, 2, 20), document="甲纪发〔2025〕9号", reason="期满仍不符合恢复党员权利条件")
    assert (s.probation_years, s.ends_on) == (2, D(2026, 3, 1))
    assert selectors.is_on_probation(m, D(2025, 12, 1))
    with pytest.raises(ServiceError) as exc:
        services.extend_probation(actor=system, sanction_id=s.pk, decided_on=D(2025, 6, 1), document="x", reason="y")
    assert exc.value.errors[0].code == "too_long"
    assert AuditEvent.objects.filter(action="discipline.extend", object_id=str(s.pk)).count() == 1


def test_revoked_sanction_stops_weighing_from_that_day(tree, system, make_member):
    m = make_member(tree.village_a)
    s = record(system, m, "probation", D(2025, 3, 1), probation_years=2)
    services.revoke_sanction(actor=system, sanction_id=s.pk, on=D(2025, 9, 1), reason="申诉复查，处分不当", document="县纪发〔2025〕1号")
    assert selectors.is_on_probation(m, D(2025, 8, 31)) and not selectors.is_on_probation(m, D(2025, 9, 1))
    s.refresh_from_db()
    assert s.state(D(2025, 9, 1)) == "revoked"


def test_probation_and_post_removal_end_party_posts(tree, system, make_member):
    m = make_member(tree.village_a, name="李书记")
    seat = org_services.appoint_officer(actor=system, org_id=tree.village_a.pk, name=m.name, post="secretary", member_id=m.pk, started_on=D(2021, 1, 1))
    record(system, m, "probation", D(2025, 3, 1), probation_years=1)
    seat.refresh_from_db()
    assert seat.ended_on == D(2025, 3, 1) and "留党察看" in seat.end_reason
    assert OrgOfficer.objects.filter(pk=seat.pk).exists()  # history kept


def test_expulsion_ends_membership_through_the_exit_procedure(tree, system, make_member):
    m = make_member(tree.village_a, name="赵开除")
    s = record(system, m, "expulsion", D(2025, 5, 1), document="县纪发〔2025〕7号")
    m.refresh_from_db()
    assert (m.standing, m.standing_since) == ("exited", D(2025, 5, 1))
    inst = ProcedureInstance.objects.get(pk=s.exit_procedure_id)
    assert (inst.kind, inst.status) == ("member_expulsion", "completed")
    change = MemberStatusChange.objects.get(member=m, action="exit")
    assert "开除党籍" in change.reason and "县纪发〔2025〕7号" in change.reason
    with pytest.raises(ServiceError) as exc:
        services.revoke_sanction(actor=system, sanction_id=s.pk, on=D(2025, 6, 1), reason="x", document="y")
    assert exc.value.errors[0].code == "expulsion_final"
    with pytest.raises(ServiceError):
        record(system, m, "warning")  # no longer in the registry


def test_bad_input_names_fields_and_writes_nothing(tree, system, make_member):
    m = make_member(tree.village_a)
    with pytest.raises(ServiceError) as exc:
        services.record_sanction(actor=system, member_id=m.pk, kind="nonsense", decided_on=D(2030, 1, 1), decided_by="", document="", reason="")
    fields = {e.field for e in exc.value.errors}
    assert {"kind", "decided_on", "decided_by", "document", "reason"} <= fields
    with pytest.raises(ServiceError) as exc:
        record(system, m, "warning", D(2015, 6, 1))
    assert exc.value.errors[0].code == "no_rule_in_force"
    assert not Sanction.objects.exists() and not AuditEvent.objects.filter(action__startswith="discipline").exists()


def test_corrections_are_audited_with_the_old_value(tree, system, make_member):
    m = make_member(tree.village_a)
    s = record(system, m)
    services.correct_sanction(actor=system, sanction_id=s.pk, document="甲纪发〔2025〕4号", comment="文号录入错误")
    ev = AuditEvent.objects.get(action="discipline.correct")
    assert ev.changes == {"document": ["甲纪发〔2025〕3号", "甲纪发〔2025〕4号"]}


def test_reading_is_restricted_to_committee_and_department_admins(tree, users, system, make_member, api):
    m = make_member(tree.village_a, name="甲")
    other = make_member(tree.village_b, name="乙")
    s = record(system, m)
    s_b = record(system, other)
    town = Actor.for_user(users["town_a"])
    assert list(selectors.sanctions(town)) == [s]
    with pytest.raises(NotFound):
        selectors.get_sanction(town, s_b.pk)
    for name in ("sec_a", "member_a"):
        actor = Actor.for_user(users[name])
        assert not selectors.sanctions(actor).exists() and not selectors.may_read(actor)
        with pytest.raises(NotFound):
            selectors.get_sanction(actor, s.pk)
    with pytest.raises(NotFound):  # a secretary cannot write one either
        record(Actor.for_user(users["sec_a"]), m)
    assert selectors.sanctions(Actor.for_user(users["county"])).count() == 2
