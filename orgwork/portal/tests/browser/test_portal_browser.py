"""In a real Chromium: a sector editor writes an article, the site's reviewer passes it with the secrecy review,
the editor publishes it and a reader on a phone finds it on the public sub-site."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from orgwork.portal import services
from orgwork.portal.models import Article, State

PASSWORD = "Zugong#2026"


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(me/)?$"))


@pytest.mark.django_db(transaction=True)
def test_sector_editor_publishes_an_article_through_review(live_server, new_page, shot, tree, users, system):
    cache.clear()
    services.ensure_sites(actor=system, root_org_id=tree.county.pk)
    base = live_server.url
    editor = new_page()
    sign_in(editor, base, "sec_a")
    editor.goto(f"{base}/portal/console/new/")
    form = editor.get_by_test_id("article-form")
    form.locator("input[role=combobox]").first.fill("红旗村")
    editor.get_by_role("option", name=re.compile("红旗村党支部.*甲镇")).first.click()
    form.locator("select[name=column]").select_option(label="农村党建 · 工作动态")
    form.locator("input[name=title]").fill("红旗村开展冬季义务植树")
    form.locator("textarea[name=body]").fill("党员带头，群众参与。\n\n共植树三百株。")
    form.locator("button.btn-primary").click()
    expect(editor.get_by_test_id("article-state")).to_have_text("草稿")
    editor.get_by_test_id("submit-review").click()
    expect(editor.get_by_test_id("article-state")).to_have_text("待审核")
    expect(editor.get_by_test_id("review-panel")).to_have_count(0)  # the editor cannot review
    a = Article.objects.get(title="红旗村开展冬季义务植树")
    # the reviewer of the site (the county organization department)
    reviewer = new_page()
    sign_in(reviewer, base, "county")
    reviewer.goto(f"{base}/portal/console/")
    reviewer.get_by_test_id("portal-queue").get_by_role("link", name="红旗村开展冬季义务植树").click()
    panel = reviewer.get_by_test_id("review-panel")
    panel.get_by_label("通过").check()
    panel.get_by_test_id("review-submit").click()  # without the secrecy review: refused
    expect(reviewer.locator(".flash")).to_contain_text("保密审查")
    panel = reviewer.get_by_test_id("review-panel")
    panel.get_by_label("通过").check()
    panel.get_by_label(re.compile("保密审查")).check()
    panel.locator("textarea").fill("同意发布")
    panel.get_by_test_id("review-submit").click()
    expect(reviewer.get_by_test_id("article-state")).to_have_text("已审核待发布")
    # the editor publishes
    editor.goto(f"{base}/portal/console/{a.pk}/")
    editor.get_by_test_id("publish").click()
    expect(editor.get_by_test_id("article-state")).to_have_text("已发布")
    a.refresh_from_db()
    assert a.state == State.PUBLISHED and a.secrecy_checked and a.reviewer_name
    # a reader on a phone: the rural sub-site lists it, the page opens
    phone = new_page(width=390, height=844, mobile=True)
    phone.goto(f"{base}/portal/s/rural/")
    phone.get_by_role("link", name="红旗村开展冬季义务植树").click()
    expect(phone.get_by_test_id("article-title")).to_have_text("红旗村开展冬季义务植树")
    expect(phone.locator("footer")).to_contain_text("12380")
    shot(phone, "portal-article-phone")
