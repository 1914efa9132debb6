"""In a real Chromium: a citizen asks a branch to disclose something, the branch secretary answers within the
time limit, the citizen reads the answer with the receipt code and sees it was answered in time."""

import re

import pytest
from playwright.sync_api import expect

from orgwork.disclosure.models import Request, RequestState

PASSWORD = "Zugong#2026"


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(me/)?$"))


@pytest.mark.django_db(transaction=True)
def test_a_disclosure_request_answered_in_time(live_server, new_page, shot, tree, users):
    base = live_server.url
    citizen = new_page(width=390, height=844, mobile=True)
    citizen.goto(f"{base}/disclosure/public/")
    search = citizen.get_by_test_id("org-search")
    search.locator("input[name=q]").fill("红旗村")
    search.get_by_role("button", name="查找").click()
    citizen.locator("li", has_text="中共甲镇委员会").get_by_role("link", name="红旗村党支部").click()
    form = citizen.get_by_test_id("request-form")
    form.locator("input[name=requester_name]").fill("张先生")
    form.locator("textarea[name=question]").fill("请公开本村今年发展党员的名额和程序。")
    form.get_by_role("button", name="提交申请").click()
    code = citizen.get_by_test_id("receipt-code").inner_text().strip()
    assert len(code) == 12
    req = Request.objects.get()
    assert req.org_id == tree.village_a.pk and req.state == RequestState.OPEN
    # the branch secretary answers from the console
    staff = new_page()
    sign_in(staff, base, "sec_a")
    staff.goto(f"{base}/disclosure/")
    staff.get_by_test_id("disclosure-requests").get_by_role("link", name=re.compile("发展党员")).click()
    due = staff.get_by_test_id("due-on").inner_text()
    form = staff.get_by_test_id("answer-form")
    form.get_by_label("予以公开").check()
    form.locator("textarea[name=answer]").fill("今年计划发展党员2名，程序按发展党员工作细则执行。")
    form.get_by_role("button", name="答复").click()
    expect(staff.get_by_test_id("request-state")).to_have_text("已答复")
    req.refresh_from_db()
    assert req.in_time and f"{req.due_on:%Y-%m-%d}" in due
    # the citizen reads the answer with the receipt code
    citizen.goto(f"{base}/disclosure/public/receipt/")
    citizen.locator("input[name=code]").fill(code)
    citizen.get_by_role("button", name="查询").click()
    expect(citizen.get_by_test_id("receipt-state")).to_have_text("已答复")
    expect(citizen.get_by_test_id("receipt-in-time")).to_have_text("按期答复")
    expect(citizen.get_by_test_id("receipt-result")).to_contain_text("今年计划发展党员2名")
    shot(citizen, "disclosure-receipt-phone")
