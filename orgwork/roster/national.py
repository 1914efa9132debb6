"""Exchange with the national member information system (全国党员管理信息系统): export and import in its template.

The template — its headings, their order, which system field each one carries and the code list of every coded
column — is data: a versioned mapping file in `orgwork/roster/mappings/` (one JSON file per template version, see
docs/national-exchange.md). A province that changes its template adds a file; no code changes.

Export writes the members in the actor's scope with the template's headings and national values. Import reads a
file in the template, translates headings and codes to the roster's own, and runs the roster import (every row
checked before anything is written, all or nothing by default, errors by Excel row with the template's heading),
so a county that keeps both systems types nothing twice.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _

from orgwork.core import params, privacy
from orgwork.core.actor import Actor
from orgwork.core.exports import workbook
from orgwork.core.fields import subtree_q
from orgwork.members.models import Standing
from orgwork.members.selectors import members as scoped_members
from orgwork.orgs.models import Org

from . import sheets
from .exporter import CATEGORY_LABELS, EDUCATION_LABELS, GENDER_LABELS, STANDING_LABELS, audit_export, check_full_export, full_paths
from .importer import Report, import_members

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
TYPES = {"text", "date", "code", "org"}
ROSTER_LABELS = {
    "gender": GENDER_LABELS,
    "education": EDUCATION_LABELS,
    "category": CATEGORY_LABELS,
    "standing": STANDING_LABELS,
    "lost_contact": {"yes": "是", "no": "否"},
}
DATE_FIELDS = {"birth_date", "joined_on", "confirmed_on", "lost_contact_on"}


class MappingError(ValueError):
    """A mapping file that does not describe a usable template (caught by the tests, never at a user)."""


@dataclass(frozen=True)
class Column:
    heading: str
    field: str
    type: str = "text"
    required: bool = False
    codes: tuple[tuple[str, str], ...] = ()

    def to_internal(self, value):
        """A national value → the system's value (unknown values pass through for the roster check to name)."""
        if self.type != "code" or value in (None, ""):
            return value
        text = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        for national, internal in self.codes:
            if text == national:
                return internal
        return text

    def to_national(self, value) -> str:
        for national, internal in self.codes:
            if internal == value:
                return national
        return "" if value is None else str(value)


@dataclass(frozen=True)
class Mapping:
    name: str
    version: str
    effective: dt.date
    title: str
    source: str
    sheet: str
    columns: tuple[Column, ...]

    def column(self, field: str) -> Column | None:
        return next((c for c in self.columns if c.field == field), None)


def _parse(path: Path) -> Mapping:
    raw = json.loads(path.read_text(encoding="utf-8"))
    try:
        columns = tuple(
            Column(c["heading"], c["field"], c.get("type", "text"), bool(c.get("required", False)), tuple((str(a), str(b)) for a, b in c.get("codes", [])))
            for c in raw["columns"]
        )
        mapping = Mapping(raw["name"], str(raw["version"]), dt.date.fromisoformat(raw["effective"]), raw["title"], raw["source"], raw["sheet"], columns)
    except (KeyError, TypeError, ValueError) as exc:
        raise MappingError(f"{path.name}: {exc}") from exc
    fields = [c.field for c in columns]
    if len(set(fields)) != len(fields) or len({c.heading for c in columns}) != len(columns):
        raise MappingError(f"{path.name}: a field or heading appears twice")
    for c in columns:
        if c.field not in sheets.MEMBER_COLUMNS:
            raise MappingError(f"{path.name}: unknown field {c.field!r}")
        if c.type not in TYPES:
            raise MappingError(f"{path.name}: unknown type {c.type!r}")
        if c.type == "code":
            allowed = ROSTER_LABELS.get(c.field)
            if not c.codes or allowed is None or any(internal not in allowed for _n, internal in c.codes):
                raise MappingError(f"{path.name}: codes of {c.field!r} must map to {sorted(allowed or [])}")
    missing = set(sheets.MEMBER_REQUIRED) - set(fields)
    if missing:
        raise MappingError(f"{path.name}: the roster needs {sorted(missing)}")
    return mapping


@lru_cache(maxsize=1)
def mappings() -> dict[str, Mapping]:
    """Every template version shipped, by version."""
    out = {}
    for path in sorted(MAPPINGS_DIR.glob("*.json")):
        m = _parse(path)
        out[m.version] = m
    return out


def mapping(*, version: str | None = None, on: dt.date | None = None) -> Mapping:
    """The named template version, or the one in force on a date (default today)."""
    known = mappings()
    if version:
        if version not in known:
            raise params.ParamError("version", "invalid_parameter", _("没有“%(version)s”版本的全国系统模板，可选：%(join)s") % {"version": version, "join": '、'.join(sorted(known))}, label="模板版本")
        return known[version]
    on = on or dt.date.today()
    in_force = [m for m in known.values() if m.effective <= on]
    if not in_force:
        raise params.ParamError("on", "no_rule_in_force", _("%(on)s没有适用的全国系统模板") % {"on": format(on, '%Y-%m-%d')}, label="日期")
    return max(in_force, key=lambda m: m.effective)


def export_national(target, *, actor: Actor, org: Org | None = None, version: str | None = None, full: bool = False) -> int:
    """Write the members in good standing in the actor's scope (under `org`) in the national template.

    ID numbers and phones are masked unless `full` (allowed to the roles that need them, like the roster export);
    one audit event records the export.
    """
    check_full_export(actor, org, full)
    m = mapping(version=version)
    qs = scoped_members(actor).filter(standing=Standing.NORMAL)
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "org__path"))
    paths = full_paths()
    wb = workbook(target, constant_memory=True)
    ws = wb.add_worksheet(m.sheet)
    head = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    text_fmt = wb.add_format({"num_format": "@"})
    for col, c in enumerate(m.columns):
        ws.write_string(0, col, c.heading, head)
        ws.set_column(col, col, 40 if c.type == "org" else 21 if c.field == "id_number" else 12)
    ws.freeze_panes(1, 0)
    fields = sorted({c.field for c in m.columns if c.type != "org"} | {"org_id"})
    n = 0
    for n, row in enumerate(qs.order_by("org__path", "id").values(*fields).iterator(chunk_size=5000), 1):
        for col, c in enumerate(m.columns):
            if c.type == "org":
                value = paths.get(row["org_id"], "")
            elif c.type == "date":
                value = row[c.field].isoformat() if row[c.field] else ""
            elif c.field == "lost_contact":
                value = c.to_national("yes" if row[c.field] else "no")
            elif c.type == "code":
                value = c.to_national(row[c.field]) if row[c.field] else ""
            else:
                value = row[c.field] or ""
                if c.field in privacy.MASKED_FIELDS and not full:
                    value = privacy.mask(c.field, value)
            if value != "":
                ws.write_string(n, col, str(value), text_fmt if c.field in ("id_number", "phone") or c.type == "date" else None)
    wb.close()
    audit_export(actor, kind="roster.export_national", org=org, standing=Standing.NORMAL, full=full, rows=n, fields=[c.field for c in m.columns])
    return n


def _to_roster_grid(rows: list[list], m: Mapping) -> tuple[list[list], dict[str, str]]:
    """The national sheet as the roster reads it: same cells and row numbers, headings and codes translated.
    Returns the grid and {roster heading: national heading} for the error report."""
    by_heading = {sheets.heading_key(c.heading): c for c in m.columns}
    header_at = None
    for i, cells in enumerate(rows[: sheets.HEADER_SCAN_ROWS]):
        keys = {sheets.heading_key(v) for v in cells if v not in (None, "")}
        if any(sheets.heading_key(c.heading) in keys for c in m.columns if c.field == "id_number"):
            header_at = i
            break
    if header_at is None:
        return rows, {}
    grid = [list(r) for r in rows]
    cols: dict[int, Column] = {}
    back = {}
    for j, value in enumerate(grid[header_at]):
        c = by_heading.get(sheets.heading_key(value))
        if c is None:
            continue
        cols[j] = c
        roster_heading = sheets.MEMBER_COLUMNS[c.field][0]
        grid[header_at][j] = roster_heading
        back[roster_heading] = c.heading
    for r in range(header_at + 1, len(grid)):
        row = grid[r]
        for j, c in cols.items():
            if j < len(row) and c.type == "code":
                internal = c.to_internal(row[j])
                row[j] = ROSTER_LABELS[c.field].get(internal, internal)
    return grid, back


def import_national(
    source, *, actor: Actor, update: bool = False, partial: bool = False, version: str | None = None, today: dt.date | None = None, progress=None
) -> Report:
    """Import a file in the national template through the roster import (its checks, its all-or-nothing)."""
    m = mapping(version=version)
    grid, back = _to_roster_grid(sheets.read_rows(source), m)
    buf = io.BytesIO()
    wb = workbook(buf)
    ws = wb.add_worksheet(m.sheet)
    for r, cells in enumerate(grid):
        for c, value in enumerate(cells):
            if value in (None, ""):
                continue
            if isinstance(value, dt.datetime):
                value = value.date()
            if isinstance(value, dt.date):
                ws.write_string(r, c, value.isoformat())
            elif isinstance(value, bool):
                ws.write_string(r, c, "是" if value else "否")
            elif isinstance(value, (int, float)):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))
    wb.close()
    buf.seek(0)
    extra = {"progress": progress} if progress is not None else {}
    report = import_members(buf, actor=actor, update=update, partial=partial, today=today, action="member.import_national", **extra)
    for item in (*report.rejected, *report.warnings):
        item["column"] = back.get(item.get("column"), item.get("column"))
    return report
