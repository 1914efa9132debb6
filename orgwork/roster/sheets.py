"""Reading a roster sheet: find the header row under titles and blank rows, map column variants to fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from python_calamine import CalamineWorkbook

from orgwork.core.normalize import clean_name, to_halfwidth

# field → the headings people use for it (the national template's heading first)
MEMBER_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "党员姓名"),
    "gender": ("性别",),
    "id_number": ("公民身份号码", "身份证号", "身份证号码", "公民身份证号码", "身份证", "居民身份证号码"),
    "ethnicity": ("民族",),
    "birth_date": ("出生日期", "出生年月日", "出生年月"),
    "education": ("学历", "文化程度", "最高学历"),
    "category": ("人员类别", "党员类别", "类别", "党员类型"),
    "org": ("所在党组织", "所在党支部", "所在支部", "党组织", "党支部", "所属党组织", "所在党组织名称"),
    "joined_on": ("入党日期", "加入党组织日期", "入党时间", "加入中国共产党日期"),
    "confirmed_on": ("转为正式党员日期", "转正日期", "转正时间"),
    "job": ("工作岗位", "岗位", "职业"),
    "phone": ("联系电话", "手机", "手机号码", "手机号", "电话", "电话号码"),
    "address": ("家庭住址", "住址", "现居住地", "家庭地址"),
    "standing": ("党籍状态",),
    "lost_contact": ("是否失联", "失联"),
    "lost_contact_on": ("失联日期",),
}
MEMBER_REQUIRED = ("name", "id_number", "category", "org", "joined_on")

ORG_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("党组织名称", "组织名称", "名称", "党组织全称"),
    "kind": ("党组织类别", "组织类别", "党组织类型", "类别"),
    "parent": ("上级党组织", "上级党组织名称", "上级组织", "隶属党组织", "上级"),
    "sector": ("单位所属领域", "所属领域", "领域", "单位类别"),
    "founded_on": ("成立日期", "成立时间"),
    "code": ("组织代码", "党组织代码"),
    "short_name": ("简称", "党组织简称"),
    "unit_name": ("所在单位", "单位名称"),
}
ORG_REQUIRED = ("name", "kind")

IGNORED_SILENTLY = {"序号", "编号", "备注"}
HEADER_SCAN_ROWS = 30


def heading_key(text) -> str:
    """A heading as compared: half-width, no spaces, no required-marks or parenthesized notes."""
    t = clean_name(to_halfwidth(str(text or "")))
    t = re.sub(r"\(.*?\)|（.*?）|\[.*?\]|【.*?】", "", t)
    return t.strip("*＊:：")


@dataclass
class Sheet:
    header_row: int | None = None  # Excel row number of the header
    columns: dict[str, int] = field(default_factory=dict)  # field → column index
    headings: dict[str, str] = field(default_factory=dict)  # field → heading as written in the file
    extra: list[str] = field(default_factory=list)  # headings that matched nothing
    rows: list[tuple[int, list]] = field(default_factory=list)  # (Excel row number, cells)


def _lookup(spec: dict[str, tuple[str, ...]]) -> dict[str, str]:
    out = {}
    for key, names in spec.items():
        for n in names:
            out[heading_key(n)] = key
    return out


ZIP_MAGIC, OLE_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"  # .xlsx/.xlsm/.ods, and .xls (Excel 97–2003)
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # what Excel on a Chinese Windows and WPS write: UTF-8 (with BOM) or GBK


def _head(source) -> bytes:
    if isinstance(source, (str, bytes)) or hasattr(source, "__fspath__"):
        with open(source, "rb") as f:
            return f.read(8)
    pos = source.tell()
    head = source.read(8)
    source.seek(pos)
    return head if isinstance(head, bytes) else b""


def _csv_rows(source) -> list[list]:
    """A CSV export (another system's download, Excel's “CSV” save): decoded as UTF-8, else GB18030; every cell text."""
    import csv
    import io

    if isinstance(source, (str, bytes)) or hasattr(source, "__fspath__"):
        with open(source, "rb") as f:
            data = f.read()
    else:
        data = source.read()
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("gb18030", errors="replace")
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]


def read_rows(source, spec: dict[str, tuple[str, ...]] | None = None) -> list[list]:
    """All rows of the roster sheet from A1 (blank leading rows kept, so list index + 1 is the Excel row).

    The roster sheet is the first sheet whose top rows hold a header of `spec` (a template often opens with a
    填表说明 sheet); without `spec`, or when no sheet has one, the first sheet. A file that is neither a zip (.xlsx,
    .ods) nor an OLE file (.xls) is read as CSV."""
    head = _head(source)
    if not (head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC)):
        return _csv_rows(source)
    if isinstance(source, (str, bytes)) or hasattr(source, "__fspath__"):
        wb = CalamineWorkbook.from_path(str(source))
    else:
        wb = CalamineWorkbook.from_filelike(source)
    first = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    if spec is None or len(wb.sheet_names) < 2 or _has_header(first, spec):
        return first
    for index in range(1, len(wb.sheet_names)):
        rows = wb.get_sheet_by_index(index).to_python(skip_empty_area=False)
        if _has_header(rows, spec):
            return rows
    return first


def _has_header(rows: list[list], spec) -> bool:
    lookup = _lookup(spec)
    for row in rows[:HEADER_SCAN_ROWS]:
        keys = {lookup.get(heading_key(c)) for c in row if c not in (None, "")}
        if "name" in keys and len(keys - {None}) >= 2:
            return True
    return False


def locate(rows: list[list], spec: dict[str, tuple[str, ...]], *, must_have: str = "name") -> Sheet:
    """Find the header: the first of the top rows that names `must_have` and at least one more known column."""
    lookup = _lookup(spec)
    sheet = Sheet()
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = {}
        for col, cell in enumerate(row):
            key = lookup.get(heading_key(cell))
            if key and key not in found:
                found[key] = col
        if must_have in found and len(found) >= 2:
            sheet.header_row = index + 1
            sheet.columns = found
            sheet.headings = {k: str(row[c]).strip() for k, c in found.items()}
            used = set(found.values())
            sheet.extra = [
                str(cell).strip()
                for col, cell in enumerate(row)
                if col not in used and str(cell).strip() and heading_key(cell) not in IGNORED_SILENTLY
            ]
            for r_index in range(index + 1, len(rows)):
                cells = rows[r_index]
                # a row counts if any cell holds more than spaces (the first cell usually decides)
                for c in cells:
                    if c.__class__ is str:
                        if c and not c.isspace():
                            break
                    elif c is not None and str(c).strip():
                        break
                else:
                    continue
                sheet.rows.append((r_index + 1, cells))
            return sheet
    return sheet


def cell(cells: list, col: int | None):
    if col is None or col >= len(cells):
        return None
    value = cells[col]
    if isinstance(value, str):
        return value if value.strip() else ""
    return value
