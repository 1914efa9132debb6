"""我的会议 and 我的评议 on the phone: only the member's own meetings (those the meetings app expects them at: the
branch's, their party group's, the committee's only for its members) and their own appraisal entry; the minutes the
branch published and no others; the self-assessment only at its stage; other people's meetings and entries are 404."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, ServiceError
from orgwork.core.models import AuditEvent, Role
from orgwork.core.services import grant_role
from orgwork.meetings import appraisal, selectors
from orgwork.meetings import services as meeting_services
from orgwork.meetings.models import AppraisalEntry, Meeting
from orgwork.members import services as member_services
from orgwork.orgs import services as org_services

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def me(users):
    return users["member_a_record"]


@pytest.fixture
def me_actor(users):
    return Actor.for_user(users["member_a"])


@pytest.fixture
def colleague(tree, system, make_member):
    """Another member of the same branch, with an account, on the branch committee (组织委员)."""
    m = make_member(tree.village_a, name="王五", birth=dt.date(1970, 1, 1))
    u = get_user_model().objects.create_user(username="wangwu", password="Zugong#2026")
    grant_role(actor=system, user=u, org=tree.village_a, role=Role.MEMBER)
    member_services.link_user(actor=system, member_id=m.pk, user=u)
    org_services.appoint_officer(actor=system, org_id=tree.village_a.pk, name=m.name, post="organization", member_id=m.pk, started_on=dt.date(2024, 1, 1))
    m.user = u
    return m


def _plan(system, org, kind="general_meeting", topic="学习全会精神", on=None, **kw):
    return meeting_services.plan_meeting(actor=system, org_id=org.pk, kind=kind, topic=topic, planned_on=on or TODAY + dt.timedelta(days=3), place="村委会二楼会议室", **kw)


def _held(system, org, *, minutes="", publish=False, absent=None, topic="七月主题党日", kind="general_meeting"):
    m = _plan(system, org, topic=topic, on=TODAY - dt.timedelta(days=10), kind=kind)
    meeting_services.record_meeting(actor=system, meeting_id=m.pk, held_on=TODAY - dt.timedelta(days=10), absent=absent or {}, minutes=minutes, resolutions="按期交纳党费" if minutes else "")
    if publish:
        meeting_services.publish_minutes(actor=system, meeting_id=m.pk)
    m.refresh_from_db()
    return m


# --- which meetings are mine --------------------------------------------------------------------------------------------
def test_upcoming_are_the_meetings_that_expect_me(tree, system, me, me_actor, colleague):
    member_services.assign_party_group(actor=system, member_id=me.pk, group_id=tree.group_a.pk)
    branch = _plan(system, tree.village_a, topic="支部党员大会")
    group = _plan(system, tree.group_a, kind="group_meeting", topic="党小组学习")
    committee = _plan(system, tree.village_a, kind="committee_meeting", topic="研究发展党员")
    other_branch = _plan(system, tree.village_b, topic="乙镇的会")
    past_plan = _plan(system, tree.village_a, topic="过期未记录", on=TODAY - dt.timedelta(days=1))
    mine = [a.meeting_id for a in selectors.own_upcoming_meetings(me_actor)]
    assert mine == [branch.pk, group.pk]  # soonest first; the committee meeting expects the committee only
    assert committee.pk not in mine and other_branch.pk not in mine and past_plan.pk not in mine
    # the committee member is expected at it (meetings decided that when it was planned: default_expected)
    theirs = [a.meeting_id for a in selectors.own_upcoming_meetings(Actor.for_user(colleague.user))]
    assert committee.pk in theirs and branch.pk in theirs and group.pk not in theirs


def test_a_staff_actor_reads_only_their_own_meetings_not_the_branch_roll(tree, system, users, make_member, me):
    """The secretary's scope covers the whole branch; "my meetings" are still only the meetings of their own record."""
    _plan(system, tree.village_a)
    sec = Actor.for_user(users["sec_a"])
    assert not selectors.own_upcoming_meetings(sec).exists()  # sec_a has no member record
    assert not selectors.own_appraisals(sec).exists()


def test_past_meetings_show_my_attendance_and_only_published_minutes(tree, system, me, me_actor, colleague):
    published = _held(system, tree.village_a, minutes="学习了党章第三章。", publish=True, absent={me.pk: "外出务工"}, topic="六月支部党员大会")
    unpublished = _held(system, tree.village_a, minutes="研究了困难党员慰问名单（内部）。", topic="七月支部党员大会")
    rows = {a.meeting_id: a for a in selectors.own_past_meetings(me_actor)}
    assert set(rows) == {published.pk, unpublished.pk}
    assert (rows[published.pk].status, rows[published.pk].absent_reason) == ("absent", "外出务工")
    assert selectors.published_minutes(published) == ("学习了党章第三章。", "按期交纳党费")
    assert selectors.published_minutes(unpublished) is None


def test_another_members_meeting_is_not_found(tree, system, me_actor, colleague):
    committee = _plan(system, tree.village_a, kind="committee_meeting", topic="研究发展党员")
    elsewhere = _plan(system, tree.village_b)
    for m in (committee, elsewhere):
        with pytest.raises(NotFound):
            selectors.own_meeting(me_actor, m.pk)
    with pytest.raises(NotFound):
        selectors.own_meeting(me_actor, 2**70)


# --- publishing minutes -------------------------------------------------------------------------------------------------
def test_publishing_minutes_needs_a_held_meeting_with_minutes_and_is_audited(tree, system, me):
    planned = _plan(system, tree.village_a)
    with pytest.raises(ServiceError) as e:
        meeting_services.publish_minutes(actor=system, meeting_id=planned.pk)
    assert e.value.errors[0].code == "not_held" and "尚未召开" in e.value.errors[0].message
    empty = _held(system, tree.village_a)
    with pytest.raises(ServiceError) as e:
        meeting_services.publish_minutes(actor=system, meeting_id=empty.pk)
    assert (e.value.errors[0].field, e.value.errors[0].code) == ("minutes", "required")
    m = _held(system, tree.village_a, minutes="记录", topic="有记录的会")
    meeting_services.publish_minutes(actor=system, meeting_id=m.pk)
    meeting_services.publish_minutes(actor=system, meeting_id=m.pk)  # unchanged: not recorded again
    assert AuditEvent.objects.filter(action="meeting.minutes_publish", object_id=str(m.pk)).count() == 1
    meeting_services.publish_minutes(actor=system, meeting_id=m.pk, publish=False)
    m.refresh_from_db()
    assert not m.minutes_published and m.minutes_published_at is None
    assert AuditEvent.objects.filter(action="meeting.minutes_withdraw", object_id=str(m.pk)).exists()


def test_another_branchs_secretary_cannot_publish(tree, system, users):
    m = _held(system, tree.village_a, minutes="记录")
    with pytest.raises(NotFound):
        meeting_services.publish_minutes(actor=Actor.for_user(users["sec_b"]), meeting_id=m.pk)


def test_the_secretary_publishes_with_the_checkbox_where_the_minutes_are_recorded(client, tree, system, users, me):
    m = _plan(system, tree.village_a, on=TODAY - dt.timedelta(days=2))
    client.force_login(users["sec_a"])
    data = {"held_on": (TODAY - dt.timedelta(days=2)).isoformat(), "present": [me.pk], "minutes": "传达了县委全会精神。", "resolutions": "", "minutes_published": "1"}
    r = client.post(reverse("meetings:action", args=[m.pk, "record"]), data)
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.status == "held" and m.minutes_published
    page = client.get(reverse("meetings:detail", args=[m.pk])).content.decode()
    assert 'data-testid="minutes-published"' in page and 'name="minutes_published" value="1" checked' in page
    data.pop("minutes_published")  # unticked: withdrawn
    client.post(reverse("meetings:action", args=[m.pk, "record"]), data)
    m.refresh_from_db()
    assert not m.minutes_published


def test_a_failed_publish_rolls_back_the_record(client, tree, system, users, me):
    m = _plan(system, tree.village_a, on=TODAY - dt.timedelta(days=2))
    client.force_login(users["sec_a"])
    data = {"held_on": (TODAY - dt.timedelta(days=2)).isoformat(), "present": [me.pk], "minutes": "", "minutes_published": "1"}
    r = client.post(reverse("meetings:action", args=[m.pk, "record"]), data, follow=True)
    assert "会议记录为空" in r.content.decode()
    m.refresh_from_db()
    assert m.status == "planned" and not m.minutes_published


# --- the pages ----------------------------------------------------------------------------------------------------------
def test_my_meetings_page(client, tree, system, users, me, colleague):
    _plan(system, tree.village_a, topic="学习新党章")
    _plan(system, tree.village_a, kind="committee_meeting", topic="研究发展党员")
    pub = _held(system, tree.village_a, minutes="学习了党章第三章。", publish=True, topic="六月支部党员大会")
    hidden = _held(system, tree.village_a, minutes="困难党员慰问名单（内部）", topic="七月支部党员大会", absent={me.pk: "病假"})
    client.force_login(users["member_a"])
    page = client.get(reverse("selfservice:meetings")).content.decode()
    assert "学习新党章" in page and "村委会二楼会议室" in page and reverse("meetings:signin") in page
    assert "研究发展党员" not in page  # the committee's meeting
    assert "六月支部党员大会" in page and "七月支部党员大会" in page and "病假" in page
    assert "困难党员慰问名单" not in page and "学习了党章第三章" not in page  # minutes are on the meeting's page
    detail = client.get(reverse("selfservice:meeting", args=[pub.pk])).content.decode()
    assert "学习了党章第三章。" in detail and "按期交纳党费" in detail
    detail = client.get(reverse("selfservice:meeting", args=[hidden.pk])).content.decode()
    assert "困难党员慰问名单" not in detail and "尚未公开" in detail


def test_a_meeting_i_signed_in_to_says_so_instead_of_offering_the_sign_in(client, tree, system, users, me):
    m = _plan(system, tree.village_a, on=TODAY)
    client.force_login(users["member_a"])
    page = client.get(reverse("selfservice:meetings")).content.decode()
    assert 'data-testid="signin-link"' in page and 'data-testid="signed-in"' not in page
    meeting_services.set_signin(actor=system, meeting_id=m.pk, open=True)
    meeting_services.sign_in(actor=Actor.for_user(users["member_a"]), code=m.signin_code)
    page = client.get(reverse("selfservice:meetings")).content.decode()
    assert 'data-testid="signin-link"' not in page and 'data-testid="signed-in"' in page
    assert 'data-testid="signed-in"' in client.get(reverse("selfservice:meeting", args=[m.pk])).content.decode()


def test_another_members_meeting_page_is_404(client, tree, system, users, colleague):
    committee = _plan(system, tree.village_a, kind="committee_meeting", topic="研究发展党员")
    elsewhere = _held(system, tree.village_b, minutes="乙镇记录", publish=True)
    client.force_login(users["member_a"])
    for m in (committee, elsewhere):
        assert client.get(reverse("selfservice:meeting", args=[m.pk])).status_code == 404
    client.force_login(colleague.user)
    assert client.get(reverse("selfservice:meeting", args=[committee.pk])).status_code == 200


def test_the_lists_are_paged_not_cut(client, tree, system, users, me):
    for i in range(23):
        _plan(system, tree.village_a, topic=f"第{i + 1}次学习", on=TODAY + dt.timedelta(days=i + 1))
    client.force_login(users["member_a"])
    page = client.get(reverse("selfservice:meetings")).content.decode()
    assert "第20次学习" in page and "第21次学习" not in page and 'data-testid="pager-upage"' in page
    page = client.get(reverse("selfservice:meetings") + "?upage=2").content.decode()
    assert "第23次学习" in page and "第1次学习<" not in page


def test_hub_links_to_both_pages_through_gettext(client, users):
    client.force_login(users["member_a"])
    page = client.get(reverse("selfservice:hub")).content.decode()
    assert reverse("selfservice:meetings") in page and "我的会议" in page and "我的评议" in page
    from orgwork.selfservice.selectors import HUB_LINKS

    assert all(type(label).__name__ == "__proxy__" for _name, label in HUB_LINKS)  # lazy: translated per request
    from django.utils import translation

    from orgwork.selfservice.selectors import hub_links

    with translation.override("en"):
        labels = dict((url, label) for url, label in hub_links())
    assert labels[reverse("selfservice:meetings")] == "My meetings" and labels[reverse("selfservice:appraisals")] == "My appraisals"
    assert labels[reverse("selfservice:dues")] == "My dues"


# --- my appraisal ------------------------------------------------------------------------------------------------------
@pytest.fixture
def round_(tree, system, me, colleague):
    return appraisal.start_round(actor=system, org_id=tree.village_a.pk, year=TODAY.year)


def test_the_member_submits_their_own_self_assessment_at_its_stage(system, me, me_actor, round_):
    entry = AppraisalEntry.objects.get(round=round_, member=me)
    appraisal.submit_own_self(actor=me_actor, entry_id=entry.pk, text="认真学习，按时交纳党费。", grade="qualified")
    entry.refresh_from_db()
    assert (entry.self_assessment, entry.self_grade) == ("认真学习，按时交纳党费。", "qualified")
    ev = AuditEvent.objects.get(action="appraisal.self")
    assert ev.data["own"] is True and ev.data["member"] == me.pk and ev.actor_id == me_actor.user_id
    with pytest.raises(ServiceError) as e:
        appraisal.submit_own_self(actor=me_actor, entry_id=entry.pk, text="  ", grade="")
    assert (e.value.errors[0].field, e.value.errors[0].code) == ("text", "required")
    with pytest.raises(ServiceError) as e:
        appraisal.submit_own_self(actor=me_actor, entry_id=entry.pk, text="x", grade="best")
    assert e.value.errors[0].code == "bad_value"


def test_the_self_assessment_is_refused_at_the_wrong_stage(system, me, me_actor, round_):
    entry = AppraisalEntry.objects.get(round=round_, member=me)
    appraisal.advance(actor=system, round_id=round_.pk)  # → 党员互评
    with pytest.raises(ServiceError) as e:
        appraisal.submit_own_self(actor=me_actor, entry_id=entry.pk, text="迟交的自评", grade="qualified")
    err = e.value.errors[0]
    assert (err.field, err.code) == ("stage", "wrong_stage")
    assert "党员互评" in err.message and "个人自评" in err.message
    entry.refresh_from_db()
    assert entry.self_assessment == ""


def test_another_members_entry_is_not_found(system, me_actor, colleague, round_, users):
    theirs = AppraisalEntry.objects.get(round=round_, member=colleague)
    with pytest.raises(NotFound):
        appraisal.submit_own_self(actor=me_actor, entry_id=theirs.pk, text="替别人写", grade="excellent")
    with pytest.raises(NotFound):  # the branch secretary has write scope, but it is not their own entry
        appraisal.submit_own_self(actor=Actor.for_user(users["sec_a"]), entry_id=theirs.pk, text="x")
    with pytest.raises(NotFound):
        appraisal.submit_own_self(actor=me_actor, entry_id=2**70, text="x")
    theirs.refresh_from_db()
    assert theirs.self_assessment == ""
    assert [e.pk for e in selectors.own_appraisals(me_actor)] == [AppraisalEntry.objects.get(round=round_, member__user=users["member_a"]).pk]


def test_my_appraisals_page_submits_and_hides_other_peoples_votes_and_comments(client, system, users, me, colleague, round_):
    entry = AppraisalEntry.objects.get(round=round_, member=me)
    client.force_login(users["member_a"])
    page = client.get(reverse("selfservice:appraisals")).content.decode()
    assert "个人自评" in page and 'data-testid="self-form"' in page
    r = client.post(reverse("selfservice:appraisals"), {"entry": entry.pk, "text": "按时参加组织生活。", "grade": "qualified"})
    assert r.status_code == 302
    theirs = AppraisalEntry.objects.get(round=round_, member=colleague)
    assert client.post(reverse("selfservice:appraisals"), {"entry": theirs.pk, "text": "x", "grade": ""}).status_code == 404
    # the round runs on; the branch decides
    appraisal.advance(actor=system, round_id=round_.pk)
    appraisal.record_mutual(actor=system, round_id=round_.pk, member_id=me.pk, comments="互评：有时迟到早退")
    r = client.post(reverse("selfservice:appraisals"), {"entry": entry.pk, "text": "改一下", "grade": ""})
    assert r.status_code == 400 and "个人自评" in r.content.decode() and "党员互评" in r.content.decode()
    appraisal.advance(actor=system, round_id=round_.pk)
    appraisal.record_rating(actor=system, round_id=round_.pk, member_id=me.pk, excellent=1, qualified=0, basic=1, unqualified=0, voters=2)
    appraisal.record_rating(actor=system, round_id=round_.pk, member_id=colleague.pk, excellent=0, qualified=2, basic=0, unqualified=0, voters=2)
    appraisal.decide(actor=system, round_id=round_.pk, grades={me.pk: ("qualified", "工作认真，但学习笔记不全"), colleague.pk: ("qualified", "")})
    page = client.get(reverse("selfservice:appraisals")).content.decode()
    assert "组织评定" in page and "合格" in page and "工作认真，但学习笔记不全" in page
    assert "有时迟到早退" not in page and "互评意见" not in page and "优秀票" not in page and "测评结果" not in page
    assert 'data-testid="self-form"' not in page


def test_pages_need_a_member_account(client, users, tree, system):
    assert client.get(reverse("selfservice:meetings")).status_code in (302, 403)
    # a member grant but no record: empty pages, not errors
    u = get_user_model().objects.create_user(username="norecord", password="Zugong#2026")
    grant_role(actor=system, user=u, org=tree.village_a, role=Role.MEMBER)
    client.force_login(u)
    assert client.get(reverse("selfservice:meetings")).status_code == 200
    assert client.get(reverse("selfservice:appraisals")).status_code == 200
    assert not Meeting.objects.exists()


# --- demo ------------------------------------------------------------------------------------------------------------
def test_the_demo_members_phone_shows_a_meeting_to_come_published_minutes_and_an_open_appraisal(client, tree, system, make_member):
    from django.core.management import call_command

    me = make_member(tree.village_a, name="演示党员")
    make_member(tree.village_a, name="乙")
    u = get_user_model().objects.create_user(username="member", password="Zugong#2026")
    grant_role(actor=system, user=u, org=tree.village_a, role=Role.MEMBER)
    member_services.link_user(actor=system, member_id=me.pk, user=u)
    call_command("demo_meetings", "--if-empty")
    actor = Actor.for_user(u)
    assert selectors.own_upcoming_meetings(actor).count() == 1
    published = [a.meeting for a in selectors.own_past_meetings(actor) if a.meeting.minutes_published]
    assert len(published) == 1 and selectors.published_minutes(published[0])[0].startswith("一、书记传达")
    assert [e.round.stage for e in selectors.own_appraisals(actor)] == ["self"]
    client.force_login(u)
    assert "学习贯彻全会精神" in client.get(reverse("selfservice:meetings")).content.decode()
    assert 'data-testid="self-form"' in client.get(reverse("selfservice:appraisals")).content.decode()
    n = Meeting.objects.count()
    call_command("demo_meetings", "--if-empty")  # once only
    assert Meeting.objects.count() == n and AppraisalEntry.objects.filter(member=me).count() == 1
