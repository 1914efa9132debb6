"""At phone size (390×844) in a real Chromium: a member signs in by an SMS code read from the fake gateway, signs in
to the branch meeting with the code shown in the room, pays two months of dues at the local fake cashier, and the
branch secretary confirms the payment, which writes the dues ledger."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from orgwork.core.normalize import add_months
from orgwork.core.sms import MemorySms
from orgwork.dues import services as dues_services
from orgwork.dues.models import DuesMonth, MemberPayment
from orgwork.meetings import services as meeting_services
from orgwork.meetings.models import Attendance
from orgwork.members import services as member_services
from orgwork.web.tests.browser.conftest import sms_sign_in

PASSWORD = "Zugong#2026"


@pytest.mark.django_db(transaction=True)
def test_member_signs_in_to_a_meeting_by_code_and_pays_dues_on_the_phone(live_server, new_page, shot, users, tree, system, settings):
    settings.ORGWORK_SMS_GATEWAY = "orgwork.core.sms.MemorySms"
    MemorySms.outbox.clear()
    me = users["member_a_record"]
    member_services.update_member(actor=system, member_id=me.pk, phone="13912345678")
    this_month = dt.date.today().replace(day=1)
    dues_services.set_base(actor=system, member_id=me.pk, category="salaried", base="4000", declared_on=add_months(this_month, -12))
    meeting = meeting_services.plan_meeting(actor=system, org_id=tree.village_a.pk, kind="general_meeting", topic="学习全会精神", planned_on=dt.date.today())
    meeting_services.set_signin(actor=system, meeting_id=meeting.pk, open=True)
    base = live_server.url

    page = new_page(width=390, height=844, mobile=True)
    sms_sign_in(page, base, "13912345678")
    # the meeting: the six-digit code shown in the room
    page.goto(f"{base}/meetings/signin/")
    page.fill("input[name=code]", meeting.signin_code)
    page.get_by_role("button", name="签到").click()
    expect(page.locator(".alert-success")).to_contain_text("签到成功")
    expect(page.locator(".alert-success")).to_contain_text("学习全会精神")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    att = Attendance.objects.get(meeting=meeting, member=me)
    assert att.status == "present" and att.via == "code"

    # dues: two months online at the fake cashier
    page.goto(f"{base}/m/dues/")
    expect(page.get_by_test_id("monthly-amount")).to_have_text("40.00")
    form = page.get_by_test_id("pay-form")
    form.locator("select[name=from_month]").select_option(add_months(this_month, -1).isoformat())
    form.locator("select[name=months]").select_option("2")
    form.get_by_role("button", name="交纳").click()
    expect(page.get_by_test_id("cashier-amount")).to_have_text("¥80.00")
    shot(page, "phone-fake-cashier")
    page.get_by_role("button", name="确认支付").click()
    page.wait_for_url(re.compile(r"/m/dues/\?order="))
    expect(page.get_by_test_id("order-status")).to_contain_text("待支部确认")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    mp = MemberPayment.objects.get(member=me)
    assert mp.status == "paid" and not DuesMonth.objects.filter(member=me).exists()

    # the branch secretary confirms at the console; the ledger is written
    page = new_page()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "sec_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(me/)?$"))
    page.goto(f"{base}/m/payments/")
    row = page.get_by_test_id("member-payments").locator("tr", has_text=mp.order_no)
    row.get_by_role("button", name="确认到账").click()
    expect(page.get_by_test_id("member-payments").locator("tr", has_text=mp.order_no).get_by_role("button", name="确认到账")).to_have_count(0)
    mp.refresh_from_db()
    assert mp.status == "confirmed"
    assert sorted(DuesMonth.objects.filter(member=me).values_list("month", flat=True)) == [add_months(this_month, -1), this_month]
