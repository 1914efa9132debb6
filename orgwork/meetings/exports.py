"""The monthly check and quarterly report as Excel (xlsxwriter) and Word (python-docx)."""

from __future__ import annotations

import io

from orgwork.core.exports import workbook

from .compliance import NA, STATE_LABELS, OrgResult

COLOURS = {"done": "#dcfce7", "due": "#fef9c3", "overdue": "#fee2e2", "na": "#f3f4f6"}


def columns(results: list[OrgResult], *, translate: bool = False) -> list[tuple[str, str, str]]:
    """(code, period key, heading) for every item and period present, in rule-table order.

    `translate`: headings in the reader's language (the console page); the exported documents keep the rule's Chinese."""
    from django.utils.translation import gettext

    seen, out = set(), []
    for r in results:
        for i in r.items:
            key = (i.code, i.period.key)
            if key not in seen:
                seen.add(key)
                label = gettext(i.label) if translate else i.label
                if i.period.kind != "month" or len({x.period.key for x in r.items if x.code == i.code}) == 1:
                    heading = label
                elif translate:
                    heading = gettext("%(label)s（%(month)s月）") % {"label": label, "month": i.period.start.month}
                else:
                    heading = f"{label}（{i.period.start.month}月）"
                out.append((i.code, i.period.key, heading))
    return out


def cell_text(item) -> str:
    if item is None or item.state == NA:
        return "—"
    return f"{STATE_LABELS[item.state]} {item.held}/{item.required}"


def table(results: list[OrgResult], names: dict[int, str] | None = None, *, translate: bool = False):
    cols = columns(results, translate=translate)
    rows = []
    for r in results:
        items = {(i.code, i.period.key): i for i in r.items}
        rows.append((r, [items.get((c, k)) for c, k, _h in cols]))
    return cols, rows


def to_xlsx(title: str, results: list[OrgResult], full_names: dict[int, str]) -> bytes:
    buf = io.BytesIO()
    wb = workbook(buf)
    ws = wb.add_worksheet("组织生活落实情况")
    head = wb.add_format({"bold": True, "bg_color": "#b91c1c", "font_color": "#ffffff", "border": 1, "text_wrap": True, "valign": "vcenter"})
    fmts = {k: wb.add_format({"bg_color": v, "border": 1}) for k, v in COLOURS.items()}
    plain = wb.add_format({"border": 1})
    ws.write(0, 0, title, wb.add_format({"bold": True, "font_size": 14}))
    cols, rows = table(results)
    headers = ["党组织", "类别", "总体", *[h for _c, _k, h in cols]]
    for j, h in enumerate(headers):
        ws.write(2, j, h, head)
    for i, (r, items) in enumerate(rows, start=3):
        ws.write(i, 0, full_names.get(r.org_id, r.name), plain)
        ws.write(i, 1, "党小组" if r.kind == "group" else "党支部", plain)
        ws.write(i, 2, STATE_LABELS[r.state], fmts[r.state])
        for j, item in enumerate(items, start=3):
            ws.write(i, j, cell_text(item), fmts[item.state if item else "na"])
    ws.set_column(0, 0, 40)
    ws.set_column(1, 2, 10)
    ws.set_column(3, 3 + len(cols), 14)
    ws.freeze_panes(3, 1)
    wb.close()
    return buf.getvalue()


def to_docx(title: str, results: list[OrgResult], full_names: dict[int, str], summary: list[tuple[str, str]]) -> bytes:
    from django.utils import translation

    with translation.override("zh-hans"):  # the document stays Chinese (period labels are translated on the pages)
        return _docx(title, results, full_names, summary)


def _docx(title: str, results: list[OrgResult], full_names: dict[int, str], summary: list[tuple[str, str]]) -> bytes:
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = Document()
    doc.add_heading(title, level=1)
    for label, value in summary:
        doc.add_paragraph(f"{label}：{value}")
    late = [r for r in results if r.state == "overdue"]
    doc.add_heading("逾期未完成的党组织", level=2)
    if not late:
        doc.add_paragraph("无。")
    else:
        t = doc.add_table(rows=1, cols=2)
        t.style = "Table Grid"
        t.rows[0].cells[0].text, t.rows[0].cells[1].text = "党组织", "未完成事项"
        for r in late:
            cells = t.add_row().cells
            cells[0].text = full_names.get(r.org_id, r.name)
            cells[1].text = "；".join(f"{i.period.label}{i.label}（{i.held}/{i.required}）" for i in r.overdue())
    doc.add_heading("明细", level=2)
    cols, rows = table(results)
    t = doc.add_table(rows=1, cols=2 + len(cols))
    t.style = "Table Grid"
    for j, h in enumerate(["党组织", "总体", *[h for _c, _k, h in cols]]):
        t.rows[0].cells[j].text = h
    for r, items in rows:
        cells = t.add_row().cells
        cells[0].text = full_names.get(r.org_id, r.name)
        cells[1].text = STATE_LABELS[r.state]
        for j, item in enumerate(items, start=2):
            cells[j].text = cell_text(item)
            shade = OxmlElement("w:shd")
            shade.set(qn("w:val"), "clear")
            shade.set(qn("w:fill"), COLOURS[item.state if item else "na"].lstrip("#"))
            cells[j]._tc.get_or_add_tcPr().append(shade)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
