"""The cadres console in Chromium: competitive selection (an application refused by its eligibility rule, then one
accepted), daily oversight (a side job flagged by the rules), restricted talk records (recorded, then read)."""

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
def test_competition_oversight_and_talks(live_server, new_page, shot, tree, system):
    user = get_user_model().objects.create_user(username="cadre_sup", password=PASSWORD, first_name="县委组织部干部监督科", is_staff=True)
    grant_role(actor=system, user=user, org=tree.county, role=Role.DEPT_ADMIN)
    actor = Actor.for_user(user)
    services.designate_reader(actor=actor, user=user, org_id=tree.county.pk, purpose=services.TALKS)
    unit = services.create_unit(actor=actor, org_id=tree.county.pk, name="县交通运输局")
    deputy = services.create_post(actor=actor, unit_id=unit.pk, title="副局长", kind=PostKind.DEPUTY, rank=Rank.SECTION_DEPUTY, category="working_dept_deputy")
    services.create_cadre(actor=actor, org_id=tree.county.pk, id_number=make_id(dt.date(1986, 5, 6)), name="王五", education="大学本科", rank=Rank.STAFF, rank_since=dt.date(2018, 1, 1))
    services.create_cadre(actor=actor, org_id=tree.county.pk, id_number=make_id(dt.date(1990, 5, 6)), name="赵六", education="大学本科", rank=Rank.STAFF, rank_since=dt.date(2025, 6, 1))
    today = dt.date.today()
    comp = services.start_competition(actor=actor, post_id=deputy.pk, title="县交通运输局副局长竞争上岗", on=today, apply_from=today, apply_until=today + dt.timedelta(days=10), max_age=50)
    services.complete_competition_step(actor=actor, competition_id=comp.pk, step="announce", done_on=today, data={"scope": "全县"}, documents={"竞争上岗（公开选拔）公告": "县委组〔2026〕8号"})
    page = new_page()
    sign_in(page, live_server.url, "cadre_sup")
    page.goto(f"{live_server.url}/cadres/competitions/")
    page.get_by_test_id("competitions").get_by_role("link", name="县交通运输局副局长竞争上岗").click()
    expect(page.get_by_test_id("conditions")).to_contain_text("大学专科以上")
    form = page.get_by_test_id("apply-form")
    form.locator("input[name=ap-names]").fill("赵六")
    form.locator("input[name=ap-on]").fill(today.isoformat())
    form.locator("button").click()
    expect(page.get_by_test_id("apply-form")).to_contain_text("不满3年")
    form = page.get_by_test_id("apply-form")
    form.locator("input[name=ap-names]").fill("王五")
    form.locator("input[name=ap-on]").fill(today.isoformat())
    form.locator("button").click()
    expect(page.get_by_test_id("applications")).to_contain_text("王五")
    shot(page, "cadres-competition")
    page.goto(f"{live_server.url}/cadres/oversight/")
    form = page.get_by_test_id("side-job-form")
    form.locator("input[name=sj-names]").fill("王五")
    form.locator("input[name=sj-organization]").fill("某某建设有限公司")
    form.locator("select[name=sj-kind]").select_option("enterprise")
    form.locator("input[name=sj-role]").fill("董事")
    form.locator("input[name=sj-started_on]").fill("2025-01-01")
    form.locator("button").click()
    expect(page.get_by_test_id("side-jobs")).to_contain_text("中组发〔2013〕18号")
    shot(page, "cadres-oversight")
    page.goto(f"{live_server.url}/cadres/talks/")
    form = page.get_by_test_id("talk-form")
    form.locator("input[name=tk-names]").fill("王五")
    form.locator("select[name=tk-kind]").select_option("reminder")
    form.locator("input[name=tk-on]").fill(today.isoformat())
    form.locator("input[name=tk-talker]").fill("县委组织部副部长")
    form.locator("textarea[name=tk-record]").fill("提醒其注意工作方法，本人表示接受。")
    form.locator("button").click()
    expect(page.get_by_test_id("talks")).to_contain_text("提醒谈话")
    expect(page.get_by_test_id("talks")).not_to_contain_text("注意工作方法")
    page.get_by_test_id("talks").get_by_role("link", name="王五").click()
    expect(page.get_by_test_id("talk-record")).to_contain_text("提醒其注意工作方法")
    shot(page, "cadres-talk")
