"""In a real Chromium: a member asks for a transfer on the phone (390×844), the branch secretary accepts it in the
console choosing the receiving branch, the transfer is in flight and the member sees it on /m/."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from orgwork.core.models import ProcedureInstance
from orgwork.core.sms import MemorySms
from orgwork.lifecycle.models import Transfer
from orgwork.members import services as member_services
from orgwork.web.tests.browser.conftest import sms_sign_in

PASSWORD = "Zugong#2026"


@pytest.mark.django_db(transaction=True)
def test_a_member_asks_on_the_phone_and_the_secretary_accepts_in_the_console(live_server, new_page, shot, users, tree, system, settings):
    settings.ORGWORK_SMS_GATEWAY = "orgwork.core.sms.MemorySms"
    MemorySms.outbox.clear()
    record = users["member_a_record"]
    member_services.update_member(actor=system, member_id=record.pk, phone="13912345678")
    sec = users["sec_a"]
    sec.first_name = "王书记"
    sec.save()
    base = live_server.url

    # the member, on the phone
    phone = sms_sign_in(new_page(width=390, height=844, mobile=True), base, "13912345678")
    phone.get_by_test_id("ask-transfer").click()
    phone.get_by_label("转入单位或党组织").fill("乙镇机关")
    phone.get_by_label("转接原因及联系方式").fill("调到乙镇政府工作")
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_url(re.compile(r"/m/$"))
    expect(phone.get_by_test_id("transfer-state")).to_have_text("待支部受理")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "transfer-request-phone")
    req = ProcedureInstance.objects.get(kind="transfer_request")
    assert (req.step, req.org_id) == ("accept", tree.village_a.pk)

    # the branch secretary, in the console
    console = new_page()
    console.goto(f"{base}/login/")
    console.fill("input[name=username]", "sec_a")
    console.fill("input[name=password]", PASSWORD)
    console.click("button[type=submit]")
    console.wait_for_url(re.compile(r"/(me/)?$"))
    console.goto(f"{base}/lifecycle/transfers/")
    requests = console.get_by_test_id("transfer-requests")
    expect(requests).to_contain_text("乙镇机关")
    requests.get_by_role("link", name="李四申请转接组织关系").click()
    form = console.get_by_test_id("accept-within")
    to_box = form.get_by_test_id("picker-req-to")
    to_box.get_by_role("combobox").fill("机关")
    expect(to_box.get_by_role("option")).to_have_count(2)
    to_box.get_by_role("option").filter(has_text="中共乙镇委员会/机关党支部").click()
    expect(to_box.locator("input[name=to_org]")).to_have_value(str(tree.office_b.pk))
    form.get_by_role("button", name="受理并发起转接").click()
    console.wait_for_url(re.compile(r"/lifecycle/transfers/\d+/$"))
    expect(console.locator("dl.facts")).to_contain_text("待接收")
    history = console.get_by_test_id("transfer-history")
    expect(history).to_contain_text("发起转接")
    expect(history).to_contain_text("王书记")
    shot(console, "transfer-request-accepted")
    t = Transfer.objects.get(member=record)
    assert (t.status, t.to_org_id, t.procedure.step, t.reason) == ("pending", tree.office_b.pk, "receive", "调到乙镇政府工作")
    req.refresh_from_db()
    assert req.status == "completed"

    # the member sees it in flight
    phone.goto(f"{base}/m/")
    expect(phone.get_by_test_id("transfer-state")).to_have_text("已受理：待接收")
    expect(phone.get_by_test_id("own-transfers")).to_contain_text("机关党支部")
    assert get_user_model().objects.get(pk=sec.pk).first_name == "王书记"
