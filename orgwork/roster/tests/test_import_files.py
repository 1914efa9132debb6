"""The files people actually have: a template whose first sheet is 填表说明, and a CSV export from another system in
UTF-8 (with BOM) or GBK. Each is imported with the same checks and messages as an .xlsx roster."""

import datetime as dt

import pytest
import xlsxwriter

from orgwork.conftest import make_id
from orgwork.members.models import Member
from orgwork.roster import services
from orgwork.roster.importer import import_members

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "性别", "公民身份号码", "人员类别", "所在党组织", "入党日期", "转为正式党员日期"]


def _rows():
    return [
        ["王芳", "女", make_id(dt.date(1982, 4, 9), False), "正式党员", "甲镇党委/红旗村党支部", "2008-07-01", "2009-07-01"],
        ["赵强", "男", make_id(dt.date(1979, 11, 2), True), "正式党员", "甲镇党委/机关党支部", "2001/6/30", "2002/6/30"],
    ]


def test_the_roster_sheet_is_found_after_an_instructions_sheet(tree, system, tmp_path):
    path = tmp_path / "template.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    notes = wb.add_worksheet("填表说明")
    notes.write(0, 0, "填表说明：1.姓名请填写身份证上的姓名；2.日期格式为2001-07-01。")
    notes.write(1, 0, "姓名")  # a lone word in the notes is not a header
    data = wb.add_worksheet("党员信息")
    data.write_row(0, 0, ["某某镇党员花名册"])
    data.write_row(2, 0, HEADER)
    for i, r in enumerate(_rows()):
        data.write_row(3 + i, 0, r)
    wb.close()
    report = import_members(str(path), actor=system)
    assert report.as_dict()["rejected"] == [] and report.accepted == 2
    assert set(Member.objects.values_list("name", "org_id")) == {("王芳", tree.village_a.pk), ("赵强", tree.office_a.pk)}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_a_csv_export_in_utf8_or_gbk_imports_like_a_sheet(tree, system, tmp_path, encoding):
    path = tmp_path / "export.csv"
    lines = [",".join(HEADER)] + [",".join(r) for r in _rows()]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    report = import_members(str(path), actor=system)
    assert report.as_dict()["rejected"] == [] and report.accepted == 2
    assert Member.objects.get(name="赵强").joined_on == dt.date(2001, 6, 30)


def test_a_csv_row_error_names_its_row_and_column(tree, system, tmp_path):
    path = tmp_path / "bad.csv"
    bad = _rows()
    bad[1][2] = "51152619791102123"  # 17 digits
    path.write_bytes(("\n".join([",".join(HEADER)] + [",".join(r) for r in bad]) + "\n").encode("gbk"))
    report = import_members(str(path), actor=system)
    rejected = report.as_dict()["rejected"]
    assert [(r["row"], r["column"]) for r in rejected] == [(3, "公民身份号码")]
    assert Member.objects.count() == 0  # all or nothing


def test_the_upload_accepts_csv_and_names_the_formats_it_takes(users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from orgwork.core.actor import Actor
    from orgwork.core.errors import ServiceError

    actor = Actor.for_user(users["county"])
    with pytest.raises(ServiceError) as exc:
        services.start_import(actor=actor, upload=SimpleUploadedFile("roster.pdf", b"%PDF"), kind="members", partial=False, update=False)
    assert exc.value.errors[0].code == "bad_value" and "CSV" in exc.value.errors[0].message
    job = services.start_import(actor=actor, upload=SimpleUploadedFile("roster.csv", ",".join(HEADER).encode("gbk")), kind="members", partial=False, update=False)
    assert job.filename == "roster.csv"
