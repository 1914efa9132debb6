"""Word documents: the notice (公示) and the full-process record sheet (发展党员全程纪实表)."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from .rules import STAGE_SHORT


def _doc() -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    return doc


def _title(doc, text):
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold = True
    run.font.size = Pt(18)


def _bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def notice(notice) -> bytes:
    doc = _doc()
    _title(doc, notice.title)
    doc.add_paragraph(notice.text).paragraph_format.first_line_indent = Pt(24)
    doc.add_paragraph(f"公示地点/方式：{notice.place}")
    p = doc.add_paragraph(notice.instance.org.name)
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p = doc.add_paragraph(f"{notice.starts_on.year}年{notice.starts_on.month}月{notice.starts_on.day}日")
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return _bytes(doc)


def notice_pdf(notice) -> bytes:
    """The notice as PDF on A4 (WeasyPrint, Noto CJK), for posting and filing."""
    from django.template.loader import render_to_string

    from orgwork.core.pdf import render_pdf

    paragraphs = [p for p in (notice.text or "").splitlines() if p.strip()]
    return render_pdf(render_to_string("recruitment/notice_pdf.html", {"notice": notice, "paragraphs": paragraphs}))


def record_sheet(applicant, view: dict) -> bytes:
    doc = _doc()
    _title(doc, "发展党员全程纪实表")
    inst = view["instance"]
    info = doc.add_table(rows=3, cols=4)
    info.style = "Table Grid"
    cells = [
        ("姓名", applicant.name, "性别", applicant.get_gender_display()),
        ("出生日期", f"{applicant.birth_date:%Y-%m-%d}", "所在党支部", applicant.org.name),
        ("递交申请日期", f"{applicant.applied_on:%Y-%m-%d}", "当前阶段", f"{STAGE_SHORT.get(inst.stage, '')}（{inst.get_status_display()}）"),
    ]
    for row, values in zip(info.rows, cells, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = str(value)
    doc.add_paragraph(f"适用规则：{view['definition'].title}（{inst.rule_version}版）")
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("序号", "步骤", "办理日期", "责任人/经办人", "意见与数据", "材料"), strict=True):
        cell.text = text
    for sv in view["steps"]:
        r = sv.record
        row = table.add_row().cells
        row[0].text = str(sv.number)
        row[1].text = sv.step.title
        if r:
            row[2].text = f"{r.done_on:%Y-%m-%d}"
            row[3].text = f"{r.responsible}/{r.actor_label}"
            details = [r.comment] if r.comment else []
            details += [f"{label}：{v}" for label, v in sv.values]
            details += [f"{e.done_on:%Y-%m-%d} {e.data.get('result', '')}" for e in sv.entries]
            row[4].text = "；".join(details)
            row[5].text = "、".join(f"{a.label}{('（' + a.reference + '）') if a.reference else ''}" for a in r.attachments.all())
    others = [r for r in view["records"] if r.action in ("return", "pause", "resume", "terminate", "extend", "archive") or not r.valid]
    if others:
        doc.add_paragraph("退回、暂停、延期等记录：")
        for r in others:
            doc.add_paragraph(f"{r.done_on:%Y-%m-%d} {r.get_action_display()} {r.step_title} {r.comment}{'（已被退回，作废）' if not r.valid else ''} —— {r.actor_label}")
    return _bytes(doc)
