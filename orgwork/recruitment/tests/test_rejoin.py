"""Re-joining (党员教育管理工作条例 第二十四条): only a suspended membership is restored; one who left re-joins
through the development procedure with new dates, and stays one person with both memberships linked."""

import datetime as dt

import pytest

from orgwork.core.errors import ServiceError
from orgwork.members import services as member_services
from orgwork.members.models import Member, MemberStatusChange
from orgwork.recruitment import services

D = dt.date


def _apply(pipeline, member, **kw):
    return services.start_application(
        actor=pipeline.system, org_id=pipeline.tree.village_a.pk, applied_on=D(2023, 3, 1), name=member.name, id_number=member.id_number,
        education="大学本科", documents={"入党申请书": "申请书 2023-009"}, **kw,
    )  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["exit", "remove"])  # 劝退/退党/开除 → 出党; 除名/自行脱党 → 除名
def test_one_who_left_rejoins_through_the_pipeline_on_the_same_record(pipeline, system, make_member, tree, action):
    old = make_member(tree.village_b, name="周重入", birth=D(1990, 3, 3), joined=D(2012, 7, 1))
    member_services.change_status(actor=system, member_id=old.pk, action=action, on=D(2021, 5, 10), reason="本人申请退党" if action == "exit" else "连续六个月不交纳党费")
    # a restore is not the way back for one who left
    with pytest.raises(ServiceError) as exc:
        member_services.change_status(actor=system, member_id=old.pk, action="restore", on=D(2022, 1, 1), reason="x")
    assert exc.value.errors[0].code == "not_allowed"
    a = _apply(pipeline, old)  # the old ID-number record no longer blocks the application
    pipeline.run(a, through="approval")
    a.refresh_from_db()
    assert a.member_id == old.pk  # one person: the same record
    m = Member.objects.get(pk=old.pk)
    assert (m.standing, m.category, m.joined_on, m.confirmed_on, m.org_id) == ("normal", "probationary", D(2024, 6, 20), None, tree.village_a.pk)
    rejoin = MemberStatusChange.objects.get(member=m, action="rejoin")
    assert rejoin.before["joined_on"] == "2012-07-01" and rejoin.before["standing"] == ("exited" if action == "exit" else "removed")
    assert rejoin.before["org"] == "红旗村党支部" and rejoin.effective_on == D(2024, 6, 20)
    # both histories: the earlier leaving is still there, on the same person
    assert set(MemberStatusChange.objects.filter(member=m).values_list("action", flat=True)) == {action, "rejoin"}
    assert Member.objects.filter(id_number=old.id_number).count() == 1
    # and confirmation runs on the new dates
    for step in ["approval_filed", "assigned", "oath", "probation_assessment", "confirmation_application", "confirmation_meeting", "confirmation_approval"]:
        pipeline.assess(a, step)
        pipeline.step(a, step)
    m.refresh_from_db()
    assert (m.category, m.confirmed_on) == ("full", D(2025, 6, 20))


@pytest.mark.django_db
def test_a_suspended_membership_is_restored_not_rejoined(pipeline, system, make_member, tree):
    m = make_member(tree.village_a, name="停籍者", birth=D(1980, 1, 1))
    member_services.change_status(actor=system, member_id=m.pk, action="suspend", on=D(2025, 1, 1), reason="失联")
    with pytest.raises(ServiceError) as exc:
        _apply(pipeline, m)
    assert (exc.value.errors[0].field, exc.value.errors[0].code) == ("id_number", "restore_instead")
    with pytest.raises(ServiceError) as exc:
        member_services.rejoin(actor=system, id_number=m.id_number, org_id=tree.village_a.pk, joined_on=D(2026, 1, 1), reason="x")
    assert exc.value.errors[0].code == "restore_instead"
    member_services.change_status(actor=system, member_id=m.pk, action="restore", on=D(2025, 6, 1), reason="恢复联系，经支部研究恢复党籍")
    m.refresh_from_db()
    assert m.standing == "normal" and m.joined_on == D(2005, 7, 1)  # restored: the original dates stand
