"""Roster import: every row validated before anything is written, then one transaction.

Default all-or-nothing: one rejected row and nothing is imported. `partial` imports the valid rows.
A row whose ID number is already registered is rejected as duplicate_existing, or updated with `update`.
The report lists every rejection by Excel row number with a stable code, the column and a Chinese message:

    {"accepted": N, "rejected": [{"row": R, "code": C, "column": H, "message": M}], "warnings": [...]}
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from orgwork.core import forked, idcard, registry
from orgwork.core.actor import Actor
from orgwork.core.errors import NotFound, ServiceError
from orgwork.core.normalize import BadDate, clean_name, clean_text, parse_date, to_halfwidth
from orgwork.core.scope import scope
from orgwork.members import services as member_services
from orgwork.members.models import Member, Standing
from orgwork.members.rules import membership_rules
from orgwork.members.validation import FIELD_LABELS, clean_member, clean_member_fast
from orgwork.orgs import services as org_services
from orgwork.orgs.models import STEP, Org, OrgKind, Sector
from orgwork.orgs.selectors import OrgAmbiguous, OrgLookupError, resolve_org

from . import sheets

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass
class Report:
    accepted: int = 0
    rejected: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    valid_rows: int = 0
    rows: int = 0

    def reject(self, row, code, column, message):
        self.rejected.append({"row": row, "code": code, "column": column, "message": str(message)})

    def warn(self, row, code, column, message):
        self.warnings.append({"row": row, "code": code, "column": column, "message": str(message)})

    @property
    def rejected_rows(self) -> set[int]:
        return {r["row"] for r in self.rejected}

    def as_dict(self) -> dict:
        return {"accepted": self.accepted, "rejected": sorted(self.rejected, key=lambda r: (r["row"] or 0)), "warnings": self.warnings}


def _noop(phase, done, total):
    pass


def _text_cell(value):
    """Numbers typed into text columns (ID numbers, phones) come back as floats from Excel."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def _located(report: Report, rows, spec, required, what: str):
    sheet = sheets.locate(rows, spec)
    if sheet.header_row is None:
        report.reject(1, "required", "", _("找不到表头：前%(HEADER_SCAN_ROWS)s行中没有包含“%(value)s”等列名的行（%(what)s）") % {"HEADER_SCAN_ROWS": sheets.HEADER_SCAN_ROWS, "value": spec['name'][0], "what": what})
        return None
    missing = [k for k in required if k not in sheet.columns]
    for k in missing:
        report.reject(sheet.header_row, "required", spec[k][0], _("缺少必填列“%(value)s”") % {"value": spec[k][0]})
    if missing:
        return None
    for heading in sheet.extra:
        report.warn(sheet.header_row, "extra_column", heading, _("列“%(heading)s”不在模板中，已忽略") % {"heading": heading})
    return sheet


# --- orgs the actor may put members into ------------------------------------------------------------
class OrgResolver:
    """Resolve what people type for an org, once per distinct text; full paths from an export hit a map."""

    def __init__(self, actor: Actor):
        self.actor = actor
        self.writable = scope(Org.objects.all(), actor, write=True)
        rows = list(Org.objects.values_list("pk", "path", "name", "abolished_on"))
        names = {p: n for _pk, p, n, _a in rows}
        self.by_full_path: dict[str, int] = {}
        for pk, p, _n, abolished in rows:
            if abolished is None:
                full = "/".join(names.get(p[:i], "?") for i in range(STEP, len(p) + 1, STEP))
                self.by_full_path[full] = pk
        self.cache: dict[str, tuple[Org | None, str, str]] = {}
        self.raw_cache: dict = {}  # the cell as read → the same answer (a column repeats a few hundred names)
        self.writable_by_id: dict[int, Org] = {}  # orgs read so far that the actor may write to
        self.read_ids: set[int] = set()  # the org ids read so far (writable or not)

    def prime(self, cells) -> None:
        """Before resolving many cells: the orgs their full paths name, read in one query (only those, not every org
        the actor may write to: a city has tens of thousands)."""
        pks = set()
        for cell in cells:
            text = clean_text(_text_cell(cell))
            pk = self.by_full_path.get(text)
            if pk is None:
                pk = self.by_full_path.get(self._path_key(text))
            if pk is not None:
                pks.add(pk)
        self._read(pks)

    def read_ahead(self, pks) -> None:
        """Read these orgs now (while a big file is still being read: see _import_members), not when cells name them."""
        self._read(pks)

    def _read(self, pks) -> None:
        pks = sorted(set(pks) - self.read_ids)
        for start in range(0, len(pks), 10000):  # SQLite: at most 32,766 parameters
            part = pks[start : start + 10000]
            self.writable_by_id.update({o.pk: o for o in self.writable.filter(pk__in=part)})
            self.read_ids.update(part)

    @staticmethod
    def _path_key(text: str) -> str:
        return "/".join(clean_name(p) for p in to_halfwidth(text).replace("／", "/").split("/"))

    def resolve(self, ref) -> tuple[Org | None, str, str]:
        """(org, error code, message)."""
        key = (ref.__class__, ref)
        try:
            return self.raw_cache[key]
        except (KeyError, TypeError):
            pass
        out = self._resolve_text(ref)
        try:
            self.raw_cache[key] = out
        except TypeError:
            pass
        return out

    def _resolve_text(self, ref):
        text = clean_text(_text_cell(ref))
        if text in self.cache:
            return self.cache[text]
        out = self._resolve(text)
        self.cache[text] = out
        return out

    def _resolve(self, text):
        org = None
        pk = self.by_full_path.get(text)  # a full path as the export writes it: no normalizing
        if pk is None:
            pk = self.by_full_path.get(self._path_key(text))
        if pk is not None:
            self._read([pk])  # read already when prime() was given the cell
            org = self.writable_by_id.get(pk)
            if org is None:
                return None, "unknown_org", _("党组织“%(name)s”不在您的管理范围内") % {"name": text}
        else:
            try:
                org = resolve_org(text, qs=self.writable.filter(abolished_on__isnull=True))
            except OrgAmbiguous as exc:
                return None, "ambiguous_org", str(exc)
            except OrgLookupError:
                return None, "unknown_org", _("找不到党组织“%(name)s”，或不在您的管理范围内") % {"name": text}
        if org.kind == OrgKind.GROUP:
            return None, "bad_value", _("“%(name)s”是党小组，党员应编入党支部") % {"name": org.name}
        if not org.is_active:
            return None, "bad_value", _("党组织“%(name)s”已撤销") % {"name": org.name}
        return org, "", ""


# --- members ---------------------------------------------------------------------------------------------
MEMBER_FIELDS = [k for k in sheets.MEMBER_COLUMNS if k not in ("org", "standing")]
UPDATE_FIELDS = [k for k in MEMBER_FIELDS if k in member_services.EDITABLE_FIELDS]


def import_members(
    source,
    *,
    actor: Actor,
    partial: bool = False,
    update: bool = False,
    today: dt.date | None = None,
    progress: Progress = _noop,
    action: str = "member.import",
) -> Report:
    with _gc_paused():
        return _import_members(source, actor=actor, partial=partial, update=update, today=today, progress=progress, action=action)


class _gc_paused:
    """No cyclic garbage collection while an import runs: its hundreds of thousands of cell, row and value objects
    (none in a cycle) would otherwise trigger repeated full collections that walk all of them (measured: about a
    sixth of a 20,000-row import). Reference counting still frees everything; collection resumes afterwards."""

    def __enter__(self):
        self.was = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc):
        if self.was:
            gc.enable()
        return False


CHECK_CHUNK = 1000  # rows checked, sent and written at a time
FORK_MIN_ROWS = 3000  # from this many rows the check runs in processes of its own beside the writing (core.forked)
CHECK_PROCESSES = 2  # with the parent writing: three processes, sized for two cores (the parent waits on the database)


@dataclass
class CheckedRow:
    row: int
    org_id: int
    values: dict


def _distinct_cells(rows, col: int) -> list:
    """The distinct cells of a column as sheets.cell reads them, in order of first appearance: the raw values
    (what python-calamine gives is hashable) gathered in one pass, each read once; any other row by row."""
    try:
        raw = dict.fromkeys([(c.__class__, c) for c in [cells[col] if col < len(cells) else None for _row_no, cells in rows]])
    except TypeError:
        return [sheets.cell(cells, col) for _row_no, cells in rows]
    return [sheets.cell([value], 0) for _cls, value in raw]


def _cell_key(value):
    try:
        hash(value)
    except TypeError:
        return ("repr", repr(value))
    return (value.__class__, value)


# From a file of about 5,000 rows the counter rows of the actor's orgs are read while the file is read, unless the
# actor may write to more orgs than AHEAD_MAX_ORGS; so are the orgs themselves when the file may hold at least
# ORGS_READ_AHEAD_ROWS rows per org (else only the orgs its cells name are read, after the file).
AHEAD_MIN_BYTES = 1 << 20
AHEAD_MAX_ORGS = 20000
ORGS_READ_AHEAD_ROWS = 4
# What a check process sends for a chunk's valid rows, as columns.
VALID_COLUMNS = ("row", "id_number", "org_id", "pk", "record", "digest", "counted", "values")


def _import_members(source, *, actor, partial, update, today, progress, action) -> Report:
    today = today or dt.date.today()
    report = Report()
    # The file is read in a thread (python-calamine releases the GIL while it parses); meanwhile this thread builds the
    # map of org paths and, for a big file, locks and reads the counter rows of the orgs the actor may write to, reads
    # those orgs, and reads every registered ID number — work it would otherwise do after the read.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="roster-read") as pool:
        reading = pool.submit(sheets.read_rows, source, sheets.MEMBER_COLUMNS)
        with transaction.atomic():
            loaded = known = None
            resolver = OrgResolver(actor)  # the map of every org's full path
            size = _size(source)
            if size >= AHEAD_MIN_BYTES:
                writable = list(scope(Org.objects.all(), actor, write=True).values_list("pk", flat=True)[: AHEAD_MAX_ORGS + 1])
                if len(writable) <= AHEAD_MAX_ORGS:
                    loaded = registry.counters().load_for_update(writable)
                    if len(writable) <= _rows_estimate(size) // ORGS_READ_AHEAD_ROWS:
                        resolver.read_ahead(writable)  # a file this big names most of them
            if size >= ID_SCAN_MIN_BYTES:
                known = _registered_numbers(size)
            rows = reading.result()
            sheet = _located(report, rows, sheets.MEMBER_COLUMNS, sheets.MEMBER_REQUIRED, _("党员信息"))
            if sheet is None:
                return report
            del reading, rows  # the cells are held by sheet.rows alone from here (freed early: see _import_sheet)
            return _import_sheet(
                report, sheet, actor=actor, partial=partial, update=update, today=today, progress=progress, action=action, loaded=loaded, known=known, resolver=resolver
            )


def _size(source) -> int:
    try:
        if isinstance(source, (str, bytes)) or hasattr(source, "__fspath__"):
            return os.path.getsize(source)
        return os.fstat(source.fileno()).st_size
    except (OSError, AttributeError, ValueError):
        try:
            return source.getbuffer().nbytes  # io.BytesIO
        except (AttributeError, ValueError):
            return 0


def _import_sheet(report, sheet, *, actor, partial, update, today, progress, action, loaded, known=None, resolver=None) -> Report:
    total = len(sheet.rows)
    report.rows = total
    progress("check", 0, total)
    heading = {k: sheet.headings.get(k, FIELD_LABELS.get(k, k)) for k in sheets.MEMBER_COLUMNS}
    # Every distinct org cell is answered here, with the database, before the rows are checked: the check may run in
    # a process of its own that has no database (a column repeats a few hundred org names).
    resolver = resolver or OrgResolver(actor)
    org_col = sheet.columns["org"]
    answers: dict = {}
    orgs: dict[int, Org] = {}
    cells = _distinct_cells(sheet.rows, org_col)
    resolver.prime(cells)
    for cell in cells:
        key = _cell_key(cell)
        if key not in answers:
            org, code, message = resolver.resolve(cell)
            if org is not None:
                orgs[org.pk] = org
            answers[key] = (org.pk if org else None, code, message)
    builder = member_services.MemberRows(orgs.values())
    min_age = membership_rules(on=today)["min_age_at_admission"]
    ids: list[int] = []

    def check(part, parts):
        return _check_rows(sheet, heading, answers, builder, ids, today=today, min_age=min_age, keep_values=update, part=part, parts=parts)

    report.valid_rows = 0
    update_rows: list[tuple[CheckedRow, int]] = []
    try:
        with transaction.atomic():
            writer = member_services.BulkMemberWriter(actor=actor, action=action, builder=builder, loaded=loaded)
            with writer:
                # an id for every row of the file, before the check: the check processes build each row complete
                # with its id and digest (a row not written leaves a gap)
                ids.extend(writer.reserve(total))
                done = 0
                seen: dict[str, int] = {}
                lookup = _Lookup(sheet, known)

                def meanwhile():
                    # while the first chunks are checked: lock and read the counters the import will change (unless
                    # read with the file), and look up the ID numbers of the first rows (the rest a block at a time as
                    # the chunks come, so the check processes never wait on a full pipe while one lookup of the whole
                    # file runs; nothing when every registered number was read with the file)
                    writer.prefetch(orgs)
                    lookup.cover(LOOKUP_BLOCK)

                chunks = forked.stream(check, parts=CHECK_PROCESSES, fork=total >= FORK_MIN_ROWS, meanwhile=meanwhile)
                counts: list[dict[int, dict[str, int]]] = []  # each check process's, added up by the counters
                left_out: list[tuple] = []  # counted by a check process but not written here
                for tag, *item in chunks:
                    if tag == "counts":
                        counts.append(item[0])
                        continue
                    lookup.cover(done + item[-1])  # the rows of this chunk: done … done + checked
                    pks, records, digests, counted, checked = _accept_chunk(
                        report, item, heading, seen=seen, lookup=lookup, update=update, update_rows=update_rows, left_out=left_out
                    )
                    report.valid_rows += len(pks)
                    # The rows go in while the next chunk is checked; one rejected row anywhere (all-or-nothing) and
                    # nothing more is written: the transaction is rolled back below.
                    if partial or not report.rejected:
                        writer.insert_columns(pks, records, digests, counted)
                    done += checked
                    progress("check", done, total)
                report.valid_rows += len(update_rows)
                if report.rejected and not partial:
                    transaction.set_rollback(True)
                    return report
                progress("write", 0, total)
                if left_out:
                    counts.append(_negated(registry.counters().count_rows(left_out, builder.sector_of)))
                # The batch's audit event is written while the counts are added up; so are the file's cells (a
                # million objects: 0.1 s) and the ID numbers seen freed, which nothing reads any more.
                report.created = writer.finish(*counts, meanwhile=lambda: (sheet.rows.clear(), seen.clear()))
            _write_updates(report, actor, update_rows, orgs, heading, today=today)
            if report.rejected and not partial:
                transaction.set_rollback(True)
                report.created = report.updated = 0
            report.accepted = report.created + report.updated
            if report.created >= 1000:
                transaction.on_commit(_refresh_planner_statistics)
    except IntegrityError:
        # Someone registered one of these ID numbers between the check and the write.
        report.accepted = report.created = report.updated = 0
        report.reject(None, "duplicate_existing", heading["id_number"], _("导入期间有相同公民身份号码的党员被登记，未导入任何数据，请重新导入"))
    progress("write", total, total)
    return report


def _accept_chunk(report, item, heading, *, seen, lookup, update, update_rows, left_out):
    """A checked chunk in the writing process: its rejections and warnings into the report, the ID numbers repeated
    from an earlier chunk and those already registered taken out (to update, or rejected); the rest as the columns to
    insert, with the number of rows checked."""
    rejected, warnings, columns, keys, checked = item
    row_nos, id_numbers, org_ids, pks, records, digests, counted, values = columns
    repeated = {}  # found here, across the chunks: each check process sees a part
    for row_no, key in keys:
        first = seen.setdefault(key, row_no)
        if first != row_no:
            repeated[row_no] = first
    for row_no, first in repeated.items():
        rejected.append({"row": row_no, "code": "duplicate_in_file", "column": heading["id_number"], "message": _("公民身份号码与第%(value)s行重复") % {"value": first}})
    if repeated:
        rejected.sort(key=lambda r: r["row"])  # as a check of the rows in order lists them
    report.rejected.extend(rejected)
    report.warnings.extend(warnings)
    existing = lookup.existing(id_numbers)
    if not repeated and existing.keys().isdisjoint(id_numbers):
        return pks, records, digests, counted, checked
    keep = []
    for i, (row_no, id_number) in enumerate(zip(row_nos, id_numbers, strict=True)):
        if row_no in repeated:
            left_out.append(counted[i])
        elif id_number in existing:
            left_out.append(counted[i])
            if update:
                update_rows.append((CheckedRow(row_no, org_ids[i], values[i]), existing[id_number][0]))
            else:
                report.reject(row_no, "duplicate_existing", heading["id_number"], _("该公民身份号码的党员已在系统中（如需更新请选择“更新已有党员”）"))
        else:
            keep.append(i)
    return (*([column[i] for i in keep] for column in (pks, records, digests, counted)), checked)


def _check_rows(sheet, heading, answers, builder, ids, *, today, min_age, keep_values, part=0, parts=1):
    """The check of the rows, a chunk at a time — the chunks part, part + parts, … of the file: (rejections,
    warnings, valid rows, ID numbers, rows checked): the valid rows as the VALID_COLUMNS (values only when kept), and
    every row's ID number as (Excel row, number) for the caller's check of repeats across chunks. Plain values, cheap
    to send from a check process. No database: the org cells come answered in `answers` (see _import_sheet)."""
    cols = sheet.columns
    # The cells of each row read once into the dict clean_member takes, as sheets.cell reads them (a blank string
    # as ""; a number typed into the ID or phone column as its digits).
    take = [(key, cols[key], key in ("id_number", "phone")) for key in MEMBER_FIELDS if key in cols]
    org_col, standing_col = cols["org"], cols.get("standing")
    build = builder.build
    # the counters' view of this part's valid rows, counted here rather than in the writing process, a chunk at a time
    # as it is made (so the counts are ready the moment the last chunk is)
    counts: dict[int, dict[str, int]] = {}
    memo: dict = {}
    tally = registry.counters().tally_rows
    for start in range(part * CHECK_CHUNK, len(sheet.rows), parts * CHECK_CHUNK):
        end = start + CHECK_CHUNK
        chunk = _check_chunk(sheet.rows[start:end], ids[start:end], heading, answers, build, take, org_col, standing_col, today=today, min_age=min_age, keep_values=keep_values)
        tally(chunk[2][6], builder.sector_of, counts, memo)
        yield ("rows", *chunk)
    yield ("counts", counts)


def _negated(counts: dict) -> dict[int, dict[str, int]]:
    return {org: {k: -v for k, v in c.items()} for org, c in counts.items()}


def _check_chunk(rows, ids, heading, answers, build, take, org_col, standing_col, *, today, min_age, keep_values):
    report = Report()
    valid: list[tuple] = []
    keys: list[tuple[int, str]] = []
    for (row_no, cells), pk in zip(rows, ids, strict=True):
        width = len(cells)
        data = {}
        for key, col, digits in take:
            value = cells[col] if col < width else None
            if value.__class__ is str:
                if not value.strip():
                    value = ""
            elif digits and value.__class__ is float and value.is_integer():
                value = str(int(value))
            data[key] = value
        # Plain rows (nearly all) are decided by the fast path; anything it cannot vouch for gets clean_member's
        # per-field messages.
        values = clean_member_fast(data, today=today, min_age=min_age)
        bad = False
        if values is None:
            try:
                values = clean_member(data, today=today)
            except ServiceError as exc:
                values = None
                for e in exc.errors:
                    report.reject(row_no, e.code, heading.get(e.field, e.field), e.message)
                bad = True
        org_cell = sheets.cell(cells, org_col)
        org_id, code, message = answers[_cell_key(org_cell)]
        if org_id is None:
            if not clean_text(org_cell):
                code, message = "required", _("所在党组织不能为空")
            report.reject(row_no, code, heading["org"], message)
            bad = True
        if standing_col is not None:
            standing = clean_name(sheets.cell(cells, standing_col))
            if standing not in ("", "正常", Standing.NORMAL):
                report.reject(row_no, "bad_value", heading["standing"], _("党籍状态“%(standing)s”：只能导入党籍正常的党员，其他状态请在系统中办理") % {"standing": standing})
                bad = True
        if values and values.get("id_number_old"):
            report.warn(row_no, "id_upgraded", heading["id_number"], _("15位旧号码%(id_number_old)s已按国家标准升为18位号码%(id_number)s，请核对") % {"id_number_old": values['id_number_old'], "id_number": values['id_number']})
        id_key = values["id_number"] if values else idcard.normalize(data.get("id_number"))
        if id_key:
            keys.append((row_no, id_key))
        if not bad:
            valid.append((row_no, values["id_number"], org_id, *build(values, org_id, pk), values if keep_values else None))
    columns = [list(c) for c in zip(*valid, strict=True)] if valid else [[] for _ in VALID_COLUMNS]
    return report.rejected, report.warnings, columns, keys, len(rows)


LOOKUP_BLOCK = 10 * CHECK_CHUNK  # rows whose ID numbers are looked up at a time


class _Lookup:
    """The registered members among the file's ID numbers, looked up a block of rows at a time, ahead of the chunks
    that need them (chunks come in row order): `asked` the numbers looked up, `registered` those found.

    With `known` (every registered ID number, read while the file was read: see _registered_numbers) nothing is
    looked up ahead: a chunk's numbers are checked against the set, and only those in it are read."""

    def __init__(self, sheet, known: frozenset[str] | None = None):
        self.sheet = sheet
        self.known = known
        self.asked: set[str] = set()
        self.registered: dict[str, tuple[int, int]] = {}
        self.looked = 0  # rows looked up: sheet.rows[:looked]

    def existing(self, id_numbers) -> dict[str, tuple[int, int]]:
        """{ID number: (member id, org id)} of these numbers (a checked chunk's) that are registered."""
        if self.known is not None:
            hits = self.known.intersection(id_numbers)
            return _registered(list(hits)) if hits else {}
        if self.asked.issuperset(id_numbers):
            return self.registered
        # numbers the check corrected (not what the cell held): looked up now
        return {**self.registered, **_registered([i for i in id_numbers if i not in self.asked])}

    def cover(self, end: int) -> None:
        """Look up the rows before `end` (a block at a time) if they are not yet."""
        if self.known is not None:
            return
        total = len(self.sheet.rows)
        while self.looked < min(end, total):
            stop = min(self.looked + LOOKUP_BLOCK, total)
            found = _id_candidates(self.sheet, self.looked, stop) - self.asked
            self.asked |= found
            self.registered.update(_registered(list(found)))
            self.looked = stop


def _id_candidates(sheet, start: int = 0, stop: int | None = None) -> set[str]:
    """The ID numbers of the rows [start, stop) as the check will read them, cheaply: a plain 18-character cell as it
    is, others normalized (an old 15-digit number as its 18-digit form)."""
    col = sheet.columns.get("id_number")
    out: set[str] = set()
    if col is None:
        return out
    for _row_no, cells in sheet.rows[start:stop]:
        value = cells[col] if col < len(cells) else None
        if value.__class__ is str and len(value) == 18 and value.isascii() and value[:17].isdigit():
            out.add(value)
            continue
        if value.__class__ is float and value.is_integer():
            value = str(int(value))
        text = idcard.normalize(value)
        if len(text) == 15 and text.isdigit():
            text = idcard.upgrade15(text)
        if text:
            out.add(text)
    return out


# A big file's import reads every registered ID number while the file is read (one scan of the unique index, with
# nothing else to do) instead of looking the file's numbers up as the chunks come (a query per block in the writing
# process, which the writing waits for): when the table holds at most ID_SCAN_RATIO times the rows the file may hold
# (estimated from its size, at ID_SCAN_BYTES_PER_ROW) and at most ID_SCAN_MAX_ROWS (the set's memory).
ID_SCAN_MIN_BYTES = AHEAD_MIN_BYTES
ID_SCAN_BYTES_PER_ROW = 80  # an xlsx roster row compresses to 85-100 bytes; .xls and CSV rows are bigger (more rows guessed)
ID_SCAN_RATIO = 8
ID_SCAN_MAX_ROWS = 2_000_000


def _rows_estimate(size: int) -> int:
    """The rows a file of `size` bytes may hold (at most: rows are ID_SCAN_BYTES_PER_ROW bytes or more)."""
    return size // ID_SCAN_BYTES_PER_ROW


def _registered_numbers(size: int) -> frozenset[str] | None:
    """Every registered ID number, if the members table is small enough beside a file of `size` bytes; else None."""
    from django.db import connection

    qn = connection.ops.quote_name
    table = qn(Member._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"SELECT MAX(id) FROM {table}")  # at least the rows there are (ids only grow): no count(*)
        top = cur.fetchone()[0] or 0
        if top > min(ID_SCAN_MAX_ROWS, ID_SCAN_RATIO * _rows_estimate(size)):
            return None
        cur.execute(f"SELECT id_number FROM {table}")
        return frozenset(r[0] for r in cur.fetchall())


def _registered(id_numbers: list[str]) -> dict[str, tuple[int, int]]:
    """{ID number: (member id, org id)} of the given numbers already registered: a plain query on the unique index
    per chunk (the ORM's IN list of thousands of parameters costs more to build than to run)."""
    from django.db import connection

    existing: dict[str, tuple[int, int]] = {}
    qn = connection.ops.quote_name
    table = qn(Member._meta.db_table)
    chunk = 50000 if connection.vendor == "postgresql" else 5000  # SQLite: at most 32,766 parameters
    with connection.cursor() as cur:
        for start in range(0, len(id_numbers), chunk):
            # asked of id_tail's unique index, the numbers reversed (the ID number has no index of its own)
            part = [i[::-1] for i in id_numbers[start : start + chunk]]
            if connection.vendor == "postgresql":
                cur.execute(f"SELECT id_number, id, org_id FROM {table} WHERE id_tail = ANY(%s)", [part])
            else:
                cur.execute(f"SELECT id_number, id, org_id FROM {table} WHERE id_tail IN ({', '.join(['%s'] * len(part))})", part)
            existing.update({i: (pk, oid) for i, pk, oid in cur.fetchall()})
    return existing


def _write_updates(report, actor, update_rows, orgs, heading, *, today):
    """Rows whose ID number is registered, with “update existing members” chosen: each through the member services."""
    for r, member_id in update_rows:
        try:
            with transaction.atomic():
                _update_member(report, actor, r, orgs[r.org_id], member_id, today=today)
            report.updated += 1
        except ServiceError as exc:
            for e in exc.errors:
                report.reject(r.row, e.code, heading.get(e.field, e.field), e.message)
        except NotFound:
            report.reject(r.row, "duplicate_existing", heading["id_number"], _("该公民身份号码的党员已在系统中，但不在您的管理范围内"))


def _refresh_planner_statistics():
    """After a big load SQLite needs fresh statistics or it picks poor plans (PostgreSQL's autovacuum does this itself)."""
    conn = transaction.get_connection()
    if conn.vendor == "sqlite":
        with conn.cursor() as cur:
            # the member table alone (the import changed nothing else of size), from a sample of each index as
            # `PRAGMA optimize` does, so the statistics keep pace with a 100,000-row load in a fraction of a second
            cur.execute("PRAGMA analysis_limit = 1000")
            cur.execute(f"ANALYZE {conn.ops.quote_name(Member._meta.db_table)}")
            cur.execute("PRAGMA analysis_limit = 0")


def _update_member(report, actor, r: CheckedRow, org: Org, member_id, *, today):
    member = Member.objects.select_related("org").get(pk=member_id)
    fields = {k: v for k, v in r.values.items() if k in UPDATE_FIELDS}
    if r.values.get("category") and r.values["category"] != member.category:
        report.warn(r.row, "category_unchanged", "人员类别", _("人员类别与系统中不同（%(category)s），未修改：请通过“转正”等操作办理") % {"category": member.get_category_display()})
    member_services.update_member(actor=actor, member_id=member_id, today=today, **fields)
    if org.pk != member.org_id:
        member_services.move_member(actor=actor, member_id=member_id, org_id=org.pk, on=today, reason="花名册导入：所在党组织变更")


# --- orgs ------------------------------------------------------------------------------------------------
KIND_WORDS = {
    "党委": OrgKind.COMMITTEE,
    "基层党委": OrgKind.COMMITTEE,
    "党的基层委员会": OrgKind.COMMITTEE,
    "委员会": OrgKind.COMMITTEE,
    "党工委": OrgKind.WORKING_COMMITTEE,
    "工委": OrgKind.WORKING_COMMITTEE,
    "机关工委": OrgKind.WORKING_COMMITTEE,
    "党总支": OrgKind.GENERAL_BRANCH,
    "党总支部": OrgKind.GENERAL_BRANCH,
    "总支": OrgKind.GENERAL_BRANCH,
    "党支部": OrgKind.BRANCH,
    "支部": OrgKind.BRANCH,
    "联合党支部": OrgKind.JOINT_BRANCH,
    "联合支部": OrgKind.JOINT_BRANCH,
    "党小组": OrgKind.GROUP,
}
SECTOR_WORDS = {
    "农村": Sector.RURAL,
    "社区": Sector.COMMUNITY,
    "城市社区": Sector.COMMUNITY,
    "街道社区": Sector.COMMUNITY,
    "机关": Sector.AGENCY,
    "党政机关": Sector.AGENCY,
    "事业单位": Sector.INSTITUTION,
    "国有企业": Sector.SOE,
    "国企": Sector.SOE,
    "非公有制企业": Sector.PRIVATE,
    "非公企业": Sector.PRIVATE,
    "非公有制经济组织": Sector.PRIVATE,
    "民营企业": Sector.PRIVATE,
    "社会组织": Sector.SOCIAL,
    "学校": Sector.SCHOOL,
    "高校": Sector.SCHOOL,
    "中小学": Sector.SCHOOL,
    "其他": Sector.OTHER,
}
for _v, _label in OrgKind.choices:
    KIND_WORDS.setdefault(str(_label), _v)
    KIND_WORDS[_v] = _v
for _v, _label in Sector.choices:
    SECTOR_WORDS.setdefault(str(_label), _v)
    SECTOR_WORDS[_v] = _v

ORG_FIELD_COLUMN = {"name": "name", "kind": "kind", "sector": "sector", "founded_on": "founded_on", "code": "code", "parent": "parent", "org": "parent"}


@dataclass
class OrgRow:
    row: int
    parent_ref: str
    values: dict
    parent_last: str = ""


def _split_ref(ref: str) -> list[str]:
    return [clean_name(p) for p in to_halfwidth(ref).replace("＼", "/").replace("\\", "/").split("/") if clean_name(p)]


def import_orgs(source, *, actor: Actor, partial: bool = False, update: bool = False, today: dt.date | None = None, progress: Progress = _noop) -> Report:
    today = today or dt.date.today()
    report = Report()
    sheet = _located(report, sheets.read_rows(source, sheets.ORG_COLUMNS), sheets.ORG_COLUMNS, sheets.ORG_REQUIRED, _("党组织信息"))
    if sheet is None:
        return report
    total = len(sheet.rows)
    report.rows = total
    heading = {k: sheet.headings.get(k, sheets.ORG_COLUMNS[k][0]) for k in sheets.ORG_COLUMNS}
    cols = sheet.columns
    pending: list[OrgRow] = []
    seen: dict[tuple, int] = {}
    rejected_names: set[str] = set()
    progress("check", 0, total)
    for row_no, cells in sheet.rows:
        bad = False
        values = {}
        name = clean_name(sheets.cell(cells, cols["name"]))
        if not name:
            report.reject(row_no, "required", heading["name"], _("党组织名称不能为空"))
            bad = True
        values["name"] = name
        kind_text = clean_name(sheets.cell(cells, cols["kind"]))
        if not kind_text:
            report.reject(row_no, "required", heading["kind"], _("党组织类别不能为空"))
            bad = True
        elif kind_text not in KIND_WORDS:
            report.reject(row_no, "bad_value", heading["kind"], _("党组织类别“%(kind_text)s”无法识别，应为党委、党工委、党总支、党支部、联合党支部或党小组") % {"kind_text": kind_text})
            bad = True
        else:
            values["kind"] = KIND_WORDS[kind_text]
        if "sector" in cols:
            sector_text = clean_name(sheets.cell(cells, cols["sector"]))
            if sector_text and sector_text not in SECTOR_WORDS:
                report.reject(row_no, "bad_value", heading["sector"], _("单位所属领域“%(sector_text)s”无法识别，应为农村、社区、机关、事业单位、国有企业、非公有制企业、社会组织、学校或其他") % {"sector_text": sector_text})
                bad = True
            else:
                values["sector"] = SECTOR_WORDS.get(sector_text, Sector.OTHER)
        if "founded_on" in cols:
            raw = sheets.cell(cells, cols["founded_on"])
            try:
                founded = parse_date(raw)
            except BadDate:
                report.reject(row_no, "bad_date", heading["founded_on"], _("成立日期“%(clean_text)s”不是有效日期，请写成 2019-07-01 的形式") % {"clean_text": clean_text(raw)})
                bad = True
            else:
                if founded and founded > today:
                    report.reject(row_no, "future_date", heading["founded_on"], _("成立日期不能晚于今天"))
                    bad = True
                values["founded_on"] = founded
        for key in ("code", "short_name", "unit_name"):
            if key in cols:
                values[key] = clean_text(_text_cell(sheets.cell(cells, cols[key])))
        parent_ref = clean_text(sheets.cell(cells, cols["parent"])) if "parent" in cols else ""
        parts = _split_ref(parent_ref)
        key = ("/".join(parts), name)
        if name and key in seen:
            report.reject(row_no, "duplicate_in_file", heading["name"], _("与第%(value)s行重复（同一上级下的同名党组织）") % {"value": seen[key]})
            bad = True
        elif name:
            seen[key] = row_no
        if not bad:
            pending.append(OrgRow(row_no, parent_ref, values, parts[-1] if parts else ""))
        elif name:
            rejected_names.add(name)
    # Parents are resolved while writing (a parent may be a row of this file); with errors already found the
    # write still runs, to report every row, and is rolled back.
    progress("write", 0, total)
    _write_orgs(report, actor, pending, heading, partial=partial, update=update, progress=progress, total=total, rejected_names=rejected_names)
    return report


@transaction.atomic
def _write_orgs(report, actor, pending: list[OrgRow], heading, *, partial, update, progress, total, rejected_names=frozenset()):
    """Create parents before children whatever the file's order: pass over the rows until none can be placed."""
    writable = scope(Org.objects.all(), actor, write=True)
    done = 0
    while pending:
        waiting_names = {r.values["name"] for r in pending}
        deferred: list[OrgRow] = []
        for r in pending:
            parent = None
            if r.parent_ref:
                try:
                    parent = resolve_org(r.parent_ref, qs=Org.objects.filter(abolished_on__isnull=True))
                except OrgAmbiguous as exc:
                    report.reject(r.row, "ambiguous_org", heading["parent"], str(exc))
                    continue
                except OrgLookupError:
                    if r.parent_last in waiting_names and r.parent_last != r.values["name"]:
                        deferred.append(r)
                    elif r.parent_last in rejected_names:
                        report.reject(r.row, "unknown_org", heading["parent"], _("上级党组织“%(parent_ref)s”所在行有错误，未能建立") % {"parent_ref": r.parent_ref})
                    else:
                        report.reject(r.row, "unknown_org", heading["parent"], _("找不到上级党组织“%(parent_ref)s”") % {"parent_ref": r.parent_ref})
                    continue
                if not writable.filter(pk=parent.pk).exists():
                    report.reject(r.row, "unknown_org", heading["parent"], _("上级党组织“%(parent_ref)s”不在您的管理范围内") % {"parent_ref": r.parent_ref})
                    continue
            existing = Org.objects.filter(parent=parent, name=r.values["name"], abolished_on__isnull=True).first()
            try:
                with transaction.atomic():
                    if existing is not None:
                        if not update:
                            report.reject(r.row, "duplicate_existing", heading["name"], _("党组织“%(name)s”已在系统中（同一上级下）") % {"name": r.values['name']})
                            continue
                        fields = {k: v for k, v in r.values.items() if k != "name" and v not in (None, "")}
                        org_services.update_org(actor=actor, org_id=existing.pk, **fields)
                        report.updated += 1
                    else:
                        fields = {k: v for k, v in r.values.items() if k not in ("name", "kind")}
                        org_services.create_org(actor=actor, parent_id=parent.pk if parent else None, name=r.values["name"], kind=r.values["kind"], **fields)
                        report.created += 1
            except ServiceError as exc:
                for e in exc.errors:
                    code = {"bad_parent": "bad_value", "abolished": "bad_value"}.get(e.code, e.code)
                    if e.code == "required" and e.field == "parent":
                        code = "unknown_org"
                    report.reject(r.row, code, heading.get(ORG_FIELD_COLUMN.get(e.field, e.field), e.field), e.message)
            done += 1
            if done % 200 == 0:
                progress("write", done, total)
        if len(deferred) == len(pending):
            for r in deferred:
                report.reject(r.row, "unknown_org", heading["parent"], _("找不到上级党组织“%(parent_ref)s”") % {"parent_ref": r.parent_ref})
            break
        pending = deferred
    if report.rejected and not partial:
        transaction.set_rollback(True)
        report.created = report.updated = 0
    report.accepted = report.created + report.updated
