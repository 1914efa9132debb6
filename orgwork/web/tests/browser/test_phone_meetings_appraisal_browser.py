"""In a real Chromium: the branch secretary records a meeting in the console and ticks "publish the minutes to the
members"; the member, on the phone (390×844), opens 我的会议 — the upcoming meeting with its date, place and a sign-in
link, the held ones with their attendance; the published minutes show, the unpublished ones do not — then 我的评议 and
submits a self-assessment; the secretary's appraisal page shows it."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from orgwork.core.sms import MemorySms
from orgwork.meetings import appraisal
from orgwork.meetings import services as meeting_services
from orgwork.meetings.models import AppraisalEntry, Meeting
from orgwork.members import services as member_services
from orgwork.web.tests.browser.conftest import sms_sign_in

PASSWORD = "Zugong#2026"


def _console(new_page, base, username):
    page = new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(me/)?$"))
    return page


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.django_db(transaction=True)
def test_my_meetings_with_published_minutes_and_my_self_assessment_on_the_phone(live_server, new_page, shot, users, tree, system, settings, make_member):
    settings.ORGWORK_SMS_GATEWAY = "orgwork.core.sms.MemorySms"
    MemorySms.outbox.clear()
    me = users["member_a_record"]
    wang = make_member(tree.village_a, name="王五", birth=dt.date(1970, 1, 1))
    member_services.update_member(actor=system, member_id=me.pk, phone="13912345678")
    today = dt.date.today()
    upcoming = meeting_services.plan_meeting(
        actor=system, org_id=tree.village_a.pk, kind="theme_day", topic="学习贯彻全会精神", planned_on=today + dt.timedelta(days=5), place="村委会二楼会议室",
    )  # fmt: skip
    recorded = meeting_services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="general_meeting", topic="十一月支部党员大会", planned_on=today - dt.timedelta(days=3))
    hidden = meeting_services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="general_meeting", topic="十月支部党员大会", planned_on=today - dt.timedelta(days=30))
    meeting_services.record_meeting(
        actor=system, meeting_id=hidden.pk, held_on=today - dt.timedelta(days=30), absent={me.pk: "外出务工"}, minutes="讨论困难党员慰问名单（内部）",
    )  # fmt: skip
    r = appraisal.start_round(actor=system, org_id=tree.village_a.pk, year=today.year)
    base = live_server.url

    # the secretary records the meeting in the console and publishes its minutes to the members
    console = _console(new_page, base, "sec_a")
    console.goto(f"{base}/meetings/{recorded.pk}/")
    console.locator(f"#present-{me.pk}").check()
    console.locator(f"input[name=reason_{wang.pk}]").fill("病假")
    console.locator("input[name=held_on]").fill((today - dt.timedelta(days=3)).isoformat())
    console.locator("textarea[name=minutes]").fill("传达学习县委全会精神，讨论本村产业发展。")
    console.locator("textarea[name=resolutions]").fill("每月15日开展主题党日。")
    console.get_by_test_id("publish-minutes").check()
    console.get_by_role("button", name="记录会议已召开").click()
    expect(console.get_by_test_id("minutes-published")).to_be_visible()
    recorded.refresh_from_db()
    assert recorded.status == "held" and recorded.minutes_published

    # the member, on the phone
    phone = sms_sign_in(new_page(width=390, height=844, mobile=True), base, "13912345678")
    phone.get_by_role("link", name="我的会议").click()
    phone.wait_for_url(re.compile(r"/m/meetings/$"))
    up = phone.get_by_test_id("upcoming-meetings")
    expect(up).to_contain_text("学习贯彻全会精神")
    expect(up).to_contain_text("村委会二楼会议室")
    expect(up).to_contain_text((today + dt.timedelta(days=5)).strftime("%Y年") + str((today + dt.timedelta(days=5)).month) + "月")
    expect(up.get_by_test_id("signin-link")).to_have_attribute("href", "/meetings/signin/")
    past = phone.get_by_test_id("past-meetings")
    expect(past.locator(f"li[data-meeting='{recorded.pk}']")).to_contain_text("出席")
    expect(past.locator(f"li[data-meeting='{recorded.pk}']").get_by_test_id("has-minutes")).to_be_visible()
    expect(past.locator(f"li[data-meeting='{hidden.pk}']")).to_contain_text("缺席（外出务工）")
    expect(past.locator(f"li[data-meeting='{hidden.pk}']").get_by_test_id("has-minutes")).to_have_count(0)
    _fits(phone)
    shot(phone, "phone-my-meetings")
    past.get_by_role("link", name=re.compile("十一月支部党员大会")).click()
    expect(phone.get_by_test_id("published-minutes")).to_contain_text("传达学习县委全会精神")
    expect(phone.get_by_test_id("published-minutes")).to_contain_text("每月15日开展主题党日。")
    expect(phone.get_by_test_id("my-attendance")).to_have_text("出席")
    _fits(phone)
    phone.goto(f"{base}/m/meetings/{hidden.pk}/")
    expect(phone.get_by_test_id("no-minutes")).to_be_visible()
    expect(phone.locator("body")).not_to_contain_text("困难党员慰问名单")
    # a meeting of another branch: not found
    other = meeting_services.plan_meeting(actor=system, org_id=tree.village_b.pk, kind="general_meeting", topic="乙镇会议", planned_on=today)
    assert phone.goto(f"{base}/m/meetings/{other.pk}/").status == 404

    # 我的评议: the round is at the self-assessment stage
    phone.goto(f"{base}/m/")
    phone.get_by_role("link", name="我的评议").click()
    phone.wait_for_url(re.compile(r"/m/appraisals/$"))
    card = phone.get_by_test_id(f"appraisal-{today.year}")
    expect(card.get_by_test_id("appraisal-stage")).to_have_text("个人自评")
    card.locator("textarea[name=text]").fill("一年来按时参加组织生活，带头发展村集体经济。")
    card.locator("select[name=grade]").select_option("qualified")
    card.get_by_role("button", name="提交个人自评").click()
    phone.wait_for_url(re.compile(r"/m/appraisals/$"))
    expect(phone.get_by_role("status")).to_contain_text("个人自评已提交党支部")
    expect(phone.get_by_test_id(f"appraisal-{today.year}").get_by_test_id("self-grade")).to_have_text("合格")
    _fits(phone)
    shot(phone, "phone-my-appraisal")
    entry = AppraisalEntry.objects.get(round=r, member=me)
    assert (entry.self_assessment, entry.self_grade) == ("一年来按时参加组织生活，带头发展村集体经济。", "qualified")

    # the secretary's console shows it
    console.goto(f"{base}/meetings/appraisals/{r.pk}/")
    row = console.locator("tr", has_text="李四")
    expect(row.locator("input[name=text]")).to_have_value("一年来按时参加组织生活，带头发展村集体经济。")
    expect(row.locator("select[name=grade]")).to_have_value("qualified")
    assert Meeting.objects.get(pk=upcoming.pk).status == "planned"
