import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, ServiceError
from orgwork.core.models import AuditEvent
from orgwork.meetings import services
from orgwork.meetings.models import Attendance, Meeting
from orgwork.orgs import services as org_services

pytestmark = pytest.mark.django_db
D = dt.date
LATER = D(2030, 1, 1)


def test_plan_takes_expected_attendees_from_the_roster(tree, system, make_member):
    a = make_member(tree.village_a, name="甲")
    b = make_member(tree.village_a, name="乙")
    make_member(tree.village_b, name="丙")  # another branch
    m = services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="general_meeting", topic="学习", planned_on=D(2026, 5, 1))
    assert set(m.attendance.values_list("member_id", flat=True)) == {a.pk, b.pk}
    # a group's roster is its branch's
    g = services.plan_meeting(actor=system, org_id=tree.group_a.pk, kind="group_meeting", topic="学习", planned_on=D(2026, 5, 1))
    assert g.attendance.count() == 2
    assert AuditEvent.objects.filter(action="meeting.plan").count() == 2


def test_record_needs_a_reason_for_each_absence(tree, system, make_member):
    a = make_member(tree.village_a, name="甲")
    b = make_member(tree.village_a, name="乙")
    m = services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="general_meeting", topic="学习", planned_on=D(2026, 5, 1))
    with pytest.raises(ServiceError) as e:
        services.record_meeting(actor=system, meeting_id=m.pk, held_on=D(2026, 5, 1), present_ids=[a.pk], absent={b.pk: ""}, today=LATER)
    assert e.value.errors[0].code == "reason_required"
    services.record_meeting(actor=system, meeting_id=m.pk, held_on=D(2026, 5, 1), present_ids=[a.pk], absent={b.pk: "外出务工"}, minutes="会议记录", today=LATER)
    rows = {x.member_id: x for x in Attendance.objects.filter(meeting=m)}
    assert rows[a.pk].status == "present" and rows[b.pk].status == "absent" and rows[b.pk].absent_reason == "外出务工"
    m.refresh_from_db()
    assert m.status == "held" and m.held_on == D(2026, 5, 1) and m.minutes == "会议记录"


def test_record_rejects_a_future_date(tree, system):
    m = services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="general_meeting", topic="学习", planned_on=D(2026, 5, 1))
    with pytest.raises(ServiceError) as e:
        services.record_meeting(actor=system, meeting_id=m.pk, held_on=D(2026, 5, 2), today=D(2026, 5, 1))
    assert e.value.errors[0].code == "future_date"


def test_theme_day_needs_its_three_fixed_parts(tree, system):
    m = services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="theme_day", topic="主题党日", planned_on=D(2026, 5, 1))
    services.set_checklist(actor=system, meeting_id=m.pk, parts={"study": True, "dues": True})
    with pytest.raises(ServiceError) as e:
        services.record_meeting(actor=system, meeting_id=m.pk, held_on=D(2026, 5, 1), today=LATER)
    assert e.value.errors[0].code == "incomplete" and "党性分析" in e.value.errors[0].message
    services.set_checklist(actor=system, meeting_id=m.pk, parts={"spirit": True})
    services.record_meeting(actor=system, meeting_id=m.pk, held_on=D(2026, 5, 1), today=LATER)
    assert Meeting.objects.get(pk=m.pk).status == "held"


def test_custom_kind_and_talk_participants(tree, system, make_member):
    with pytest.raises(ServiceError):
        services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="custom", topic="志愿服务", planned_on=D(2026, 5, 1))
    m = services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="custom", custom_kind="志愿服务", topic="清扫", planned_on=D(2026, 5, 1))
    assert m.kind_label == "志愿服务"
    a = make_member(tree.village_a, name="甲")
    with pytest.raises(ServiceError):
        services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="talk", topic="谈心", planned_on=D(2026, 5, 1), attendee_ids=[a.pk])
    outsider = make_member(tree.village_b, name="外")
    with pytest.raises(ServiceError) as e:
        services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="talk", topic="谈心", planned_on=D(2026, 5, 1), attendee_ids=[a.pk, outsider.pk])
    assert e.value.errors[0].code == "not_in_roster"


def test_secretary_cannot_write_another_branchs_meeting(tree, users):
    sec_b = Actor.for_user(users["sec_b"])
    with pytest.raises(ServiceError) as e:
        services.plan_meeting(actor=sec_b, org_id=tree.village_a.pk, kind="general_meeting", topic="x", planned_on=D(2026, 5, 1))
    assert e.value.errors[0].code == "unknown_org"
    sec_a = Actor.for_user(users["sec_a"])
    m = services.plan_meeting(actor=sec_a, org_id=tree.village_a.pk, kind="general_meeting", topic="x", planned_on=D(2026, 5, 1))
    with pytest.raises(NotFound):
        services.cancel_meeting(actor=sec_b, meeting_id=m.pk, reason="x")


def test_member_signs_in_with_the_code_or_the_qr_token(tree, system, users):
    member = users["member_a_record"]
    m = services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="general_meeting", topic="学习", planned_on=D(2026, 5, 1))
    me = Actor.for_user(users["member_a"])
    with pytest.raises(ServiceError):  # not open yet
        services.sign_in(actor=me, code=m.signin_code)
    services.set_signin(actor=system, meeting_id=m.pk, open=True)
    with pytest.raises(ServiceError) as e:
        services.sign_in(actor=me, code="12345")
    assert e.value.errors[0].code == "bad_value"
    att = services.sign_in(actor=me, code=m.signin_code)
    assert att.member_id == member.pk and att.status == "present" and att.via == "code" and att.signed_in_at
    m2 = services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="lecture", topic="党课", planned_on=D(2026, 5, 1))
    services.set_signin(actor=system, meeting_id=m2.pk, open=True)
    att2 = services.sign_in(actor=me, token=m2.signin_token)
    assert att2.via == "qr"
    # the sign-in survives the recording of the meeting
    services.record_meeting(actor=system, meeting_id=m.pk, held_on=D(2026, 5, 1), today=LATER)
    assert Attendance.objects.get(meeting=m, member=member).status == "present"


def test_member_of_another_branch_cannot_sign_in(tree, system, users, make_member):
    m = services.plan_meeting(actor=system, org_id=tree.village_b.pk, kind="general_meeting", topic="学习", planned_on=D(2026, 5, 1))
    services.set_signin(actor=system, meeting_id=m.pk, open=True)
    with pytest.raises(ServiceError) as e:
        services.sign_in(actor=Actor.for_user(users["member_a"]), code=m.signin_code)
    assert e.value.errors[0].code == "no_meeting"


def test_attachments_and_photos(tree, system, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    m = services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="general_meeting", topic="学习", planned_on=D(2026, 5, 1))
    photo = services.add_attachment(actor=system, meeting_id=m.pk, file=SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff", content_type="image/jpeg"))
    doc = services.add_attachment(actor=system, meeting_id=m.pk, file=SimpleUploadedFile("纪要.docx", b"PK", content_type="application/octet-stream"))
    assert photo.is_photo and not doc.is_photo
    assert m.attachments.count() == 2


def test_lecture_by_secretary_is_marked(tree, system, make_member, hold):
    sec = make_member(tree.village_a, name="书记")
    org_services.appoint_officer(actor=system, org_id=tree.village_a.pk, name="书记", post="secretary", member_id=sec.pk, started_on=D(2020, 1, 1))
    m = hold(tree.village_a, "lecture", D(2026, 5, 1), speaker=sec)
    assert m.speaker_is_secretary and m.speaker_name == "书记"


def test_a_committee_meeting_expects_the_committee_not_the_whole_branch(tree, system, make_member):
    sec = make_member(tree.village_a, name="书记甲")
    deputy = make_member(tree.village_a, name="委员乙")
    make_member(tree.village_a, name="党员丙")
    org_services.appoint_officer(actor=system, org_id=tree.village_a.pk, name="书记甲", post="secretary", member_id=sec.pk, started_on=D(2025, 1, 1))
    org_services.appoint_officer(actor=system, org_id=tree.village_a.pk, name="委员乙", post="organization", member_id=deputy.pk, started_on=D(2025, 1, 1))
    m = services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="committee_meeting", topic="研究发展对象", planned_on=D(2026, 5, 1))
    assert set(m.attendance.values_list("member_id", flat=True)) == {sec.pk, deputy.pk}
    g = services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="general_meeting", topic="学习", planned_on=D(2026, 5, 1))
    assert g.attendance.count() == 3


def test_a_group_meeting_expects_the_members_seated_in_the_group(tree, system, make_member, users):
    from django.test import Client

    from orgwork.members import services as member_services

    a = make_member(tree.village_a, name="组员甲")
    b = make_member(tree.village_a, name="组员乙")
    make_member(tree.village_a, name="别组丙")
    member_services.assign_party_group(actor=system, member_id=a.pk, group_id=tree.group_a.pk)
    # seated through the member page, as a secretary does it
    c = Client()
    c.force_login(users["sec_a"])
    assert c.post(f"/members/{b.pk}/group/", {"party_group": tree.group_a.pk}).status_code == 302
    g = services.plan_meeting(actor=system, org_id=tree.group_a.pk, kind="group_meeting", topic="学习", planned_on=D(2026, 5, 1))
    assert set(g.attendance.values_list("member_id", flat=True)) == {a.pk, b.pk}
    # a group of another branch is refused, with the field named
    with pytest.raises(ServiceError) as e:
        member_services.assign_party_group(actor=system, member_id=a.pk, group_id=tree.village_b.pk)
    assert e.value.errors[0].field == "party_group"
    assert AuditEvent.objects.filter(action="member.party_group", object_id=str(b.pk)).exists()
    body = c.get(f"/members/{b.pk}/").content.decode()
    assert "调整所在党小组" in body and "第一党小组" in body
