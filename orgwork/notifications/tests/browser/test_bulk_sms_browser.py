"""Bulk SMS in a real Chromium: a secretary writes a meeting notice from the county's template, previews the count
and cost, submits it; the town admin finds it on the home page and approves it; the messages are queued."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from orgwork.core.actor import Actor
from orgwork.core.models import Role
from orgwork.core.services import grant_role
from orgwork.notifications import bulk
from orgwork.notifications.models import MessageLog, SmsCampaign

PASSWORD = "Zugong#2026"


def _sign_in(page, url, username):
    page.goto(f"{url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(me/)?$"))


@pytest.mark.django_db(transaction=True)
def test_secretary_submits_a_notice_and_the_town_approves_it(live_server, new_page, shot, tree, system, make_member):
    User = get_user_model()
    county = User.objects.create_user(username="bulk_county", password=PASSWORD, first_name="县委组织部", is_staff=True)
    grant_role(actor=system, user=county, org=tree.county, role=Role.DEPT_ADMIN)
    sec = User.objects.create_user(username="bulk_sec", password=PASSWORD, first_name="红旗村书记", is_staff=True)
    grant_role(actor=system, user=sec, org=tree.village_a, role=Role.SECRETARY)
    town = User.objects.create_user(username="bulk_town", password=PASSWORD, first_name="甲镇组织委员", is_staff=True)
    grant_role(actor=system, user=town, org=tree.town_a, role=Role.ORG_ADMIN)
    for i, phone in enumerate(["13800001111", "13800002222", ""]):
        make_member(tree.village_a, name=["张一", "张二", "张三"][i], birth=dt.date(1970, 1, 1 + i), phone=phone)
    bulk.save_template(actor=Actor.for_user(county), org_id=tree.county.pk, name="会议通知", body="{姓名}同志：{会议名称}定于{时间}召开，请准时参加。")

    page = new_page()
    _sign_in(page, live_server.url, "bulk_sec")
    page.get_by_role("link", name="批量短信").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("批量短信")
    page.get_by_role("link", name="新建批量短信").click()
    page.get_by_role("link", name="会议通知").click()
    form = page.get_by_test_id("sms-form")
    expect(form.locator("input[name=org]")).to_have_value(str(tree.village_a.pk))  # the secretary's own branch
    form.get_by_role("button", name="预览人数和费用").click()
    expect(page.locator(".field-error").first).to_contain_text("会议名称")  # the variables are asked for by name
    page.fill("input#var_1", "12月主题党日")
    page.fill("input#var_2", "12月5日上午9时")
    page.get_by_role("button", name="预览人数和费用").click()
    expect(page.get_by_test_id("preview-count")).to_have_text("2")
    expect(page.get_by_test_id("sms-preview")).to_contain_text("未登记手机号 1 人")
    expect(page.get_by_test_id("preview-sample")).to_contain_text("【组工云】张一同志：12月主题党日定于12月5日上午9时召开")
    shot(page, "bulk-sms-preview")
    page.get_by_role("button", name="提交审批").click()
    page.wait_for_url(re.compile(r"/inbox/sms/\d+/$"))
    expect(page.locator("h1")).to_contain_text("待审批")
    expect(page.get_by_test_id("decision-form")).not_to_contain_text("批准发送")  # not for the one who asked
    page.context.clear_cookies()

    _sign_in(page, live_server.url, "bulk_town")
    page.get_by_role("link", name=re.compile("待审批的批量短信")).first.click()
    expect(page.get_by_test_id("campaign-count")).to_have_text("2")
    page.get_by_role("button", name="批准发送").click()
    expect(page.locator("h1")).to_contain_text("已批准")
    shot(page, "bulk-sms-approved")
    c = SmsCampaign.objects.get()
    assert c.decided_by == town and MessageLog.objects.filter(campaign=c).count() == 2
