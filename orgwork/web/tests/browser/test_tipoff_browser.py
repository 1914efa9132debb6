"""The public 12380 form on a phone-sized window (390×844): no account, real-name and anonymous, receipt shown once,
then the status read with the receipt alone; the handler reads the report in the console after unlocking."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from orgwork.core.actor import Actor
from orgwork.tipoffs import services
from orgwork.tipoffs.models import Report

PASSWORD = "Zugong#2026"


@pytest.fixture
def office(users, tree, settings):
    settings.TIPOFFS_KDF_COST = "min"
    return services.setup_office(actor=Actor.for_user(users["county"]), org_id=tree.county.pk, name="测试县12380举报受理室", password=PASSWORD)


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1


@pytest.mark.django_db(transaction=True)
def test_public_tipoff_form_on_a_phone(live_server, new_page, shot, office):
    page = new_page(width=390, height=844, mobile=True)
    page.goto(f"{live_server.url}/12380/")
    expect(page.locator("h1")).to_have_text("12380举报")
    expect(page.get_by_test_id("scope")).to_contain_text("选人用人违规问题")
    page.get_by_text("不属于受理范围的问题向哪里反映？").click()
    expect(page.get_by_test_id("scope")).to_contain_text("12388")
    _no_horizontal_scroll(page)
    shot(page, "tipoff-form-phone")

    # submitting without a name of the person reported answers per field, nothing stored
    page.get_by_label("拟提拔人选的问题").check()
    page.fill("textarea[name=text]", "拟提拔人选档案年龄有疑点。")
    page.get_by_label("匿名举报").check()
    page.get_by_role("button", name="提交举报").click()
    expect(page.locator(".field-error")).to_contain_text("请填写被举报人姓名")
    assert Report.objects.count() == 0

    page.fill("input[name=person_name]", "钱某")
    page.fill("input[name=person_unit]", "县某局")
    page.set_input_files("input[name=files]", files=[{"name": "线索.txt", "mimeType": "text/plain", "buffer": "手机上传的附件".encode()}])
    page.get_by_role("button", name="提交举报").click()
    receipt = page.get_by_test_id("receipt").inner_text().strip()
    assert re.fullmatch(r"\d{16,}", receipt)
    _no_horizontal_scroll(page)
    shot(page, "tipoff-receipt-phone")

    # the receipt alone: status, then add information
    page.goto(f"{live_server.url}/12380/follow/")
    page.fill("input[name=receipt]", receipt)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("status-label")).to_have_text("已登记，待受理")
    page.fill("textarea[name=text]", "补充：时间为今年三月。")
    page.get_by_role("button", name="提交补充材料").click()
    expect(page.get_by_test_id("messages")).to_contain_text("补充：时间为今年三月。")
    _no_horizontal_scroll(page)
    shot(page, "tipoff-follow-phone")

    # a wrong code is refused
    page.goto(f"{live_server.url}/12380/follow/")
    page.fill("input[name=receipt]", "1" * 16)
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".field-error")).to_contain_text("回执码不正确")

    # the handler unlocks and reads it in the console
    console = new_page()
    console.goto(f"{live_server.url}/login/")
    console.fill("input[name=username]", "county")
    console.fill("input[name=password]", PASSWORD)
    console.click("button[type=submit]")
    console.wait_for_url(re.compile(r"/$"))
    report = Report.objects.get()
    console.goto(f"{live_server.url}/tipoffs/{report.pk}/")
    expect(console.get_by_test_id("content")).not_to_contain_text("钱某")
    console.get_by_role("link", name="输入密码解锁阅读").click()
    console.fill("input[name=password]", PASSWORD)
    console.get_by_role("button", name="解锁").click()
    console.goto(f"{live_server.url}/tipoffs/{report.pk}/")
    expect(console.get_by_test_id("content")).to_contain_text("钱某")
    expect(console.get_by_test_id("content")).to_contain_text("补充：时间为今年三月。")
    expect(console.get_by_test_id("content")).to_contain_text("线索.txt")
    assert get_user_model().objects.filter(username="county").exists()
