"""Finding people and doing the work in a real Chromium: a member beyond the first 500 picked by search in a
transfer (keyboard and mouse), the transfer history read in Chinese, attendance marked with 全部出席."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from orgwork.conftest import make_id
from orgwork.core.models import Role
from orgwork.core.services import grant_role
from orgwork.lifecycle.models import Transfer
from orgwork.meetings import services as meeting_services
from orgwork.meetings.models import Attendance
from orgwork.members import services as member_services

PASSWORD = "Zugong#2026"


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(me/)?$"))


def staff(system, username, name, org, role):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, first_name=name, is_staff=True)
    grant_role(actor=system, user=user, org=org, role=role)
    return user


@pytest.mark.django_db(transaction=True)
def test_pick_a_member_beyond_the_first_500_in_a_transfer_and_read_its_history(live_server, new_page, shot, tree, make_member, system):
    rows = []
    for i in range(520):
        birth = dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28)
        rows.append({"name": f"党员{i:03d}", "gender": "M", "id_number": make_id(birth), "birth_date": birth, "category": "full", "joined_on": dt.date(2000, 7, 1), "org": tree.village_a})
    member_services.bulk_create_members(actor=system, rows=rows)
    target = make_member(tree.village_a, name="欧阳远方", birth=dt.date(1978, 8, 8))  # sorts after every 党员… (pinyin o > d)
    staff(system, "town_admin", "林镇委", tree.town_a, Role.ORG_ADMIN)

    page = new_page()
    sign_in(page, live_server.url, "town_admin")
    page.goto(f"{live_server.url}/lifecycle/transfers/")
    form = page.get_by_test_id("transfer-within")
    # the member: typed by initials, chosen with the keyboard
    member_box = form.get_by_test_id("picker-within-member")
    member_box.get_by_role("combobox").fill("oyyf")
    expect(member_box.get_by_role("option")).to_have_count(1)
    expect(member_box.get_by_role("option").first).to_contain_text("中共甲镇委员会/红旗村党支部")
    member_box.get_by_role("combobox").press("ArrowDown")
    member_box.get_by_role("combobox").press("Enter")
    expect(member_box.locator("input[name=member]")).to_have_value(str(target.pk))
    # the destination: two 机关党支部 told apart by their path; chosen with the mouse
    to_box = form.get_by_test_id("picker-within-to")
    to_box.get_by_role("combobox").fill("机关")
    expect(to_box.get_by_role("option")).to_have_count(2)
    shot(page, "picker-destinations")
    to_box.get_by_role("option").filter(has_text="中共甲镇委员会/机关党支部").click()
    expect(to_box.locator("input[name=to_org]")).to_have_value(str(tree.office_a.pk))
    form.locator("input[name=reason]").fill("工作调动")
    form.locator("button.btn-primary").click()
    page.wait_for_url(re.compile(r"/lifecycle/transfers/\d+/$"))
    t = Transfer.objects.get(member=target)
    assert t.to_org_id == tree.office_a.pk

    # the history reads in Chinese, with the handler's real name
    history = page.locator("table").last
    expect(history).to_contain_text("转出方")
    expect(history).to_contain_text("发起转接")
    expect(history).to_contain_text("林镇委")
    for code in ("sending", "start", "town_admin"):
        expect(history).not_to_contain_text(code)
    shot(page, "transfer-history")


@pytest.mark.django_db(transaction=True)
def test_marking_attendance_with_all_present(live_server, new_page, shot, tree, make_member, system):
    people = [make_member(tree.village_a, name=f"支部{n}", birth=dt.date(1970 + i, 2, 3)) for i, n in enumerate("一二三四五六七八九十甲乙丙丁戊己庚")]
    assert len(people) == 17
    meeting = meeting_services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="general_meeting", topic="学习党章", planned_on=dt.date.today())
    staff(system, "sec_meet", "红旗村书记", tree.village_a, Role.SECRETARY)

    page = new_page()
    sign_in(page, live_server.url, "sec_meet")
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    page.get_by_test_id("all-present").click()
    table = page.get_by_test_id("attendance")
    expect(table.locator("input[name=present]:checked")).to_have_count(17)
    absent = people[4]
    table.get_by_label(absent.name, exact=True).uncheck()
    table.get_by_label(f"{absent.name}缺席原因").fill("病假")
    shot(page, "attendance-all-present")
    page.get_by_role("button", name="记录会议已召开").click()
    expect(page.locator(".flash").first).to_contain_text("已记录会议")
    statuses = dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "status"))
    assert sum(1 for s in statuses.values() if s == "present") == 16
    assert statuses[absent.pk] == "absent"
    assert Attendance.objects.get(meeting=meeting, member=absent).absent_reason == "病假"
