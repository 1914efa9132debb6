"""Exchange with the national member information system: the template is data; export → import round-trips."""

import datetime as dt
import io
import json

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from orgwork.core.actor import Actor
from orgwork.members.models import Member
from orgwork.roster import national
from orgwork.roster.national import MappingError, export_national, import_national, mapping

pytestmark = pytest.mark.django_db
FIELDS = ["name", "gender", "id_number", "ethnicity", "birth_date", "education", "category", "org_id", "joined_on", "confirmed_on", "job", "phone", "address", "lost_contact"]


def read(buf):
    buf.seek(0)
    return CalamineWorkbook.from_filelike(buf).get_sheet_by_index(0).to_python()


def write(rows) -> io.BytesIO:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    ws = wb.add_worksheet("党员基本信息")
    for r, cells in enumerate(rows):
        for c, v in enumerate(cells):
            if v != "":
                ws.write_string(r, c, str(v))
    wb.close()
    out.seek(0)
    return out


def test_every_shipped_template_is_valid_data():
    shipped = national.mappings()
    m = mapping(on=dt.date.today())
    assert shipped and m.version in shipped and m.column("id_number").required
    assert m.column("gender").to_internal("2") == "F" and m.column("education").to_national("master") == "研究生（硕士）"


def test_a_broken_template_file_is_refused(tmp_path):
    raw = json.loads(next(national.MAPPINGS_DIR.glob("*.json")).read_text(encoding="utf-8"))
    raw["columns"][1]["codes"] = [["男", "X"]]  # an internal value the system does not have
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(MappingError):
        national._parse(bad)


@pytest.fixture
def county(tree, users, make_member):
    make_member(tree.village_a, name="王芳", male=False, birth=dt.date(1988, 3, 4), joined=dt.date(2012, 7, 1), education="master", ethnicity="苗族", job="教师", phone="13800001111", address="甲镇红旗村8号")
    make_member(tree.village_b, name="陈刚", birth=dt.date(1965, 9, 9), joined=dt.date(1990, 6, 1), education="junior_high", ethnicity="汉族", job="农牧渔民")
    make_member(tree.office_a, name="刘洋", birth=dt.date(1999, 1, 2), category="probationary", joined=dt.date.today() - dt.timedelta(days=40), education="bachelor", ethnicity="汉族")
    return tree


def test_export_then_import_round_trips_and_an_edit_flows_back(county, users):
    actor = Actor.for_user(users["county"])
    before = {m["id_number"]: m for m in Member.objects.values(*FIELDS)}
    buf = io.BytesIO()
    assert export_national(buf, actor=actor, full=True) == 4  # full values: a masked file does not import back
    rows = read(buf)
    m = mapping()
    assert rows[0] == [c.heading for c in m.columns]
    wang = next(r for r in rows if r[0] == "王芳")
    col = {c.field: i for i, c in enumerate(m.columns)}
    assert wang[col["education"]] == "研究生（硕士）" and wang[col["gender"]] == "女" and wang[col["org"]].endswith("甲镇委员会/红旗村党支部")
    # Round trip: importing the export back (update mode) accepts every row and changes nothing.
    report = import_national(io.BytesIO(buf.getvalue()), actor=actor, update=True)
    assert report.rejected == [] and report.accepted == 4
    assert {m["id_number"]: m for m in Member.objects.values(*FIELDS)} == before
    # The national system corrected a phone number: the change flows back without retyping anything else.
    rows[rows.index(wang)][col["phone"]] = "13900002222"
    report = import_national(write(rows), actor=actor, update=True)
    assert report.rejected == [] and Member.objects.get(name="王芳").phone == "13900002222"


def test_national_codes_are_translated_and_bad_rows_name_the_template_column(county, users, make_member):
    from orgwork.conftest import make_id

    actor = Actor.for_user(users["county"])
    m = mapping()
    heads = [c.heading for c in m.columns]
    col = {c.field: i for i, c in enumerate(m.columns)}

    def row(**values):
        cells = [""] * len(heads)
        for k, v in values.items():
            cells[col[k]] = v
        return cells

    new_id = make_id(dt.date(1990, 2, 3), male=False)
    good = row(name="孙丽", gender="2", id_number=new_id, ethnicity="汉族", education="大学本科", category="正式党员", org="中共测试县委员会/中共乙镇委员会/机关党支部", joined_on="2015-07-01", confirmed_on="2016-07-01", lost_contact="否")
    bad = row(name="钱多", gender="1", id_number=make_id(dt.date(1980, 1, 1)), category="正式党员", education="博士后", org="中共测试县委员会/中共乙镇委员会/机关党支部", joined_on="2010-07-01")
    report = import_national(write([heads, good, bad]), actor=actor)
    assert report.accepted == 0 and [(r["row"], r["column"]) for r in report.rejected] == [(3, "学历")]  # the template's heading
    assert not Member.objects.filter(name__in=["孙丽", "钱多"]).exists()  # all or nothing
    report = import_national(write([heads, good]), actor=actor)
    assert report.rejected == [] and report.accepted == 1
    sun = Member.objects.get(name="孙丽")
    assert (sun.gender, sun.education, sun.category, sun.org_id) == ("F", "bachelor", "full", county.office_b.pk)


def test_scope_and_console(county, users, client):
    town = Actor.for_user(users["town_a"])
    buf = io.BytesIO()
    assert export_national(buf, actor=town) == 3  # 李四, 王芳, 刘洋 of town A only
    assert {r[0] for r in read(buf)[1:]} == {"李四", "王芳", "刘洋"}
    client.force_login(users["county"])
    response = client.get("/roster/export/", {"download": "1", "format": "national", "org": county.town_b.pk})
    assert response.status_code == 200 and [r[0] for r in read(io.BytesIO(response.content))[1:]] == ["陈刚"]


def test_console_import_job_reads_the_national_template(county, users, settings, tmp_path, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from orgwork.conftest import make_id
    from orgwork.roster import services, tasks

    settings.MEDIA_ROOT = tmp_path
    m = mapping()
    heads = [c.heading for c in m.columns]
    cells = {"name": "周敏", "gender": "女", "id_number": make_id(dt.date(1992, 5, 6), male=False), "category": "预备党员", "org": "中共测试县委员会/中共甲镇委员会/机关党支部", "joined_on": (dt.date.today() - dt.timedelta(days=30)).isoformat()}
    row = [cells.get(c.field, "") for c in m.columns]
    actor = Actor.for_user(users["county"])
    with django_capture_on_commit_callbacks(execute=False):
        job = services.start_import(actor=actor, upload=SimpleUploadedFile("全国系统导出.xlsx", write([heads, row]).getvalue()), kind="national", partial=False, update=False)
    job = tasks.run_job(job.pk)
    assert job.status == "done" and job.accepted == 1
    assert Member.objects.get(name="周敏").category == "probationary"
