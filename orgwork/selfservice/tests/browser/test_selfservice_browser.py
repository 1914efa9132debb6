"""In a real Chromium at phone size (390×844): a member signs in by an SMS code read from the fake gateway, sees
the hub (installable: manifest + service worker), and asks the branch to correct the record."""

import re

import pytest
from playwright.sync_api import expect

from orgwork.core.sms import MemorySms
from orgwork.members import services as member_services
from orgwork.selfservice.models import MemberRequest


@pytest.mark.django_db(transaction=True)
def test_member_signs_in_by_sms_code_and_asks_for_a_correction(live_server, new_page, shot, users, system, settings):
    settings.ORGWORK_SMS_GATEWAY = "orgwork.core.sms.MemorySms"
    MemorySms.outbox.clear()
    member_services.update_member(actor=system, member_id=users["member_a_record"].pk, phone="13912345678")
    base = live_server.url
    page = new_page(width=390, height=844, mobile=True)
    page.goto(f"{base}/m/login/")
    page.fill("input[name=phone]", "13912345678")
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_test_id("sms-sent")).to_contain_text("139****5678")
    assert len(MemorySms.outbox) == 1
    code = re.search(r"验证码 (\d{6})", MemorySms.outbox[-1]["text"]).group(1)
    page.fill("input[name=code]", code)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/m/$"))
    hub = page.get_by_test_id("member-hub")
    expect(hub).to_contain_text("李四")
    expect(hub.get_by_role("link", name="我的档案")).to_be_visible()
    assert page.evaluate("document.querySelector('link[rel=manifest]').href").endswith("/m/manifest.webmanifest")
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.ready.then(r => !!r.active)")
    # nothing wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "selfservice-hub")
    page.get_by_test_id("ask-correction").click()
    page.get_by_label("需要更正的内容").fill("学历应为大学本科")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(re.compile(r"/m/$"))
    expect(page.get_by_test_id("own-requests")).to_contain_text("申请更正档案信息")
    req = MemberRequest.objects.get()
    assert req.text == "学历应为大学本科" and req.member_id == users["member_a_record"].pk
