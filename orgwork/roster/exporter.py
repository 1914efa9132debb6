"""Roster export: the national template's columns, the org as its full path, dates as Excel dates.

What is exported is what the actor may see (the same scope as every selector); the file imports back.
"""

from __future__ import annotations

import datetime as dt

from orgwork.core.actor import Actor
from orgwork.core.exports import workbook
from orgwork.core.fields import subtree_q
from orgwork.members.models import Education, Gender, Standing
from orgwork.members.selectors import members as scoped_members
from orgwork.orgs.models import STEP, Org

from .sheets import MEMBER_COLUMNS

EXPORT_FIELDS = list(MEMBER_COLUMNS)  # template order, headings are each field's first name
DATE_FIELDS = {"birth_date", "joined_on", "confirmed_on", "lost_contact_on"}
CATEGORY_LABELS = {"full": "正式党员", "probationary": "预备党员"}
GENDER_LABELS = {k: str(v) for k, v in Gender.choices}
EDUCATION_LABELS = {k: str(v) for k, v in Education.choices}
STANDING_LABELS = {k: str(v) for k, v in Standing.choices}


def full_paths() -> dict[int, str]:
    """{org id: "县委/镇党委/支部"} for every org, from one query."""
    rows = list(Org.objects.values_list("pk", "path", "name"))
    names = {p: n for _pk, p, n in rows}
    return {pk: "/".join(names.get(p[:i], "?") for i in range(STEP, len(p) + 1, STEP)) for pk, p, _n in rows}


def export_members(target, *, actor: Actor, org: Org | None = None, standing: str = Standing.NORMAL) -> int:
    """Write the members in the actor's scope (under `org` if given) to `target` (a path or a binary file)."""
    qs = scoped_members(actor)
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "org__path"))
    if standing:
        qs = qs.filter(standing=standing)
    paths = full_paths()
    wb = workbook(target, constant_memory=True)
    ws = wb.add_worksheet("党员信息")
    head = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    text_fmt = wb.add_format({"num_format": "@"})
    for col, key in enumerate(EXPORT_FIELDS):
        ws.write_string(0, col, MEMBER_COLUMNS[key][0], head)
    widths = {"name": 10, "id_number": 21, "org": 40, "address": 30, "phone": 14}
    for col, key in enumerate(EXPORT_FIELDS):
        ws.set_column(col, col, widths.get(key, 12 if key in DATE_FIELDS else 10))
    ws.freeze_panes(1, 0)
    fields = [f for f in EXPORT_FIELDS if f != "org"] + ["org_id"]
    n = 0
    for n, m in enumerate(qs.order_by("org__path", "id").values(*fields).iterator(chunk_size=5000), 1):
        for col, key in enumerate(EXPORT_FIELDS):
            if key == "org":
                ws.write_string(n, col, paths.get(m["org_id"], ""))
                continue
            value = m[key]
            if key in DATE_FIELDS:
                if value:
                    ws.write_datetime(n, col, dt.datetime(value.year, value.month, value.day), date_fmt)
                continue
            if key == "gender":
                value = GENDER_LABELS.get(value, value)
            elif key == "category":
                value = CATEGORY_LABELS.get(value, value)
            elif key == "education":
                value = EDUCATION_LABELS.get(value, value)
            elif key == "standing":
                value = STANDING_LABELS.get(value, value)
            elif key == "lost_contact":
                value = "是" if value else "否"
            if value not in (None, ""):
                ws.write_string(n, col, str(value), text_fmt if key in ("id_number", "phone") else None)
    wb.close()
    return n


def write_report(target, report: dict, *, title: str = "导入结果") -> None:
    """The import report as an Excel file: rejected rows, then warnings."""
    wb = workbook(target)
    head = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    ws = wb.add_worksheet("错误")
    ws.write_string(0, 0, f"{title}：导入 {report.get('accepted', 0)} 行，错误 {len(report.get('rejected', []))} 处")
    for name, rows in (("错误", report.get("rejected", [])), ("提示", report.get("warnings", []))):
        sheet = ws if name == "错误" else wb.add_worksheet(name)
        start = 2 if name == "错误" else 0
        for col, label in enumerate(("行号", "列", "代码", "说明")):
            sheet.write_string(start, col, label, head)
        sheet.set_column(0, 0, 8)
        sheet.set_column(1, 2, 18)
        sheet.set_column(3, 3, 80)
        for i, r in enumerate(rows, start + 1):
            if r.get("row") is not None:
                sheet.write_number(i, 0, r["row"])
            sheet.write_string(i, 1, r.get("column") or "")
            sheet.write_string(i, 2, r.get("code") or "")
            sheet.write_string(i, 3, r.get("message") or "")
    wb.close()
