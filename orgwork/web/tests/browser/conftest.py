"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Skipped only where /usr/bin/chromium is missing; CI sets REQUIRE_BROWSER=1 and then a missing browser fails.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses that unless told it is fine.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def chromium():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and REQUIRE_BROWSER=1 (run `make browser`)")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium):
    contexts = []

    def _page(*, width=1366, height=900, mobile=False):
        ctx = chromium.new_context(viewport={"width": width, "height": height}, locale="zh-CN", is_mobile=mobile, has_touch=mobile)
        ctx.set_default_timeout(10_000)
        contexts.append(ctx)
        return ctx.new_page()

    yield _page
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def shot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return _shot


def sms_sign_in(page, base, phone):
    """Sign a member in on the phone by an SMS code read from the in-memory provider; skip the first-sign-in password."""
    import re

    from playwright.sync_api import expect

    from orgwork.core.sms import MemorySms

    page.goto(f"{base}/m/login/")
    page.fill("input[name=phone]", phone)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_test_id("sms-sent")).to_be_visible()
    code = re.search(r"验证码 (\d{6})", MemorySms.outbox[-1]["text"]).group(1)
    page.fill("input[name=code]", code)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/m/(password/)?$"))
    if page.url.endswith("/m/password/"):  # the first sign-in offers a password; skip it
        page.get_by_role("link", name=re.compile("跳过|暂不设置")).first.click()
        page.wait_for_url(re.compile(r"/m/$"))
    return page
