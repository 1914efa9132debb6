"""In a real Chromium: the township opens the two-committee registry, reads the structure report against the
targets, opens a cadre and changes the post (the history keeps both records), downloads the xlsx; then records a
secondment's work log and its end assessment through the console forms."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from orgwork.core import idcard
from orgwork.core.actor import Actor
from orgwork.villages import services
from orgwork.villages.models import Cadre, Secondment

PASSWORD = "Zugong#2026"
TODAY = dt.date.today()


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(me/)?$"))


@pytest.mark.django_db(transaction=True)
def test_registry_structure_report_post_change_and_a_secondment(live_server, new_page, shot, tree, users):
    town = Actor.for_user(users["town_a"])
    c = services.register_cadre(actor=town, org_id=tree.village_a.pk, id_number=idcard.make("511526", dt.date(1980, 4, 2), 11), name="王书记", education="college",
                                party_post="secretary", village_post="chair", started_on=TODAY - dt.timedelta(days=800))  # fmt: skip
    services.register_cadre(actor=town, org_id=tree.village_a.pk, id_number=idcard.make("511526", dt.date(1990, 4, 2), 12), name="李委员", education="high_school",
                            party_post="member", started_on=TODAY - dt.timedelta(days=800))  # fmt: skip
    base = live_server.url
    page = new_page()
    sign_in(page, base, "town_a")
    page.goto(f"{base}/villages/")
    structure = page.get_by_test_id("villages-structure")
    expect(structure).to_contain_text("农村")
    expect(structure).to_contain_text("30%")
    expect(structure).to_contain_text("达标")  # 1 of 2 with college education: 50% ≥ 30%
    expect(page.get_by_test_id("villages-cadres")).to_contain_text("中共甲镇委员会/红旗村党支部")
    expect(page.get_by_test_id("villages-cadres")).not_to_contain_text(c.id_number)
    shot(page, "villages-registry")
    with page.expect_download() as dl:
        page.get_by_role("link", name="导出Excel").click()
    assert dl.value.suggested_filename == "villages-structure.xlsx"
    page.get_by_test_id("villages-cadres").get_by_role("link", name="李委员").click()
    page.wait_for_url(re.compile(r"/villages/cadres/\d+/$"))
    page.locator("select[name=party_post]").select_option(value="deputy")
    page.locator("input[name=on]").first.fill(TODAY.isoformat())
    page.locator("input[name=reason]").fill("调整分工")
    page.get_by_role("button", name="职务变动").click()
    history = page.get_by_test_id("villages-history")
    expect(history).to_contain_text("党组织副书记")
    expect(history).to_contain_text("调整分工")
    expect(history.locator("tbody tr")).to_have_count(2)
    shot(page, "villages-cadre-history")
    assert Cadre.objects.filter(name="李委员").count() == 2

    s = services.start_secondment(actor=town, org_id=tree.town_a.pk, kind="petitions", id_number=idcard.make("511526", dt.date(1995, 1, 9), 13), name="赵挂职",
                                  place="县信访局", started_on=TODAY - dt.timedelta(days=180), ends_on=TODAY - dt.timedelta(days=1), tasks="接访、办理来信")  # fmt: skip
    page.goto(f"{base}/villages/secondments/")
    page.get_by_test_id("villages-secondments").get_by_role("link", name="赵挂职").click()
    expect(page.get_by_text("已期满，尚未考核")).to_be_visible()
    log = page.locator("form:has(input[name=act][value=log])")
    log.locator("textarea[name=text]").fill("接待群众来访12批次")
    log.get_by_role("button", name="记录").click()
    expect(page.get_by_text("接待群众来访12批次")).to_be_visible()
    form = page.locator("form:has(input[name=act][value=assess])")
    form.locator("select[name=grade]").select_option(value="excellent")
    form.locator("textarea[name=comment]").fill("工作扎实")
    form.get_by_role("button", name="保存考核").click()
    expect(page.get_by_test_id("villages-grade")).to_contain_text("优秀")
    shot(page, "villages-secondment-assessed")
    s.refresh_from_db()
    assert (s.grade, s.assessment) == ("excellent", "工作扎实") and Secondment.objects.get(pk=s.pk).logs.count() == 1
