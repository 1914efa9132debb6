"""Roster export and the import report write user text as text, never as formulas (issue 11)."""

import io

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from orgwork.core.exports import formula_cells
from orgwork.orgs import services as org_services
from orgwork.orgs.models import OrgKind, Sector
from orgwork.roster.exporter import write_report

pytestmark = pytest.mark.django_db


def test_roster_export_keeps_formula_like_org_and_member_text(tree, users, system, make_member):
    org = org_services.create_org(actor=system, parent_id=tree.town_a.pk, name="=1+2支部", kind=OrgKind.BRANCH, sector=Sector.RURAL)
    make_member(org, name="王五", address="@SUM(A1)", phone="+8613900001111")
    c = Client()
    c.force_login(users["county"])
    r = c.get("/roster/export/", {"download": "1", "org": tree.town_a.pk})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert formula_cells(r.content) == []
    rows = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
    cells = {str(v) for row in rows for v in row}
    assert any(v.endswith("/=1+2支部") for v in cells), cells
    assert "@SUM(A1)" in cells


def test_import_report_keeps_cell_text_from_the_uploaded_file_as_text():
    buf = io.BytesIO()
    report = {"accepted": 0, "rejected": [{"row": 3, "column": "=1+2支部", "code": "bad_value", "message": "=cmd|' /C calc'!A0"}], "warnings": [{"row": 4, "column": "@SUM(A1)", "code": "w", "message": "-2+3"}]}
    write_report(buf, report, title="=HYPERLINK(\"http://x\")")
    data = buf.getvalue()
    assert formula_cells(data) == []
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    errors = book.get_sheet_by_index(0).to_python()
    assert errors[3][1:] == ["=1+2支部", "内容不正确", "=cmd|' /C calc'!A0"]  # the problem in words, not its code
    assert book.get_sheet_by_name("提示").to_python()[1][1] == "@SUM(A1)"


def test_national_template_export_keeps_formula_like_text_as_text(tree, users, system, make_member):
    org = org_services.create_org(actor=system, parent_id=tree.town_a.pk, name="=1+2支部", kind=OrgKind.BRANCH, sector=Sector.RURAL)
    make_member(org, name="王五", address="@SUM(A1)", phone="+8613900001111")
    c = Client()
    c.force_login(users["county"])
    r = c.get("/roster/export/", {"download": "1", "org": tree.town_a.pk, "format": "national"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert formula_cells(r.content) == []
    cells = {str(v) for row in CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python() for v in row}
    assert any("=1+2支部" in v for v in cells), cells
    assert "@SUM(A1)" in cells
