"""The transfer letter as a Word document: stub (存根), letter (介绍信) and receipt (回执), one page each.

Layout after the national form of 中国共产党党员组织关系介绍信; what it records follows 条例第25条:
the number, the member's data including the ID number, dues paid up to (month), validity.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Pt

from orgwork.core import privacy
from orgwork.core.errors import PermissionDenied
from orgwork.core.normalize import years_between
from orgwork.members.models import Category

from .models import Transfer


def _fmt(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "    年  月  日"


def _month(d) -> str:
    return f"{d.year}年{d.month}月" if d else "（未交纳）"


def letter_facts(t: Transfer) -> dict:
    m = t.member
    category = "正式" if m.category == Category.FULL else "预备"
    return {
        "number": t.letter_number,
        "name": m.name,
        "gender": m.get_gender_display(),
        "age": years_between(m.birth_date, t.letter_issued_on),
        "ethnicity": m.ethnicity or "",
        "id_number": m.id_number,
        "category": category,
        "from": t.from_org_name,
        "to": t.to_org_name,
        "dues_paid_to": _month(t.dues_paid_to),
        "valid_days": (t.valid_until - t.letter_issued_on).days,
        "valid_until": _fmt(t.valid_until),
        "issued_on": _fmt(t.letter_issued_on),
    }


def _para(doc, text, *, size=12, bold=False, center=False):
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    run.font.name = "SimSun"
    run._element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def _page_break(doc):
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def letter_pdf(t: Transfer) -> bytes:
    """The same three parts as PDF, one A4 page each (WeasyPrint, Noto CJK)."""
    from django.template.loader import render_to_string

    from orgwork.core.pdf import render_pdf

    return render_pdf(render_to_string("lifecycle/letter_pdf.html", {"f": letter_facts(t)}))


def letter_docx(t: Transfer) -> bytes:
    f = letter_facts(t)
    doc = Document()
    # 存根
    _para(doc, "中国共产党党员组织关系介绍信（存根）", size=16, bold=True, center=True)
    _para(doc, f"第 {f['number']} 号", center=True)
    _para(
        doc,
        f"{f['name']}同志（{f['gender']}，{f['age']}岁，{f['ethnicity']}族，身份证号码{f['id_number']}），系中共{f['category']}党员，"
        f"组织关系由{f['from']}转到{f['to']}。党费交到{f['dues_paid_to']}。有效期{f['valid_days']}天（至{f['valid_until']}）。",
    )
    _para(doc, f"{f['issued_on']}", center=False)
    _page_break(doc)
    # 介绍信
    _para(doc, "中国共产党党员组织关系介绍信", size=16, bold=True, center=True)
    _para(doc, f"第 {f['number']} 号", center=True)
    _para(doc, f"{f['to']}：")
    _para(
        doc,
        f"    {f['name']}同志（{f['gender']}），{f['age']}岁，{f['ethnicity']}族，系中共{f['category']}党员，身份证号码{f['id_number']}，"
        f"由{f['from']}去{f['to']}，请转接组织关系。该同志党费已交到{f['dues_paid_to']}。",
    )
    _para(doc, f"    （有效期{f['valid_days']}天，至{f['valid_until']}）")
    _para(doc, f"{f['from']}（盖章）")
    _para(doc, f"{f['issued_on']}")
    _page_break(doc)
    # 回执
    _para(doc, "中国共产党党员组织关系介绍信（回执）", size=16, bold=True, center=True)
    _para(doc, f"第 {f['number']} 号", center=True)
    _para(doc, f"{f['from']}：")
    _para(doc, f"    {f['name']}同志的党员组织关系已转达我处，特此回复。")
    _para(doc, "接收党组织（盖章）")
    _para(doc, "    年  月  日")
    _para(doc, "（回执请于收到介绍信之日起1个月内寄回）", size=10)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def letter_read(actor, t) -> None:
    """A letter prints the full ID number: only for roles that may read it (core privacy table), and each
    download is an audited personal read."""
    if t.member_id is None:
        return
    if not privacy.may_read_full(actor, t.member.org.path, "id_number"):
        raise PermissionDenied(_("您的角色不能查看完整的公民身份号码，不能开具介绍信"))
    privacy.record_read(actor, t.member, ["id_number"], via="transfer_letter")
