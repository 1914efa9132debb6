"""Roster export: the national template's columns, the org as its full path, dates as Excel dates.

What is exported is what the actor may see (the same scope as every selector). ID numbers and phones are
masked (first 6 + last 4, first 3 + last 4) unless `full=True`, which only the roles that need full values
over the whole exported scope may ask for (`orgwork.core.privacy.may_export_full`); only a full export
imports back. Every export, masked or full, is one audit event: who, scope, filters, row count.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from orgwork.core import privacy
from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError, error_kind
from orgwork.core.exports import workbook
from orgwork.core.fields import subtree_q
from orgwork.members.models import Education, Gender, Standing
from orgwork.members.selectors import members as scoped_members
from orgwork.orgs.models import STEP, Org
from orgwork.orgs.selectors import full_path_names

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


def export_members(target, *, actor: Actor, org: Org | None = None, standing: str = Standing.NORMAL, full: bool = False) -> int:
    """Write the members in the actor's scope (under `org` if given) to `target` (a path or a binary file).

    Masked ID numbers and phones unless `full` (refused with `full_values_forbidden` for roles that may not read
    them over the whole scope). Returns the row count; one `personal.bulk_read` audit event records the export.
    """
    check_full_export(actor, org, full)
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
            if key in privacy.MASKED_FIELDS and not full:
                value = privacy.mask(key, value)
            if value not in (None, ""):
                ws.write_string(n, col, str(value), text_fmt if key in ("id_number", "phone") else None)
    wb.close()
    audit_export(actor, kind="roster.export", org=org, standing=standing, full=full, rows=n, fields=EXPORT_FIELDS)
    return n


def check_full_export(actor: Actor, org: Org | None, full: bool) -> None:
    """Full ID numbers and phones only for the roles that need them over the whole exported scope."""
    if full and not privacy.may_export_full(actor, org.path if org is not None else None):
        raise ServiceError.single("full", "full_values_forbidden", _("您的角色不能导出完整的公民身份号码和联系电话，请导出脱敏花名册"))


def audit_export(actor: Actor, *, kind: str, org: Org | None, standing: str, full: bool, rows: int, fields) -> None:
    """One audit event per export, filed under the exported org (or the actor's own top org when all)."""
    if org is not None:
        org_path, label = org.path, full_path_names(org)
    else:
        roots = actor.subtree_paths() if not actor.unrestricted else []
        org_path = roots[0] if len(roots) == 1 else ""
        label = "、".join(Org.objects.filter(path__in=roots).order_by("path").values_list("name", flat=True)) if roots else "全部"
    privacy.record_bulk_read(
        actor,
        kind=kind,
        org_path=org_path,
        scope_label=label or "全部",
        filters={"org": org.pk if org is not None else None, "standing": standing or ""},
        rows=rows,
        full_fields=[f for f in privacy.MASKED_FIELDS if f in fields] if full else [],
        fields=list(fields),
    )


def write_report(target, report: dict, *, title: str = "导入结果") -> None:
    """The import report as an Excel file: rejected rows, then warnings."""
    wb = workbook(target)
    head = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    ws = wb.add_worksheet("错误")
    ws.write_string(0, 0, f"{title}：导入 {report.get('accepted', 0)} 行，错误 {len(report.get('rejected', []))} 处")
    for name, rows in (("错误", report.get("rejected", [])), ("提示", report.get("warnings", []))):
        sheet = ws if name == "错误" else wb.add_worksheet(name)
        start = 2 if name == "错误" else 0
        for col, label in enumerate(("行号", "列", "问题", "说明")):
            sheet.write_string(start, col, label, head)
        sheet.set_column(0, 0, 8)
        sheet.set_column(1, 2, 18)
        sheet.set_column(3, 3, 80)
        for i, r in enumerate(rows, start + 1):
            if r.get("row") is not None:
                sheet.write_number(i, 0, r["row"])
            sheet.write_string(i, 1, r.get("column") or "")
            sheet.write_string(i, 2, error_kind(r.get("code") or ""))
            sheet.write_string(i, 3, privacy.mask_text(r.get("message") or ""))
    wb.close()
