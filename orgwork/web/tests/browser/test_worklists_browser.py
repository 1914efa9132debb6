"""The task wall (挂图作战) in a real Chromium: the level above sees its branches' tasks coloured by status."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from orgwork.core.actor import Actor
from orgwork.core.models import Role
from orgwork.core.services import grant_role
from orgwork.worklists import services

PASSWORD = "Zugong#2026"


@pytest.mark.django_db(transaction=True)
def test_the_wall_shows_tasks_by_org_coloured_by_status(live_server, new_page, shot, tree, system):
    today = dt.date.today()
    y = today.year
    done = services.create_task(actor=system, org_id=tree.village_a.pk, year=y, title="建成党群服务中心", owner_name="王书记", deadline=dt.date(y, 12, 31))
    services.report_progress(actor=system, task_id=done.pk, on=today, progress=100, text="已投入使用")
    services.create_task(actor=system, org_id=tree.office_a.pk, year=y - 1, title="整理党员档案", owner_name="陈委员", deadline=dt.date(y - 1, 12, 31))
    services.create_task(actor=system, org_id=tree.village_b.pk, year=y, title="乙镇的任务", owner_name="赵书记", deadline=dt.date(y, 12, 31))
    user = get_user_model().objects.create_user(username="town_wall", password=PASSWORD, first_name="甲镇组织委员", is_staff=True)
    grant_role(actor=system, user=user, org=tree.town_a, role=Role.ORG_ADMIN)
    assert Actor.for_user(user)
    page = new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "town_wall")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/(me/)?$"))
    page.get_by_role("link", name="挂图作战").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("挂图作战")
    wall = page.get_by_test_id("wall")
    expect(wall.get_by_test_id("wall-row")).to_have_count(1)  # this year: the village only (the office's task is last year's)
    cell = wall.locator("a.wall-cell", has_text="建成党群服务中心")
    expect(cell).to_have_attribute("data-status", "done")
    green = cell.evaluate("e => getComputedStyle(e).backgroundColor")
    expect(wall).not_to_contain_text("乙镇的任务")  # another town's branch
    expect(wall).to_contain_text("中共测试县委员会/中共甲镇委员会/红旗村党支部")
    # last year's wall: the office's overdue task, in another colour
    page.fill("input[name=year]", str(y - 1))
    page.get_by_role("button", name="查看").click()
    late = page.get_by_test_id("wall").locator("a.wall-cell", has_text="整理党员档案")
    expect(late).to_have_attribute("data-status", "overdue")
    assert late.evaluate("e => getComputedStyle(e).backgroundColor") != green
    shot(page, "worklists-wall")
    late.click()
    expect(page.get_by_test_id("task-status")).to_have_text("逾期未完成")
