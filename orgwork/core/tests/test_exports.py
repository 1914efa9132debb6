"""The formula-safe writers, and that no export opens a spreadsheet any other way."""

import csv
import io
import re
from pathlib import Path

from python_calamine import CalamineWorkbook

from orgwork.core.exports import csv_cell, csv_stream, csv_writer, formula_cells, workbook

HOSTILE = ["=1+2支部", "@SUM(A1)", "+1+1", "-2+3", "\t=1+1", "\r=1+1", "=HYPERLINK(\"http://x\",\"y\")", "http://example.com", "0012"]


def test_workbook_writes_hostile_strings_as_text_even_through_write():
    buf = io.BytesIO()
    wb = workbook(buf)
    ws = wb.add_worksheet("s")
    for i, text in enumerate(HOSTILE):
        ws.write(i, 0, text)  # the generic write(): would be a formula / URL / number without the options
        ws.write_string(i, 1, text)
    wb.close()
    data = buf.getvalue()
    assert formula_cells(data) == []
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert [r[0] for r in rows] == [r[1] for r in rows] == HOSTILE
    xml = __import__("zipfile").ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<hyperlink" not in xml


def test_formula_cells_detects_a_real_formula():
    """The checker itself can fail: an unsafe workbook is caught."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.add_worksheet().write(0, 0, "=1+2支部")
    wb.close()
    assert formula_cells(buf.getvalue()) == ["xl/worksheets/sheet1.xml:A1"]


def test_safety_options_cannot_be_overridden(tmp_path):
    wb = workbook(str(tmp_path / "x.xlsx"), strings_to_formulas=True, constant_memory=True)
    ws = wb.add_worksheet()
    ws.write(0, 0, "=1+2")
    wb.close()
    assert formula_cells((tmp_path / "x.xlsx").read_bytes()) == []


def test_csv_cells_starting_like_a_formula_get_an_apostrophe():
    assert [csv_cell(v) for v in HOSTILE] == ["'=1+2支部", "'@SUM(A1)", "'+1+1", "'-2+3", "'\t=1+1", "'\r=1+1", "'=HYPERLINK(\"http://x\",\"y\")", "http://example.com", "0012"]
    assert [csv_cell(v) for v in (None, 5, -5, 1.5, "红旗村党支部", True)] == ["", "5", "-5", "1.5", "红旗村党支部", "是"]
    f = io.StringIO()
    csv_writer(f).writerow(["=1+2支部", "@SUM(A1)", 3])
    assert next(csv.reader(io.StringIO(f.getvalue()))) == ["'=1+2支部", "'@SUM(A1)", "3"]
    text = "".join(csv_stream([["=1+2支部"]], header=["党组织"]))
    assert text.startswith("\ufeff") and list(csv.reader(io.StringIO(text.lstrip("\ufeff")))) == [["党组织"], ["'=1+2支部"]]


def test_every_export_opens_its_file_through_the_kernel_helper():
    """A class test: no module outside core/exports.py opens an xlsx or csv writer itself (tests excepted)."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    pattern = re.compile(r"xlsxwriter\.Workbook\(|\bWorkbook\(|csv\.writer\(|csv\.DictWriter\(|from xlsxwriter import")
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        if "/tests/" in rel or rel == "core/exports.py" or "/migrations/" in rel:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert offenders == []
