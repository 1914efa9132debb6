"""In a real Chromium at phone size (390×844): a member submits volunteer-service points with a photo, the branch
secretary approves them from the queue, and the member sees the year total."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from orgwork.core.scoring.models import EntryState, ScoreEntry
from orgwork.scores import services

PASSWORD = "Zugong#2026"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cfc0f01f0005000201"
    "a5f6e54a0000000049454e44ae426082"
)


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(me/)?$"))


@pytest.mark.django_db(transaction=True)
def test_member_submits_points_with_a_photo_on_a_phone_and_the_secretary_approves(live_server, new_page, shot, tree, users):
    services.ensure_defaults()
    base = live_server.url
    phone = new_page(width=390, height=844, mobile=True)
    sign_in(phone, base, "member_a")
    phone.goto(f"{base}/scores/me/")
    form = phone.get_by_test_id("points-form")
    form.locator("select[name=indicator]").select_option(value="volunteer")
    form.locator("input[name=occurred_on]").fill(dt.date.today().isoformat())
    form.locator("textarea[name=note]").fill("社区环境整治志愿服务")
    form.locator("button.btn-primary").click()  # no photo: refused, naming the field
    expect(phone.get_by_test_id("points-form")).to_contain_text("佐证")
    form = phone.get_by_test_id("points-form")
    form.locator("select[name=indicator]").select_option(value="volunteer")
    form.locator("input[name=occurred_on]").fill(dt.date.today().isoformat())
    form.locator("input[name=photo]").set_input_files({"name": "volunteer.png", "mimeType": "image/png", "buffer": PNG})
    form.locator("button.btn-primary").click()
    expect(phone.get_by_test_id("my-entries")).to_contain_text("待审核")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on the phone
    shot(phone, "scores-member-submitted")
    e = ScoreEntry.objects.get(indicator_code="volunteer")
    assert e.state == EntryState.SUBMITTED and e.evidence.count() == 1

    secretary = new_page(width=390, height=844, mobile=True)
    sign_in(secretary, base, "sec_a")
    secretary.goto(f"{base}/scores/")
    row = secretary.get_by_test_id("score-queue").locator(f"tr[data-entry='{e.pk}']")
    expect(row).to_contain_text("李四")
    expect(row.locator("img")).to_have_count(1)
    row.get_by_role("button", name="认定").click()
    expect(secretary.get_by_test_id("score-queue")).to_contain_text("没有待审核的记录")
    shot(secretary, "scores-secretary-approved")

    phone.goto(f"{base}/scores/me/")
    expect(phone.get_by_test_id("year-total")).to_have_text("3.00")
    expect(phone.get_by_test_id("my-entries")).to_contain_text("已认定")
