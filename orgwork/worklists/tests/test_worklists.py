"""Work management (rules.md §9, seed 004): task lists and the wall, 13710 matters, the issue list, care, income."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from orgwork.core import deadlines
from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, ServiceError
from orgwork.notifications.models import Notification
from orgwork.worklists import rules, selectors, services
from orgwork.worklists.models import Issue, IssueStatus, TaskKind

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def test_13710_due_dates_over_the_national_day_week():
    # rules.md §9 (seed 004): "13710" — acknowledge in 1 day, act in 3, finish in 7, report back by day 10, in working
    # days. Assigned on Wed 30 Sep 2026: 1–7 Oct are the National Day holidays, Sat 10 Oct is a make-up working day.
    t = rules.templates(dt.date(2026, 9, 30))
    assert t["default"] == "13710" and "13710" in t.source and "§9" in t.source
    assert [s["working_days"] for s in t["templates"]["13710"]["steps"]] == [1, 3, 7, 10]
    due = rules.due_dates("13710", dt.date(2026, 9, 30))
    assert due == {
        "acknowledge": dt.date(2026, 10, 8),  # the first working day after the holiday
        "act": dt.date(2026, 10, 10),  # Thu 8, Fri 9, Sat 10 (调休上班)
        "finish": dt.date(2026, 10, 15),  # … Mon 12 – Thu 15
        "report": dt.date(2026, 10, 20),  # … Fri 16, Mon 19, Tue 20
    }
    # Over an ordinary weekend: assigned Friday → acknowledged by Monday.
    assert rules.due_dates("13710", dt.date(2026, 11, 13))["acknowledge"] == dt.date(2026, 11, 16)


def test_matter_steps_in_order_and_overdue_escalation(tree, users):
    county = Actor.for_user(users["county"])
    m = services.assign_matter(actor=county, org_id=tree.village_a.pk, title="排查整治村级活动场所安全隐患", assigned_by="县委组织部", assigned_on=dt.date(2026, 9, 30), today=dt.date(2026, 9, 30))
    assert m.template == "13710" and m.due["report"] == "2026-10-20" and m.template_version == "2024"
    sec = Actor.for_user(users["sec_a"])
    with pytest.raises(ServiceError) as exc:
        services.complete_matter_step(actor=sec, matter_id=m.pk, step="finish", on=dt.date(2026, 10, 8), today=dt.date(2026, 10, 8))
    assert exc.value.errors[0].code == "out_of_order"
    services.complete_matter_step(actor=sec, matter_id=m.pk, step="acknowledge", on=dt.date(2026, 10, 8), note="已签收", today=dt.date(2026, 10, 8))
    st = selectors.matter_state(m.__class__.objects.get(pk=m.pk), dt.date(2026, 10, 12))
    assert (st.step, st.due_on, st.status) == ("act", dt.date(2026, 10, 10), "overdue")
    # The deadline job reminds the branch and, after the rule's working days overdue, the level above (督办).
    report = deadlines.run(today=dt.date(2026, 10, 16), only=["worklists.matters"])
    assert report.items == 1 and report.escalations >= 1
    to_sec = Notification.objects.filter(recipient=users["sec_a"], kind="worklists.matter")
    to_town = Notification.objects.filter(recipient=users["town_a"], kind="worklists.matter")
    assert to_sec.exists() and to_town.filter(title__contains="督办").exists()
    assert "待落实" in to_sec.first().title
    # A second run the same day sends nothing new.
    assert deadlines.run(today=dt.date(2026, 10, 16), only=["worklists.matters"]).new == 0
    for step, day in (("act", 12), ("finish", 14), ("report", 16)):
        m = services.complete_matter_step(actor=sec, matter_id=m.pk, step=step, on=dt.date(2026, 10, day), today=dt.date(2026, 10, 16))
    assert m.closed_on == dt.date(2026, 10, 16)
    assert selectors.matter_state(m, dt.date(2026, 10, 20)).late_steps == ["落实（部署）"]
    # Another town's secretary does not see the matter.
    with pytest.raises(NotFound):
        services.complete_matter_step(actor=Actor.for_user(users["sec_b"]), matter_id=m.pk, step="report", on=TODAY)


def test_unknown_calendar_year_is_a_clear_error(tree, users):
    county = Actor.for_user(users["county"])
    with pytest.raises(ServiceError) as exc:
        services.assign_matter(actor=county, org_id=tree.village_a.pk, title="事项", assigned_by="县委", assigned_on=dt.date(2031, 3, 2), today=dt.date(2031, 3, 2))
    assert exc.value.errors[0].code == "calendar_unknown"


def test_wall_colours_visibility_and_members(tree, users, client, make_member):
    sec = Actor.for_user(users["sec_a"])
    y = TODAY.year
    done = services.create_task(actor=sec, org_id=tree.village_a.pk, year=y, title="建成党群服务中心", owner_name="王书记", deadline=dt.date(y, 12, 31), show_to_members=True)
    services.report_progress(actor=sec, task_id=done.pk, on=TODAY, progress=100, text="已投入使用", result="服务群众1200人次")
    late = services.create_task(actor=sec, org_id=tree.village_a.pk, year=y - 1, title="去年的任务", owner_name="王书记", deadline=dt.date(y - 1, 12, 31))
    behind = services.create_task(
        actor=sec, org_id=tree.village_a.pk, year=y, title="发展村集体经济", owner_name="李主任", deadline=dt.date(y, 12, 31),
        milestones=[("完成规划", TODAY - dt.timedelta(days=1))] if TODAY.month > 1 or TODAY.day > 1 else [],
    )  # fmt: skip
    secb = Actor.for_user(users["sec_b"])
    services.create_task(actor=secb, org_id=tree.village_b.pk, year=y, title="乙村任务", owner_name="赵书记", deadline=dt.date(y, 12, 31))
    done.refresh_from_db()
    assert selectors.task_status(done, TODAY) == "done"
    assert selectors.task_status(late, TODAY) == "overdue"
    assert selectors.task_status(behind, TODAY) in ("behind",) or TODAY == dt.date(y, 1, 1)
    # The level above sees both of its villages; a village secretary only his own.
    town = Actor.for_user(users["town_a"])
    rows, totals = selectors.wall(town, under=None, year=y)
    assert [r.org.pk for r in rows] == [tree.village_a.pk] and totals["done"] == 1
    county_rows, _ = selectors.wall(Actor.for_user(users["county"]), under=None, year=y)
    assert {r.org.pk for r in county_rows} == {tree.village_a.pk, tree.village_b.pk}
    assert all("中共测试县委员会/" in r.path for r in county_rows)
    assert selectors.wall(secb, under=None, year=y)[0][0].org.pk == tree.village_b.pk
    # Members see only the tasks chosen for them.
    client.force_login(users["member_a"])
    page = client.get("/worklists/mine/").content.decode()
    assert "建成党群服务中心" in page and "发展村集体经济" not in page
    assert client.get("/worklists/").status_code in (302, 403, 404)
    client.force_login(users["town_a"])
    html = client.get("/worklists/").content.decode()
    assert "建成党群服务中心" in html and 'data-status="done"' in html and "乙村任务" not in html
    assert "中共甲镇委员会/红旗村党支部" in html


def test_commitment_needs_the_member_and_half_year_review(tree, users, make_member):
    sec = Actor.for_user(users["sec_a"])
    m = users["member_a_record"]
    with pytest.raises(ServiceError) as exc:
        services.create_task(actor=sec, org_id=tree.village_a.pk, year=TODAY.year, kind=TaskKind.COMMITMENT, title="每年为群众办一件实事", owner_name="某人", deadline=dt.date(TODAY.year, 12, 31))
    assert exc.value.errors[0].field == "owner_member"
    t = services.create_task(actor=sec, org_id=tree.village_a.pk, year=TODAY.year, kind=TaskKind.COMMITMENT, title="每年为群众办一件实事", owner_member_id=m.pk, deadline=dt.date(TODAY.year, 12, 31))
    assert t.owner_name == "李四"
    u = services.report_progress(actor=sec, task_id=t.pk, on=TODAY, progress=50, text="帮助修缮村道", review_half=f"{TODAY.year}-H1")
    assert u.review_half.endswith("-H1")
    with pytest.raises(ServiceError):
        services.report_progress(actor=sec, task_id=t.pk, on=TODAY, progress=50, text="x", review_half="2026-Q3")


def test_issue_list_rectified_to_closure_and_exported(tree, users, client):
    sec = Actor.for_user(users["sec_a"])
    y = TODAY.year
    with pytest.raises(ServiceError) as exc:
        services.create_issue(actor=sec, org_id=tree.village_a.pk, year=y, source="年终述职评议", description="三会一课记录不规范", deadline=TODAY)
    assert exc.value.errors[0].field == "owner_name"  # each issue has a named owner (rules.md §9)
    issue = services.create_issue(actor=sec, org_id=tree.village_a.pk, year=y, source="年终述职评议", description="=三会一课记录不规范", owner_name="王书记", deadline=TODAY + dt.timedelta(days=30), measures="逐月检查")
    services.create_issue(actor=Actor.for_user(users["sec_b"]), org_id=tree.village_b.pk, year=y, source="年终述职评议", description="乙村问题", owner_name="赵书记", deadline=TODAY - dt.timedelta(days=1))
    services.rectify(actor=sec, issue_id=issue.pk, on=TODAY, text="已补齐记录")
    with pytest.raises(ServiceError) as exc:
        services.rectify(actor=sec, issue_id=issue.pk, on=TODAY, text="销号", close=True, result="已规范")
    assert exc.value.errors[0].field == "evidence"  # closing needs evidence on record
    services.rectify(actor=sec, issue_id=issue.pk, on=TODAY, text="销号", close=True, result="已规范", evidence=SimpleUploadedFile("记录.pdf", b"%PDF-1.4 test"))
    issue.refresh_from_db()
    assert issue.status == IssueStatus.CLOSED and issue.closed_on == TODAY and issue.entries.count() == 2
    client.force_login(users["town_a"])
    r = client.get("/worklists/issues/", {"format": "xlsx", "year": y})
    assert r.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
    assert rows[0][:4] == ["党组织", "年度", "问题来源", "问题"]
    assert len(rows) == 2  # the town sees its own village only
    assert rows[1][0] == "中共测试县委员会/中共甲镇委员会/红旗村党支部" and rows[1][3] == "=三会一课记录不规范"  # text, not a formula
    assert rows[1][7] == "已销号" and "已补齐记录" in rows[1][10]
    county = Actor.for_user(users["county"])
    assert Issue.objects.count() == 2 and selectors.open_counts(county)["issues_overdue"] == 1


def test_care_register_visits_and_july_first_reminder(tree, users, make_member):
    sec = Actor.for_user(users["sec_a"])
    old = make_member(tree.village_a, name="张老党员", birth=dt.date(1940, 1, 5), joined=dt.date(1965, 7, 1))
    helper = make_member(tree.village_a, name="刘青年", birth=dt.date(1995, 1, 5), joined=dt.date(2020, 7, 1))
    case = services.open_care_case(actor=sec, member_id=old.pk, kind="elderly", helper_id=helper.pk, situation="独居，行动不便")
    with pytest.raises(ServiceError):
        services.open_care_case(actor=sec, member_id=old.pk, kind="elderly")
    services.record_visit(actor=sec, case_id=case.pk, on=TODAY, kind="condolence", visitor="王书记", occasion="七一", amount=Decimal("500"))
    assert case.visits.count() == 1
    # Two weeks before 七一 the branch is reminded (rule data: 14 days, default — replace).
    items = list(deadlines.collect(dt.date(TODAY.year, 6, 20), only=["worklists.care"])[0])
    assert any("七一" in it.title and it.org_id == tree.village_a.pk and it.due_on == dt.date(TODAY.year, 7, 1) for _p, it in items)
    assert list(deadlines.collect(dt.date(TODAY.year, 5, 1), only=["worklists.care"])[0]) == []


def test_collective_income_against_target(tree, users):
    town = Actor.for_user(users["town_a"])
    y = TODAY.year
    row = services.set_income(actor=town, org_id=tree.village_a.pk, year=y, target=Decimal("100000"), actual=Decimal("32000"))
    with pytest.raises(ServiceError):
        services.set_income(actor=town, org_id=tree.office_a.pk, year=y, target=Decimal("1"), actual=Decimal("1"))  # not a village
    (r,) = selectors.incomes(town, year=y)
    assert r["difficult"] and not r["met"] and r["share"] == Decimal("32") and r["threshold"] == Decimal("50000")
    services.set_income(actor=town, org_id=tree.village_a.pk, year=y, target=Decimal("100000"), actual=Decimal("120000"))
    row.refresh_from_db()
    assert row.actual == Decimal("120000.00") and selectors.incomes(town, year=y)[0]["met"]


def test_api_and_console_pages(tree, users, api, client):
    c = api(users["town_a"])
    r = c.post("/api/v1/worklists/matters/", {"org": tree.village_a.pk, "title": "迎检材料报送", "assigned_by": "镇党委", "assigned_on": "2026-09-30"}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["due"]["acknowledge"] == "2026-10-08"
    assert c.post("/api/v1/worklists/matters/", {"org": tree.village_b.pk, "title": "x", "assigned_by": "镇", "assigned_on": "2026-09-30"}, format="json").status_code == 400
    assert c.get("/api/v1/worklists/matters/").json()["count"] == 1
    r = c.post("/api/v1/worklists/tasks/", {"org": tree.village_a.pk, "year": TODAY.year, "title": "任务", "owner_name": "某", "deadline": f"{TODAY.year}-12-31"}, format="json")
    assert r.status_code == 201
    assert c.get("/api/v1/worklists/wall/").json()["results"][0]["tasks"][0]["status"] in selectors.STATUS_LABELS
    assert api(users["sec_b"]).get(f"/api/v1/worklists/tasks/{r.json()['id']}/").status_code == 404
    client.force_login(users["town_a"])
    for url in ("/worklists/", "/worklists/tasks/", "/worklists/matters/", "/worklists/issues/", "/worklists/incomes/", "/worklists/care/", f"/worklists/tasks/{r.json()['id']}/"):
        assert client.get(url).status_code == 200, url
    # A console form with a missing org answers with the message, not a 500.
    resp = client.post("/worklists/matters/", {"title": "x", "assigned_by": "镇", "assigned_on": "2026-09-30", "template": "13710"})
    assert resp.status_code == 200 and "党组织不存在或不在您的管理范围内" in resp.content.decode()


def test_demo_county_has_a_wall(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)  # the demo's course file
    from orgwork.demo.generator import build_county

    result = build_county(members=600)
    assert result.activity["worklists"]["tasks"] >= 6 and result.activity["worklists"]["matters"] >= 1
    assert result.activity["awards"]["selections"] == 1 and result.activity["awards"]["entries"] >= 2 and result.activity["awards"]["model_sites"] <= 1
    assert result.activity["education"]["sessions"] >= 1
    rows, totals = selectors.wall(Actor.system_actor("test"), under=None, year=TODAY.year)
    assert rows and sum(totals.values()) >= 6


def test_pages_in_english_have_translated_headings(users, client):
    import re

    client.force_login(users["county"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    for url in ("/worklists/", "/worklists/tasks/", "/worklists/matters/", "/worklists/issues/", "/worklists/incomes/", "/worklists/care/"):
        html = client.get(url).content.decode()
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert not re.search(r"[\u3400-\u9fff]", h1 + title.split("·")[0]), (url, h1, title)
    assert "Task wall" in html and "Assigned matters (1-3-7-10)" in html  # the navigation


def test_home_page_items_for_overdue_matters_and_issues(tree, users):
    from orgwork.worklists.attention import overdue

    town = Actor.for_user(users["town_a"])
    assert overdue(town) == []
    services.assign_matter(actor=town, org_id=tree.village_a.pk, title="旧事项", assigned_by="镇党委", assigned_on=dt.date(2026, 9, 1), today=dt.date(2026, 9, 1))
    services.create_issue(actor=town, org_id=tree.village_a.pk, year=2025, source="年终述职评议", description="问题", owner_name="王", deadline=TODAY - dt.timedelta(days=3))
    titles = [i.title for i in overdue(town)]
    assert titles == ["1件交办事项逾期未办", "1个问题逾期未整改销号"] or TODAY < dt.date(2026, 9, 3)
    assert overdue(Actor.for_user(users["sec_b"])) == []
