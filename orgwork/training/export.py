"""Coverage report as a real .xlsx, written row by row (xlsxwriter constant_memory) to a temporary file and streamed."""

from __future__ import annotations

import os
import tempfile

from orgwork.core.exports import workbook

from .selectors import Coverage

HEADER = ("序号", "姓名", "所在党组织", "培训类别", "统计期间", "应完成学时", "已完成学时", "差额学时", "是否达标")


def write_coverage(path: str, cov: Coverage, *, title: str, only_short: bool = False) -> int:
    wb = workbook(path, constant_memory=True)
    ws = wb.add_worksheet("学时达标情况")
    bold = wb.add_format({"bold": True})
    num = wb.add_format({"num_format": "0.0"})
    ws.write_string(0, 0, title, bold)
    ws.write_string(1, 0, f"依据：{cov.rules.source}（规则版本{cov.rules.version}）")
    for c, h in enumerate(HEADER):
        ws.write_string(2, c, h, bold)
    ws.set_column(1, 1, 10)
    ws.set_column(2, 2, 48)
    ws.set_column(3, 4, 22)
    n = 0
    for r in cov.rows:
        if only_short and r.short <= 0:
            continue
        n += 1
        row = n + 2
        ws.write_number(row, 0, n)
        ws.write_string(row, 1, r.name)
        ws.write_string(row, 2, r.org_path)
        ws.write_string(row, 3, r.role_label)
        ws.write_string(row, 4, f"{cov.year - r.years + 1}—{cov.year}年" if r.years > 1 else f"{cov.year}年")
        ws.write_number(row, 5, float(r.required), num)
        ws.write_number(row, 6, float(r.done), num)
        ws.write_number(row, 7, float(r.short), num)
        ws.write_string(row, 8, "是" if r.short <= 0 else "否")
    wb.close()
    return n


def coverage_file(cov: Coverage, *, title: str, only_short: bool = False):
    """An open binary file with the workbook (already unlinked: it disappears when closed)."""
    fd, path = tempfile.mkstemp(suffix=".xlsx", prefix="training-coverage-")
    os.close(fd)
    try:
        write_coverage(path, cov, title=title, only_short=only_short)
        f = open(path, "rb")  # handed to FileResponse, which closes it
    finally:
        os.unlink(path)
    return f
