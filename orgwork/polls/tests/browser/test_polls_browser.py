"""In a real Chromium on a phone: a member answers a poll once; the second try is refused."""

import re

import pytest
from playwright.sync_api import expect

from orgwork.core.actor import Actor
from orgwork.core.models import CastBallot
from orgwork.polls import services

PASSWORD = "Zugong#2026"


@pytest.mark.django_db(transaction=True)
def test_member_answers_a_poll_once_and_the_second_try_is_refused(live_server, new_page, shot, tree, users):
    sec = Actor.for_user(users["sec_a"])
    p = services.create_poll(actor=sec, org_id=tree.village_a.pk, title="支部工作满意度调查", audience="members")
    services.add_question(actor=sec, poll_id=p.pk, kind="single", text="您对支部工作是否满意？", options=["满意", "基本满意", "不满意"], required=True)
    services.add_question(actor=sec, poll_id=p.pk, kind="multiple", text="希望加强哪些方面？", options=["学习教育", "服务群众", "组织生活"], max_choices=2)
    services.add_question(actor=sec, poll_id=p.pk, kind="rating", text="给支部工作打分", required=True)
    services.add_question(actor=sec, poll_id=p.pk, kind="text", text="意见建议")
    p, _codes = services.open_poll(actor=sec, poll_id=p.pk)
    base = live_server.url
    page = new_page(width=390, height=844, mobile=True)
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "member_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(me/)?$"))
    page.goto(f"{base}/polls/mine/")
    page.get_by_role("link", name="支部工作满意度调查").click()
    sheet = page.get_by_test_id("poll-sheet")
    sheet.get_by_label("满意", exact=True).check()
    sheet.get_by_label("服务群众").check()
    sheet.get_by_label("5分").check()
    sheet.locator("textarea").fill("希望多开展志愿服务")
    sheet.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("poll-done")).to_be_visible()
    assert CastBallot.objects.filter(ballot_id=p.ballot_id, filled=True).count() == 1
    # the list marks it as taken part; a second try is refused
    page.goto(f"{base}/polls/mine/")
    expect(page.locator("li", has_text="支部工作满意度调查")).to_contain_text("已参加")
    page.goto(f"{base}/polls/m/{p.pk}/")
    sheet = page.get_by_test_id("poll-sheet")
    sheet.get_by_label("不满意").check()
    sheet.get_by_label("1分").check()
    sheet.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("poll-refused")).to_contain_text("您已经投过票")
    assert CastBallot.objects.filter(ballot_id=p.ballot_id, filled=True).count() == 1
    shot(page, "poll-second-try-refused")
    # the secretary closes the poll: results unsealed, drawn with the vendored ECharts
    staff = new_page()
    staff.goto(f"{base}/login/")
    staff.fill("input[name=username]", "sec_a")
    staff.fill("input[name=password]", PASSWORD)
    staff.click("button[type=submit]")
    staff.wait_for_url(re.compile(r"/(me/)?$"))
    staff.goto(f"{base}/polls/{p.pk}/")
    staff.get_by_test_id("poll-close").click()
    expect(staff.get_by_test_id("poll-state")).to_have_text("已结束")
    expect(staff.locator("[data-chart] canvas").first).to_be_visible()
    expect(staff.get_by_test_id("result-1")).to_contain_text("满意")
    shot(staff, "poll-results")
