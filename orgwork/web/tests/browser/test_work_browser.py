"""Doing the work in a real Chromium: dues for a member who never had a base declared."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from orgwork.core.models import Role
from orgwork.core.services import grant_role
from orgwork.dues.models import DuesBase, DuesMonth

PASSWORD = "Zugong#2026"


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(me/)?$"))


@pytest.mark.django_db(transaction=True)
def test_paying_dues_for_a_member_without_a_base(live_server, new_page, shot, tree, make_member, system):
    m = make_member(tree.village_a, name="周无基", birth=dt.date(1981, 2, 3))
    user = get_user_model().objects.create_user(username="sec_dues", password=PASSWORD, first_name="红旗村支部书记", is_staff=True)
    grant_role(actor=system, user=user, org=tree.village_a, role=Role.SECRETARY)
    page = new_page()
    sign_in(page, live_server.url, "sec_dues")
    # the arrears list shows the member first, marked as having no base, with a way to settle it
    page.goto(f"{live_server.url}/dues/arrears/?months=1")
    row = page.locator("tr", has_text="周无基")
    expect(row).to_contain_text("未核定基数")
    row.get_by_role("link", name="核定并登记").click()
    expect(page.get_by_test_id("dues-pay")).to_be_visible()
    form = page.get_by_test_id("dues-pay")
    today = dt.date.today()
    member_field = form.locator("[name=member]")
    if member_field.evaluate("e => e.tagName") == "SELECT":
        member_field.select_option(str(m.pk))
    else:  # the searchable picker: type, pick the hit
        form.locator("input[type=search], input[role=combobox]").first.fill("周无基")
        page.get_by_role("option", name=re.compile("周无基")).first.click()
    form.locator("input[name=from_month]").fill(f"{today:%Y-%m}")
    # paying without a base is refused with a message naming what to fill in
    form.locator("button.btn-primary").click()
    expect(page.locator(".form-errors")).to_contain_text("尚未核定党费交纳基数")
    assert not DuesMonth.objects.filter(member=m).exists()
    form = page.get_by_test_id("dues-pay")
    member_field = form.locator("[name=member]")
    if member_field.evaluate("e => e.tagName") == "SELECT":
        member_field.select_option(str(m.pk))
    else:
        form.locator("input[type=search], input[role=combobox]").first.fill("周无基")
        page.get_by_role("option", name=re.compile("周无基")).first.click()
    form.locator("input[name=from_month]").fill(f"{today:%Y-%m}")
    form.locator("select[name=base_category]").select_option("salaried")
    form.locator("input[name=base]").fill("4500")
    shot(page, "dues-pay-with-base")
    form.locator("button.btn-primary").click()
    expect(page.locator(".flash").first).to_contain_text("党费已登记")
    row = page.locator("tr", has_text="周无基")
    expect(row).to_contain_text("45.00")  # 1% of 4,500
    expect(row).not_to_contain_text("未核定基数")
    base = DuesBase.objects.get(member=m)
    assert base.monthly_amount == 45 and base.effective_from == today.replace(day=1)
    shot(page, "dues-paid")
