"""Excel imports with a bad row (all or nothing, row-numbered Chinese errors), the coverage report of a demo county
(who is short, by how much — rules.md §7, §5), the Excel export, the shortfall deadline provider and the API."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from orgwork.conftest import make_id
from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError
from orgwork.training import imports, selectors, services
from orgwork.training.models import Credit, ExamScore, Trainee
from orgwork.training.reminders import shortfall_items

pytestmark = pytest.mark.django_db
D = Decimal


def xlsx(header, rows, *, above=()) -> io.BytesIO:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    r = 0
    for line in above:
        ws.write_row(r, 0, line)
        r += 1
    ws.write_row(r, 0, header)
    for row in rows:
        r += 1
        for c, v in enumerate(row):
            if isinstance(v, dt.date):
                ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), wb.add_format({"num_format": "yyyy-mm-dd"}))
            elif v is not None:
                ws.write(r, c, v)
    wb.close()
    buf.seek(0)
    return buf


def test_attendance_import_with_a_bad_row_writes_nothing(tree, system, make_member):
    a = make_member(tree.village_a, name="甲一")
    b = make_member(tree.village_a, name="甲二")
    c = make_member(tree.village_a, name="甲四")
    outsider = make_id(dt.date(1979, 9, 9))
    course = services.create_course(actor=system, org_id=tree.town_a.pk, title="冬训班", kind="class", hours=16, starts_on=dt.date(2026, 1, 5), ends_on=dt.date(2026, 1, 9))
    header = ["序号", "姓名", "身份证号", "学时"]
    bad = xlsx(header, [[1, "甲一", a.id_number, 16], [2, "甲二", b.id_number, "十六"], [3, "乙", "12345", 8], [4, "甲一", a.id_number, 8], [5, "甲三", c.id_number, 40]], above=[["2026年冬训班签到表"]])
    with pytest.raises(imports.ImportRejected) as exc:
        imports.import_attendance(actor=system, course_id=course.pk, source=bad)
    got = [(p.row, p.column, p.code) for p in exc.value.result.problems]
    # Excel rows: title in row 1, header in row 2, data from row 3
    assert (4, "学时", "bad_value") in got
    assert (5, "身份证号", "id_format") in got
    assert (6, "身份证号", "duplicate_in_file") in got
    assert (7, "学时", "bad_value") in got  # 40 > the class's 16 hours
    assert (7, "姓名", "name_mismatch") in got  # b's number under another name
    assert str(exc.value.result.problems[0]) == "第4行“学时”：学时应为数字，而不是“十六”"
    assert "5处问题，未导入任何数据" in exc.value.errors[0].message
    assert Credit.objects.count() == 0 and Trainee.objects.count() == 0  # nothing half-written
    good = xlsx(["姓名", "公民身份号码", "学时"], [["甲一", a.id_number, 16], ["甲二", b.id_number, None], ["非党员干部", outsider, 12]])
    r = imports.import_attendance(actor=system, course_id=course.pk, source=good)
    assert (r.rows, r.written, r.unchanged) == (3, 3, 0)
    assert selectors.hours(b.id_number, dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == D(16)  # empty = the class's hours
    assert Trainee.objects.get(id_number=outsider).org == tree.town_a  # a non-member is filed under the class's org
    good.seek(0)
    again = imports.import_attendance(actor=system, course_id=course.pk, source=good)
    assert (again.written, again.unchanged) == (0, 3) and Credit.objects.count() == 3
    with pytest.raises(ServiceError) as exc:
        imports.import_attendance(actor=system, course_id=course.pk, source=io.BytesIO(b"not a spreadsheet"))
    assert exc.value.errors[0].code == "bad_file"
    with pytest.raises(ServiceError) as exc:
        imports.import_attendance(actor=system, course_id=course.pk, source=xlsx(["名字", "号码"], [["x", "y"]]))
    assert exc.value.errors[0].code == "missing_columns"


def test_score_import_grades_rows_and_refuses_a_bad_file(tree, system, make_member):
    a = make_member(tree.village_a, name="考一")
    b = make_member(tree.village_a, name="考二")
    exam = services.create_exam(actor=system, org_id=tree.county.pk, title="年度考学", year=2025, held_on=dt.date(2025, 12, 1))
    with pytest.raises(imports.ImportRejected) as exc:
        imports.import_scores(actor=system, exam_id=exam.pk, source=xlsx(["姓名", "身份证号", "成绩"], [["考一", a.id_number, 91], ["考二", b.id_number, 120], ["考二", b.id_number, None]]))
    assert [(p.row, p.code) for p in exc.value.result.problems] == [(3, "bad_value"), (4, "duplicate_in_file"), (4, "required")]
    assert ExamScore.objects.count() == 0
    r = imports.import_scores(actor=system, exam_id=exam.pk, source=xlsx(["姓名", "身份证号", "成绩"], [["考一", a.id_number, 91], ["考二", b.id_number, 52]]))
    assert r.written == 2
    assert selectors.study_grade_poor(b.id_number, 2025) is True and selectors.study_grade_poor(a.id_number, 2025) is False


def _small_county(today):
    from orgwork.demo.generator import CountyBuilder
    from orgwork.training import demo

    builder = CountyBuilder(members=300, today=today)
    root = builder.build_tree()
    builder.build_members()
    builder.build_officers()
    summary = demo.build(root, builder)
    return root, builder, summary


def test_coverage_of_the_demo_county():
    today = dt.date(2026, 12, 3)
    root, builder, summary = _small_county(today)
    assert summary["people"] >= 7 and summary["credits"] > 0 and summary["exam_grades"]
    system = Actor.system_actor("test")
    cov = selectors.coverage(system, year=2026)
    rows = {r.name: r for r in cov.rows}
    # rules.md §7: county leaders 550 h over 2022–2026; 周建华 has 5 × 100 = 500 → short 50; 陈志远 5 × 120 = 600 → met
    assert (rows["周建华"].required, rows["周建华"].years, rows["周建华"].done, rows["周建华"].short) == (D(550), 5, D(500), D(50))
    assert rows["陈志远"].short == D(0)
    # rules.md §7: township cadres 90 h a year; the county class gives 24 at most
    assert rows["何晓东"].required == D(90) and rows["何晓东"].short >= D(66)
    # rules.md §5: every member in good standing 32 h a year; someone with no hours is short by 32
    members = [r for r in cov.rows if r.role == "member"]
    assert members and all(r.required == D(32) for r in members)
    assert any(r.short == D(32) for r in members) and any(r.short == D(0) for r in members)
    # rules.md §7: grassroots secretaries and committee members 56 h
    assert any(r.role == "grassroots" and r.required == D(56) for r in cov.rows)
    assert cov.short_count == len(cov.short_rows) and cov.short_hours == sum((r.short for r in cov.short_rows), D(0))
    # every row's org is shown with its path from the county
    assert all(r.org_path.startswith("中共珙县委员会") for r in cov.rows)
    # the report of one town covers only its subtree
    town = root.children.filter(name__contains="镇").order_by("path").first()
    sub = selectors.coverage(system, year=2026, under=town)
    assert 0 < sub.people < cov.people and all(r.org_path.startswith(f"中共珙县委员会/{town.name}") for r in sub.rows)
    # the deadline provider (December) names each org with people short, due 31 December; nothing before December
    items = list(shortfall_items(today))
    assert items and all(i.due_on == dt.date(2026, 12, 31) for i in items)
    assert sum(int(i.subject.rstrip("人")) for i in items) == cov.short_count
    assert list(shortfall_items(dt.date(2026, 11, 30))) == []
    # rotation: village cadres every 3 years (default data), most trained in the county class this year
    rot = selectors.rotation(system, on=today)
    assert rot["groups"]["village_cadre"]["every"] == 3 and rot["groups"]["rural_member"]["every"] == 5
    assert rot["groups"]["village_cadre"]["people"] == len(rot["groups"]["village_cadre"]["missing"]) + sum(
        1 for t in Trainee.objects.filter(role="village_cadre") if t.credits.filter(course__kind="class", on__year=2026).exists()
    )


def test_coverage_page_export_and_api(tree, users, make_member, client, api, system):
    m = make_member(tree.village_a, name="覆盖甲")
    make_member(tree.village_b, name="覆盖乙")
    year = dt.date.today().year
    services.credit_hours(system, id_number=m.id_number, name="覆盖甲", hours=10, on=dt.date(year, 1, 1), source="manual", ref="c1")
    client.force_login(users["town_a"])
    page = client.get("/training/", {"year": year})
    body = page.content.decode()
    assert page.status_code == 200 and "覆盖甲" in body and "覆盖乙" not in body and "差22.0学时" in body
    assert client.get("/training/", {"org": tree.town_b.pk}).status_code == 404
    x = client.get("/training/coverage.xlsx", {"year": year, "short": "on"})
    assert x.status_code == 200
    data = b"".join(x.streaming_content)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    header = sheet[2]
    assert header[:4] == ["序号", "姓名", "所在党组织", "培训类别"]
    names = {row[1]: row for row in sheet[3:]}
    assert "覆盖甲" in names and names["覆盖甲"][7] == 22.0 and "覆盖乙" not in names
    c = api(users["town_a"])
    res = c.get("/api/v1/training/coverage/", {"year": year, "short": 1}).json()
    assert {r["name"] for r in res["results"]} >= {"覆盖甲"} and "覆盖乙" not in {r["name"] for r in res["results"]}
    st = c.get("/api/v1/training/status/", {"id_number": m.id_number, "year": year}).json()
    assert st["required"] == "32.0" and st["short"] == "22.0" and st["study_grade_poor"] is False and st["id_number"] is None
    assert api(users["sec_b"]).get("/api/v1/training/status/", {"id_number": m.id_number, "year": year}).status_code == 404


def test_online_records_endpoint_is_idempotent_and_all_or_nothing(tree, users, make_member, api):
    m = make_member(tree.village_a, name="网学甲")
    c = api(users["county"])
    day = dt.date.today().isoformat()
    body = {"platform": "学习强国", "records": [{"id_number": m.id_number, "name": "网学甲", "hours": "2.0", "on": day, "ref": "r-1"}]}
    r1 = c.post("/api/v1/training/online-records/", body, format="json")
    r2 = c.post("/api/v1/training/online-records/", body, format="json")
    assert r1.status_code == 200 and r1.json()["written"] == 1 and r2.json()["unchanged"] == 1
    bad = {"platform": "学习强国", "records": [{"id_number": m.id_number, "name": "网学甲", "hours": "3.0", "on": day, "ref": "r-2"}, {"id_number": m.id_number, "name": "网学甲", "hours": "0", "on": day, "ref": "r-3"}]}
    r3 = c.post("/api/v1/training/online-records/", bad, format="json")
    assert r3.status_code == 400 and r3.json()["problems"][0]["row"] == 2 and r3.json()["code"] == "import_rejected"
    assert Credit.objects.count() == 1  # r-2 was not written either


def test_elective_seats_and_full_course(tree, users, make_member, api, system):
    people = [make_member(tree.village_a, name=n) for n in ("选学甲", "选学乙", "选学丙")]
    course = services.create_course(actor=system, org_id=tree.county.pk, title="自主选学：数字乡村", kind="elective", hours=8, starts_on=dt.date.today(), ends_on=dt.date.today() + dt.timedelta(days=30), seats=2)
    c = api(users["county"])
    for p in people[:2]:
        assert c.post(f"/api/v1/training/courses/{course.pk}/enrol/", {"id_number": p.id_number, "name": p.name}, format="json").status_code == 201
    full = c.post(f"/api/v1/training/courses/{course.pk}/enrol/", {"id_number": people[2].id_number, "name": people[2].name}, format="json")
    assert full.status_code == 400 and full.json()["errors"][0]["code"] == "course_full" and "名额已满" in full.json()["errors"][0]["message"]
    twice = c.post(f"/api/v1/training/courses/{course.pk}/enrol/", {"id_number": people[0].id_number, "name": people[0].name}, format="json")
    assert twice.json()["errors"][0]["code"] == "already_enrolled"
    e = course.enrolments.first()
    services.cancel_enrolment(actor=system, enrolment_id=e.pk)
    assert c.post(f"/api/v1/training/courses/{course.pk}/enrol/", {"id_number": people[2].id_number, "name": people[2].name}, format="json").status_code == 201
    course.refresh_from_db()
    assert course.enrolled == 2
