"""The cadres console in a real Chromium: registry, a selection step refused by its rule then done, quotas."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from orgwork.cadres import services
from orgwork.cadres.models import PostKind, Rank
from orgwork.conftest import make_id
from orgwork.core.actor import Actor
from orgwork.core.models import Role
from orgwork.core.services import grant_role

PASSWORD = "Zugong#2026"


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(me/)?$"))


@pytest.mark.django_db(transaction=True)
def test_cadre_console_pages(live_server, new_page, shot, tree, system):
    user = get_user_model().objects.create_user(username="cadre_dept", password=PASSWORD, first_name="县委组织部干部科", is_staff=True)
    grant_role(actor=system, user=user, org=tree.county, role=Role.DEPT_ADMIN)
    actor = Actor.for_user(user)
    unit = services.create_unit(actor=actor, org_id=tree.county.pk, name="县交通运输局")
    deputy = services.create_post(actor=actor, unit_id=unit.pk, title="副局长", kind=PostKind.DEPUTY, rank=Rank.SECTION_DEPUTY, category="working_dept_deputy")
    services.set_quota(actor=actor, unit_id=unit.pk, kind=PostKind.DEPUTY, seats=2)
    cadre = services.create_cadre(actor=actor, org_id=tree.county.pk, id_number=make_id(dt.date(1986, 5, 6)), name="王五", rank=Rank.STAFF)
    services.appoint(actor=actor, cadre_id=cadre.pk, post_id=deputy.pk, on=dt.date(2026, 2, 2))
    sel = services.start_selection(actor=actor, post_id=deputy.pk, title="县交通运输局副局长选拔", on=dt.date(2026, 3, 2))
    page = new_page()
    sign_in(page, live_server.url, "cadre_dept")
    page.goto(f"{live_server.url}/cadres/")
    expect(page.get_by_test_id("cadres")).to_contain_text("王五")
    page.get_by_test_id("cadres").get_by_role("link", name="王五").click()
    expect(page.get_by_test_id("resume")).to_contain_text("县交通运输局副局长（试用期一年）")
    page.goto(f"{live_server.url}/cadres/units/")
    expect(page.get_by_test_id("quotas")).to_contain_text("空缺1名")
    page.goto(f"{live_server.url}/cadres/selections/")
    page.get_by_test_id("selections").get_by_role("link", name="县交通运输局副局长选拔").click()
    form = page.get_by_test_id("step-form")
    form.locator("input[name=s-done_on]").fill("2026-03-02")
    form.locator("input[name=s-f_reason]").fill("副局长空缺1名")
    form.locator("button.btn-primary").click()
    expect(page.get_by_test_id("step-errors")).to_contain_text("缺少材料“动议方案”")
    form = page.get_by_test_id("step-form")
    form.locator("input[name=s-done_on]").fill("2026-03-02")
    form.locator("input[name=s-f_reason]").fill("副局长空缺1名")
    form.locator("input[name=s-doc_0]").fill("交组〔2026〕5号")
    form.locator("button.btn-primary").click()
    expect(page.get_by_test_id("record")).to_contain_text("交组〔2026〕5号")
    expect(page.get_by_test_id("step-form")).to_contain_text("会议推荐投票")
    shot(page, "cadres-selection")
    sel.instance.refresh_from_db()
    assert sel.instance.step == "recommendation"
