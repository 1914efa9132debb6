"""A day in the console, in a real Chromium: sign in, switch scope, find, open, change status, see history."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from orgwork.core.models import Role
from orgwork.core.services import grant_role
from orgwork.members.models import Member

PASSWORD = "Zugong#2026"


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(me/)?$"))


@pytest.mark.django_db(transaction=True)
def test_switch_scope_find_by_initials_change_status_and_see_history(live_server, new_page, shot, tree, users, make_member, system):
    for i, name in enumerate(["张小明", "李大壮", "赵敏", "钱学森", "孙丽"]):
        make_member(tree.village_a, name=name, birth=dt.date(1970 + i, 3, 4), male=i % 2 == 0)
    target = make_member(tree.village_b, name="王大力", birth=dt.date(1985, 6, 7))
    make_member(tree.village_b, name="王小丫", birth=dt.date(1992, 1, 9), male=False, category="probationary", joined=dt.date(2025, 1, 5))
    user = get_user_model().objects.create_user(username="two_hats", password=PASSWORD, first_name="甲镇党委管理员", is_staff=True)
    grant_role(actor=system, user=user, org=tree.town_a, role=Role.ORG_ADMIN)
    grant_b = grant_role(actor=system, user=user, org=tree.village_b, role=Role.SECRETARY)

    page = new_page()
    sign_in(page, live_server.url, "two_hats")
    expect(page.locator("h1")).to_have_text("工作台")
    expect(page.get_by_test_id("attention")).to_contain_text("需要关注")
    shot(page, "home")

    # the tree: expand a committee lazily
    page.click("nav.sidenav >> text=组织架构")
    page.locator(".tree-node summary").first.click()
    expect(page.locator(".tree-children").first).to_contain_text("红旗村党支部")
    shot(page, "tree")

    # switch scope to the village branch in town B: everything follows it
    page.select_option("select[name=grant]", str(grant_b.pk))
    page.wait_for_load_state("load")
    expect(page.locator("select[name=grant]")).to_have_value(str(grant_b.pk))
    page.click("nav.sidenav >> text=党员名册")
    expect(page.get_by_test_id("member-count")).to_contain_text("共 2 人")
    expect(page.get_by_test_id("member-table")).not_to_contain_text("张小明")

    # search as you type by pinyin initials
    page.fill("#member-q", "wdl")
    expect(page.get_by_test_id("member-count")).to_contain_text("共 1 人")
    expect(page.get_by_test_id("member-table")).to_contain_text("王大力")
    assert "q=wdl" in page.url  # the address follows the search (back button, sharing a link)
    page.fill("#member-q", "")
    expect(page.get_by_test_id("member-count")).to_contain_text("共 2 人")
    shot(page, "member-list")
    page.fill("#member-q", "wdl")
    expect(page.get_by_test_id("member-count")).to_contain_text("共 1 人")
    page.get_by_role("link", name="王大力").click()
    expect(page.locator("h1")).to_contain_text("王大力")

    # a status change is an explicit action with a date and a reason
    page.click("[data-action=suspend]")
    form = page.get_by_test_id("status-form")
    form.locator("button.btn-primary").click()
    expect(form).to_contain_text("请填写原因")
    form = page.get_by_test_id("status-form")
    form.locator("input[name=on]").fill("2025-03-01")
    form.locator("textarea[name=reason]").fill("连续六个月不参加组织生活")
    form.locator("button.btn-primary").click()
    expect(page.get_by_test_id("status-history")).to_contain_text("连续六个月不参加组织生活")
    expect(page.get_by_test_id("member-status")).to_have_text("停止党籍")
    expect(page.get_by_test_id("audit-history")).to_contain_text("停止党籍")
    shot(page, "member")
    assert Member.objects.get(pk=target.pk).standing == "suspended"


@pytest.mark.django_db(transaction=True)
def test_branch_secretary_cannot_open_another_branchs_member_by_url(live_server, new_page, shot, tree, users, make_member):
    other = make_member(tree.village_b, name="冯远")
    page = new_page(width=390, height=800, mobile=True)
    sign_in(page, live_server.url, "sec_a")
    response = page.goto(f"{live_server.url}/members/{other.pk}/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
    expect(page.locator(".error-page")).to_contain_text("不在您的管理范围内")
    shot(page, "not-found-phone")


@pytest.mark.django_db(transaction=True)
def test_member_sees_own_record_on_a_phone(live_server, new_page, shot, users):
    page = new_page(width=390, height=800, mobile=True)
    sign_in(page, live_server.url, "member_a")
    expect(page.get_by_test_id("my-record")).to_contain_text("李四")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    shot(page, "me-phone")
