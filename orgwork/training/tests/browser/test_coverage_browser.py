"""The coverage page in a real Chromium: who is short and by how much, narrowed to a town with the org picker,
only those short, the Excel download, and a person's archive with a 较差 exam year (rules.md §5, §7)."""

import datetime as dt
import io
import re

import pytest
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from orgwork.conftest import make_id
from orgwork.training import services

PASSWORD = "Zugong#2026"


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(me/)?$"))


@pytest.mark.django_db(transaction=True)
def test_coverage_page_narrow_filter_export_and_archive(live_server, new_page, shot, tree, users, make_member, system):
    year = dt.date.today().year
    day = dt.date(year, 1, 1)
    done = make_member(tree.village_a, name="达标甲", birth=dt.date(1971, 1, 1))
    short = make_member(tree.village_a, name="差额乙", birth=dt.date(1972, 2, 2))
    make_member(tree.village_b, name="乙镇丙", birth=dt.date(1973, 3, 3))
    services.credit_hours(system, id_number=done.id_number, name="达标甲", hours=32, on=day, source="manual", ref="b1")
    services.credit_hours(system, id_number=short.id_number, name="差额乙", hours=12.5, on=day, source="manual", ref="b2")
    cadre = make_id(dt.date(1980, 4, 4))
    services.register_person(actor=system, id_number=cadre, name="非党员科长", org_id=tree.town_a.pk, role="township", post="科长")
    exam = services.create_exam(actor=system, org_id=tree.county.pk, title="年度考学", year=year, held_on=day)
    services.record_score(actor=system, exam_id=exam.pk, id_number=short.id_number, name="差额乙", score=40)

    page = new_page()
    sign_in(page, live_server.url, "county")
    page.click("nav.sidenav >> text=学时达标情况")
    expect(page.locator("h1")).to_have_text("学时达标情况")
    rows = page.get_by_test_id("coverage-rows")
    expect(rows).to_contain_text("乙镇丙")
    expect(page.get_by_test_id("coverage-people")).to_have_text("5")  # 4 members (李四 of the users fixture) + the township cadre
    shot(page, "training-coverage")

    # narrow to town A with the picker, only those short
    box = page.get_by_test_id("picker-cov-org")
    box.get_by_role("combobox").fill("甲镇")
    box.get_by_role("option").filter(has_text="中共甲镇委员会").first.click()
    expect(box.locator("input[name=org]")).to_have_value(str(tree.town_a.pk))
    page.check("input[name=short]")
    page.get_by_test_id("coverage-filter").locator("button.btn").last.click()
    page.wait_for_url(re.compile(r"short=on"))
    expect(rows).not_to_contain_text("乙镇丙")
    expect(rows).not_to_contain_text("达标甲")
    expect(rows).to_contain_text("差额乙")
    expect(rows.locator("tr", has_text="差额乙")).to_contain_text("差19.5学时")  # rules.md §5: 32 h a year
    expect(rows.locator("tr", has_text="非党员科长")).to_contain_text("差90.0学时")  # rules.md §7: 90 h a year
    expect(rows.locator("tr", has_text="差额乙")).to_contain_text("中共测试县委员会/中共甲镇委员会/红旗村党支部")
    expect(page.get_by_test_id("coverage-short")).to_have_text("3")  # 差额乙, 非党员科长, 李四
    shot(page, "training-coverage-short")

    with page.expect_download() as dl:
        page.get_by_test_id("coverage-export").click()
    data = open(dl.value.path(), "rb").read()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert {r[1] for r in sheet[3:]} == {"差额乙", "非党员科长", "李四"}

    rows.get_by_role("link", name="差额乙").click()
    expect(page.locator("h1")).to_have_text("差额乙的学习培训档案")
    expect(page.get_by_test_id("poor-years")).to_contain_text(f"{year}年度考学等次为“较差”")
    expect(page.get_by_test_id("archive-status")).to_contain_text("12.5 / 32.0")
    shot(page, "training-archive")
