"""Documents: the appointment and removal form (干部任免审批表) as Word and PDF, and a selection's whole record as
one PDF file (纪实). Pure reads: callers pass objects already fetched through the scope."""

from __future__ import annotations

import datetime as dt
import io

from django.utils.html import escape

from orgwork.core.normalize import years_between
from orgwork.core.pdf import render_pdf

from . import selectors


def _ym(d: dt.date | None) -> str:
    return f"{d:%Y.%m}" if d else ""


def form_rows(cadre, *, proposed: str = "", removed: str = "", reason: str = "", today: dt.date | None = None) -> list[tuple[str, str]]:
    today = today or dt.date.today()
    current = "、".join(f"{a.post.unit.name}{a.post.title}" for a in selectors.holdings(cadre))
    return [
        ("姓名", cadre.name),
        ("性别", cadre.get_gender_display()),
        ("出生年月（岁）", f"{_ym(cadre.birth_date)}（{years_between(cadre.birth_date, today)}岁）"),
        ("民族", cadre.ethnicity),
        ("籍贯", cadre.native_place),
        ("入党时间", _ym(cadre.joined_party_on)),
        ("参加工作时间", _ym(cadre.work_started_on)),
        ("学历学位", " ".join(x for x in (cadre.education, cadre.degree) if x)),
        ("现任职务", current),
        ("拟任职务", proposed),
        ("拟免职务", removed),
        ("简历", "\n".join(selectors.resume_lines(cadre))),
        ("任免理由", reason),
        ("呈报单位", cadre.org.name),
        ("审批机关意见", ""),
        ("行政机关任免意见", ""),
    ]


def appointment_form_docx(cadre, **kw) -> bytes:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(12)
    doc.add_heading("干部任免审批表", level=1)
    rows = form_rows(cadre, **kw)
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for i, (label, value) in enumerate(rows):
        table.cell(i, 0).text = label
        table.cell(i, 1).text = value or ""
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def appointment_form_html(cadre, **kw) -> str:
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v or '').replace(chr(10), '<br>')}</td></tr>" for k, v in form_rows(cadre, **kw))
    return f'<html><head><meta charset="utf-8"><style>th{{width:30mm;text-align:left}}</style></head><body><h1>干部任免审批表</h1><table>{rows}</table></body></html>'


def appointment_form_pdf(cadre, **kw) -> bytes:
    return render_pdf(appointment_form_html(cadre, **kw))


def _value(v) -> str:
    if isinstance(v, list):
        return "、".join(map(str, v))
    if isinstance(v, dict):
        return "；".join(f"{k}：{_value(x)}" for k, x in v.items())
    return str(v)


def selection_record_html(selection) -> str:
    rec = selectors.selection_record(selection)
    s = selection
    parts = [f"<h1>干部选拔任用纪实</h1><p class='number'>{escape(s.instance.title)}</p>"]
    parts.append(
        "<table>"
        f"<tr><th>拟任职务</th><td>{escape(str(s.post))}</td></tr>"
        f"<tr><th>承办单位</th><td>{escape(s.org.name)}</td></tr>"
        f"<tr><th>拟选拔人数</th><td>{s.seats}（{'差额' if s.contested else '等额'}{'、竞争性选拔' if s.competitive else ''}）</td></tr>"
        f"<tr><th>规则版本</th><td>{escape(rec['definition'].ruleset.source)}（{escape(s.instance.rule_version)}）</td></tr>"
        f"<tr><th>状态</th><td>{escape(s.instance.get_status_display())}</td></tr>"
        f"<tr><th>决定任用</th><td>{escape(s.appointee.name if s.appointee else '—')}</td></tr>"
        "</table>"
    )
    parts.append("<h2>办理记录</h2><table><tr><th>序号</th><th>步骤</th><th>日期</th><th>经办人</th><th>内容、材料与意见</th></tr>")
    for r in rec["records"]:
        body = "；".join(f"{escape(k)}：{escape(_value(v))}" for k, v in (r["data"] or {}).items())
        docs = "；".join(escape(d) for d in r["documents"])
        extra = "<br>".join(x for x in (body, docs and f"材料：{docs}", r["comment"] and f"意见：{escape(r['comment'])}") if x)
        valid = "" if r["valid"] else "（已退回）"
        parts.append(f"<tr><td>{r['seq']}</td><td>{escape(r['action'])} {escape(r['step'])}{valid}</td><td>{r['done_on']:%Y-%m-%d}</td><td>{escape(r['actor'])}</td><td>{extra}</td></tr>")
    parts.append("</table>")
    parts.append("<h2>人选</h2><table><tr><th>姓名</th><th>环节</th></tr>")
    parts += [f"<tr><td>{escape(c.cadre.name)}</td><td>{escape(c.get_stage_display())}</td></tr>" for c in rec["candidates"]]
    parts.append("</table>")
    for item in rec["ballots"]:
        b, res = item["ballot"], item["results"]
        parts.append(f"<h2>{escape(b.title)}</h2>")
        if res is None:
            parts.append(f"<p>{escape(b.get_status_display())}：结果密封，计票后可见。</p>")
            continue
        parts.append(f"<p>收回选票{res['cast']}张，有效{res['valid']}张，无效{res['invalid']}张。结果校验码（SHA-256）：{escape(b.results_sha256)}</p>")
        for q in res["questions"]:
            parts.append(f"<table><tr><th>{escape(q['text'])}</th><th>得票</th><th>加权得票率</th></tr>")
            for o in q["options"]:
                ws = o.get("weighted_share")
                parts.append(f"<tr><td>{escape(o['label'])}</td><td>{o.get('votes', '')}</td><td>{'' if ws is None else f'{ws:.2%}'}</td></tr>")
            parts.append("</table>")
    for n in rec["notices"]:
        notice = n["notice"]
        parts.append(f"<h2>{escape(notice.title)}</h2><p>{escape(notice.text)}</p><p>公示期：{notice.starts_on:%Y-%m-%d}至{notice.ends_on:%Y-%m-%d}（{notice.working_days}个工作日）</p>")
        for o in n["objections"]:
            parts.append(
                f"<p>异议（{o.received_on:%Y-%m-%d}）：{escape(o.content)} — {escape(o.get_status_display())}"
                f"{'：' + escape(o.resolution) if o.resolution else ''}</p>"
            )
    if rec["flags"]:
        parts.append("<h2>组织部门标记的问题</h2>")
        parts += [f"<p>{escape(f.text)}（{escape(f.raised_by)}）{('— ' + escape(f.answer)) if f.answer else '— 未整改'}</p>" for f in rec["flags"]]
    for a in rec["appointments"]:
        probation = f"，试用期至{a.probation_until:%Y-%m-%d}" if a.probation_until else ""
        parts.append(f"<h2>任职</h2><p>{escape(a.cadre.name)}任{escape(str(a.post))}，{a.on:%Y-%m-%d}，{escape(a.document)}{probation}</p>")
    return '<html><head><meta charset="utf-8"><style>h2{font-size:14pt;margin:6mm 0 2mm} table{margin-bottom:4mm}</style></head><body>' + "".join(parts) + "</body></html>"


def selection_record_pdf(selection) -> bytes:
    return render_pdf(selection_record_html(selection))
