"""The four ledgers inspectors check (党建工作、党员教育管理、党员发展、党建特色台账), printed per branch and year
from records already in the system — meetings (meetings app), development (recruitment app), training (here) —
read through their selectors with the actor's scope. PDF through core.pdf, xlsx through core.exports.

A ledger is sections of tables; where the system holds no record of a kind, the section says so rather than
printing an empty form that looks complete.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgwork.core.actor import Actor
from orgwork.core.exports import workbook
from orgwork.core.pdf import render_pdf
from orgwork.meetings import selectors as meeting_selectors
from orgwork.meetings.models import MeetingKind
from orgwork.members.models import Member, Standing
from orgwork.orgs import selectors as org_selectors
from orgwork.orgs.models import Org
from orgwork.recruitment import selectors as recruitment_selectors
from orgwork.recruitment.rules import STAGE_SHORT

from . import selectors
from .models import Course, Credit, ExamScore

KINDS = {
    "work": gettext_lazy("党建工作台账"),
    "education": gettext_lazy("党员教育管理台账"),
    "development": gettext_lazy("党员发展台账"),
    "feature": gettext_lazy("党建特色台账"),
}
ORGANIZATIONAL_LIFE = [MeetingKind.GENERAL_MEETING, MeetingKind.COMMITTEE_MEETING, MeetingKind.GROUP_MEETING, MeetingKind.LECTURE, MeetingKind.REVIEW_MEETING, MeetingKind.APPRAISAL, MeetingKind.TALK]
FEATURE_KINDS = [MeetingKind.THEME_DAY, MeetingKind.CUSTOM]


@dataclass
class Section:
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    empty: str = field(default_factory=lambda: _("本年度系统中没有此类记录。"))


@dataclass
class Ledger:
    kind: str
    org: Org
    org_path: str
    year: int
    sections: list[Section]

    @property
    def title(self) -> str:
        return _("%(org)s%(year)s年%(ledger)s") % {"org": self.org.name, "year": self.year, "ledger": KINDS[self.kind]}


def _d(day) -> str:
    return day.strftime("%Y-%m-%d") if day else ""


def _meetings(actor: Actor, org: Org, year: int, kinds) -> list[list]:
    rows = []
    qs = meeting_selectors.search_meetings(actor, under=org, year=year).filter(kind__in=kinds).order_by("planned_on", "id")
    for m in qs:
        kind = m.custom_kind if m.kind == MeetingKind.CUSTOM and m.custom_kind else m.get_kind_display()
        rows.append([_d(m.held_on or m.planned_on), kind, m.topic, m.host or m.speaker_name, f"{m.n_present}/{m.n_expected}" if m.n_expected else "", m.get_status_display()])
    return rows


def build(actor: Actor, kind: str, org: Org, year: int) -> Ledger:
    if kind not in KINDS:
        raise KeyError(kind)
    path = org_selectors.path_names([org])[org.pk]
    sections: list[Section] = []
    if kind == "work":
        officers = org_selectors.officers(org)
        sections.append(Section(_("支部委员会组成"), [_("姓名"), _("职务"), _("任职日期")], [[o.name, o.get_post_display(), _d(o.started_on)] for o in officers], _("系统中没有登记支部委员。")))
        sections.append(Section(_("“三会一课”及组织生活记录"), [_("日期"), _("类别"), _("主题"), _("主持人/授课人"), _("实到/应到"), _("状态")], _meetings(actor, org, year, ORGANIZATIONAL_LIFE)))
    elif kind == "education":
        members = list(Member.objects.filter(org=org, standing=Standing.NORMAL).order_by("name_pinyin", "pk"))
        cov = {r.member_id: r for r in selectors.coverage(actor, year=year, under=org).rows if r.member_id}
        grades = {}
        for s in ExamScore.objects.filter(trainee__member__in=members, exam__year=year).select_related("trainee"):
            grades.setdefault(s.trainee.member_id, []).append(s.get_grade_display())
        rows = []
        for m in members:
            r = cov.get(m.pk)
            appraisal = meeting_selectors.member_appraisals(actor, m.pk).filter(round__year=year).first()
            rows.append([
                m.name, m.get_category_display(), r.role_label if r else "", f"{r.required:.1f}" if r else "", f"{r.done:.1f}" if r else "",
                f"{r.short:.1f}" if r else "", "、".join(grades.get(m.pk, [])), appraisal.get_grade_display() if appraisal and appraisal.grade else "",
            ])  # fmt: skip
        sections.append(Section(_("党员学习培训与评议情况"), [_("姓名"), _("人员类别"), _("培训类别"), _("应完成学时"), _("已完成学时"), _("差额"), _("考学等次"), _("民主评议等次")], rows, _("支部没有在册党员。")))
        sections.append(Section(_("党课"), [_("日期"), _("类别"), _("主题"), _("授课人"), _("实到/应到"), _("状态")], _meetings(actor, org, year, [MeetingKind.LECTURE])))
        credits = (
            Credit.objects.filter(trainee__member__in=members, on__year=year, course__isnull=False)
            .values_list("course__title", "course__starts_on").annotate(n=Sum("hours")).order_by("course__starts_on")
        )  # fmt: skip
        sections.append(Section(_("参加培训班情况"), [_("培训班/课程"), _("开始日期"), _("本支部党员累计学时")], [[t, _d(d), f"{n:.1f}"] for t, d, n in credits]))
    elif kind == "development":
        rows = []
        for a in recruitment_selectors.search(actor, under=org, status="all").filter(applied_on__year__lte=year):
            p = a.procedure
            rows.append([a.name, a.get_gender_display(), _d(a.applied_on), STAGE_SHORT.get(p.stage, p.stage) if p else "", p.get_status_display() if p else ""])
        sections.append(Section(_("入党申请人、积极分子、发展对象和预备党员"), [_("姓名"), _("性别"), _("递交申请日期"), _("当前阶段"), _("状态")], rows, _("系统中没有本支部的发展党员记录。")))
    else:
        sections.append(Section(_("主题党日及特色活动"), [_("日期"), _("类别"), _("主题"), _("主持人"), _("实到/应到"), _("状态")], _meetings(actor, org, year, FEATURE_KINDS)))
        courses = Course.objects.filter(org=org, starts_on__year=year).order_by("starts_on")
        sections.append(Section(_("本支部举办的培训和自主选学课程"), [_("名称"), _("类型"), _("日期"), _("学时")], [[c.title, c.get_kind_display(), _d(c.starts_on), f"{c.hours:.1f}"] for c in courses]))
        sections.append(Section(_("党建品牌"), [_("名称"), _("阶段")], [], _("党建品牌评选记录尚未纳入本系统，请另行附材料。")))
    return Ledger(kind=kind, org=org, org_path=path, year=year, sections=sections)


PDF_CSS = """
@page { size: A4 landscape; margin: 18mm 16mm 16mm 16mm; @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; } }
html { font-size: 11pt; line-height: 1.5; }
h1 { font-size: 18pt; margin-bottom: 3mm; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; }
.meta { text-align: center; font-size: 10pt; margin-bottom: 4mm; }
table { font-size: 10pt; }
.empty { color: #444; font-style: italic; }
"""


def to_html(ledger: Ledger, *, printed_on: dt.date | None = None) -> str:
    e = html.escape
    parts = [f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>{e(ledger.title)}</title><style>{PDF_CSS}</style></head><body>"]
    printed = _("打印日期 %(date)s") % {"date": _d(printed_on or dt.date.today())}
    parts.append(f"<h1>{e(ledger.title)}</h1><p class='meta'>{e(ledger.org_path)} · {e(printed)}</p>")
    for s in ledger.sections:
        parts.append(f"<h2>{e(s.title)}</h2>")
        if not s.rows:
            parts.append(f"<p class='empty'>{e(s.empty)}</p>")
            continue
        parts.append("<table><thead><tr><th>" + e(_("序号")) + "</th>" + "".join(f"<th>{e(c)}</th>" for c in s.columns) + "</tr></thead><tbody>")
        for i, row in enumerate(s.rows, start=1):
            parts.append(f"<tr><td>{i}</td>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "".join(parts)


def to_pdf(ledger: Ledger) -> bytes:
    return render_pdf(to_html(ledger))


def to_xlsx(ledger: Ledger, target) -> None:
    wb = workbook(target)
    ws = wb.add_worksheet(str(KINDS[ledger.kind])[:31])
    bold = wb.add_format({"bold": True})
    ws.write_string(0, 0, ledger.title, bold)
    ws.write_string(1, 0, ledger.org_path)
    r = 3
    for s in ledger.sections:
        ws.write_string(r, 0, s.title, bold)
        r += 1
        if not s.rows:
            ws.write_string(r, 0, s.empty)
            r += 2
            continue
        ws.write_row(r, 0, [_("序号"), *s.columns], bold)
        for i, row in enumerate(s.rows, start=1):
            r += 1
            ws.write_number(r, 0, i)
            for c, v in enumerate(row, start=1):
                ws.write_string(r, c, str(v))
        r += 2
    ws.set_column(0, 0, 6)
    ws.set_column(1, 8, 16)
    wb.close()
