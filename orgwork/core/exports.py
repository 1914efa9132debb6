"""The one place spreadsheet files are opened for writing: formula-safe xlsx and csv.

Every export (xlsx or csv) goes through `workbook()` or `csv_writer()` — a test walks the source tree and
fails on any `xlsxwriter.Workbook(` or `csv.writer(` elsewhere.

- xlsx: xlsxwriter is told never to turn a string into a formula, a URL or a number
  (`strings_to_formulas`, `strings_to_urls`, `strings_to_numbers` all False), so an org named `=1+2支部`
  lands as the text `=1+2支部` (a shared string, no `<f>` element). The text is kept exactly, so a roster
  export still imports back unchanged.
- csv: a csv file has no types, and spreadsheet programs evaluate a cell starting with = + - @ (or a tab /
  carriage return before one). Such cells get a leading apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io

import xlsxwriter

# Characters a spreadsheet program treats as the start of a formula (tab and CR: "\t=cmd" is trimmed and run).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

SAFE_WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def workbook(target=None, **options) -> xlsxwriter.Workbook:
    """An xlsxwriter Workbook writing to `target` (a path or a binary file) that keeps user text as text.

    Extra xlsxwriter options (e.g. constant_memory) pass through; the safety options cannot be turned off.
    """
    if target is None:
        target = io.BytesIO()
    opts = {"in_memory": not isinstance(target, str), **options, **SAFE_WORKBOOK_OPTIONS}
    return xlsxwriter.Workbook(target, opts)


def csv_cell(value) -> str:
    """A csv cell's text: None → "", a formula-looking string gets a leading apostrophe. Numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class SafeCsvWriter:
    """csv.writer whose rows are neutralised cell by cell."""

    def __init__(self, f, **kwargs):
        self._w = csv.writer(f, **kwargs)

    def writerow(self, row):
        return self._w.writerow([csv_cell(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(f, **kwargs) -> SafeCsvWriter:
    return SafeCsvWriter(f, **kwargs)


class _Echo:
    def write(self, value):
        return value


def csv_stream(rows, *, header=None, bom: bool = True):
    """Lines of a csv file for a StreamingHttpResponse (BOM first so Excel reads UTF-8)."""
    w = csv.writer(_Echo())
    if bom:
        yield "\ufeff"
    if header is not None:
        yield w.writerow([csv_cell(v) for v in header])
    for row in rows:
        yield w.writerow([csv_cell(v) for v in row])


def formula_cells(data: bytes) -> list[str]:
    """Cell references holding a formula (an `<f>` element) in an xlsx file's worksheets — for tests and checks."""
    import re
    import zipfile

    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                found += [f"{name}:{ref}" for ref in re.findall(r'<c r="([A-Z]+[0-9]+)"[^>]*>(?:(?!</c>).)*?<f[ >/]', xml, re.S)]
    return found
