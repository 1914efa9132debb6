"""Excel imports: attendance of a class (学时) and exam scores (考学成绩). Real .xlsx/.xls/.ods read by python-calamine.

All or nothing: every row is checked first; one bad row and nothing is written, and the answer lists every
problem with its Excel row number, the column as headed in the file, a stable code and a Chinese message.
Importing the same sheet again changes nothing (attendance is credited with the reference course + ID number).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from orgwork.core import audit, idcard
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, ServiceError
from orgwork.core.normalize import BadDate, clean_name, parse_date, to_halfwidth

from . import services
from .models import CreditSource, Trainee

HEADER_SCAN_ROWS = 20
MAX_ROWS = 20000

COLUMNS = {
    "name": ("姓名", "学员姓名", "党员姓名"),
    "id_number": ("公民身份号码", "身份证号", "身份证号码", "居民身份证号码", "身份证"),
    "hours": ("学时", "学时数", "获得学时", "培训学时"),
    "score": ("成绩", "分数", "考试成绩", "得分"),
    "on": ("日期", "学习日期", "培训日期"),
}


@dataclass
class Problem:
    row: int
    column: str
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}

    def __str__(self) -> str:
        values = {"row": self.row, "column": self.column, "message": self.message}
        if self.row and self.column:
            return _("第%(row)s行“%(column)s”：%(message)s") % values
        if self.row:
            return _("第%(row)s行：%(message)s") % values
        if self.column:
            return _("文件“%(column)s”：%(message)s") % values
        return _("文件：%(message)s") % values


@dataclass
class Result:
    written: int = 0
    unchanged: int = 0
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {"ok": self.ok, "rows": self.rows, "written": self.written, "unchanged": self.unchanged, "problems": [p.as_dict() for p in self.problems]}


class ImportRejected(ServiceError):
    """The file had problems; nothing was written. `.result` lists them per row."""

    def __init__(self, result: Result):
        self.result = result
        first = result.problems[0]
        super().__init__([FieldError("file", first.code, _("%(n)s处问题，未导入任何数据。%(first)s") % {"n": len(result.problems), "first": first})])


def _key(text) -> str:
    t = clean_name(to_halfwidth(str(text or "")))
    return re.sub(r"\(.*?\)|（.*?）", "", t).strip("*＊:：")


def read_sheet(source) -> list[list]:
    try:
        if isinstance(source, (str, bytes)) or hasattr(source, "__fspath__"):
            wb = CalamineWorkbook.from_path(str(source))
        else:
            if hasattr(source, "seek"):
                source.seek(0)
            wb = CalamineWorkbook.from_filelike(source)
        return wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception:  # calamine raises its own error types for anything that is not a spreadsheet
        raise ServiceError.single("file", "bad_file", _("无法读取文件：请上传Excel文件（.xlsx/.xls）")) from None


def _locate(rows: list[list], wanted: tuple[str, ...], required: tuple[str, ...]):
    lookup = {_key(n): k for k in wanted for n in COLUMNS[k]}
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found, headings = {}, {}
        for col, c in enumerate(row):
            k = lookup.get(_key(c))
            if k and k not in found:
                found[k], headings[k] = col, str(c).strip()
        if all(k in found for k in required):
            body = [(i + 1, r) for i, r in enumerate(rows[index + 1 :], start=index + 1) if any(str(c).strip() for c in r if c is not None)]
            return found, headings, body
    names = "、".join(COLUMNS[k][0] for k in required)
    raise ServiceError.single("file", "missing_columns", _("没有找到表头：文件前%(HEADER_SCAN_ROWS)s行中应有“%(names)s”列") % {"HEADER_SCAN_ROWS": HEADER_SCAN_ROWS, "names": names})


def _cell(cells, col):
    if col is None or col >= len(cells):
        return None
    v = cells[col]
    return v.strip() if isinstance(v, str) else v


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        d = Decimal(str(to_halfwidth(str(value))).strip())
    except (InvalidOperation, ValueError):
        raise ValueError from None
    if not d.is_finite():
        raise ValueError
    return d.quantize(Decimal("0.1"))


@dataclass
class _Row:
    row: int
    name: str
    id_number: str
    value: Decimal | None
    on: dt.date | None = None


def _people_rows(rows, value_key: str, value_label: str, result: Result, *, value_required: bool, today: dt.date) -> list[_Row]:
    cols, headings, body = _locate(rows, ("name", "id_number", value_key, "on"), ("name", "id_number") + ((value_key,) if value_required else ()))
    if len(body) > MAX_ROWS:
        raise ServiceError.single("file", "too_many_rows", _("一次最多导入%(MAX_ROWS)s行，本文件有%(n)s行，请分批导入") % {"MAX_ROWS": MAX_ROWS, "n": len(body)})
    result.rows = len(body)
    seen: dict[str, int] = {}
    out = []
    h = {k: headings.get(k, COLUMNS[k][0]) for k in COLUMNS}
    for n, cells in body:
        bad = len(result.problems)
        name = clean_name(_cell(cells, cols["name"]))
        if not name:
            result.problems.append(Problem(n, h["name"], "required", _("姓名不能为空")))
        number = ""
        try:
            number = idcard.parse(_cell(cells, cols["id_number"]), today=today).value
        except idcard.IdNumberError as exc:
            result.problems.append(Problem(n, h["id_number"], exc.code, exc.message))
        if number and number in seen:
            result.problems.append(Problem(n, h["id_number"], "duplicate_in_file", _("与第%(value)s行的公民身份号码重复") % {"value": seen[number]}))
        elif number:
            seen[number] = n
        value = None
        raw = _cell(cells, cols.get(value_key))
        try:
            value = _decimal(raw)
        except ValueError:
            result.problems.append(Problem(n, h[value_key], "bad_value", _("%(value_label)s应为数字，而不是“%(raw)s”") % {"value_label": value_label, "raw": raw}))
        else:
            if value is None and value_required:
                result.problems.append(Problem(n, h[value_key], "required", _("%(value_label)s不能为空") % {"value_label": value_label}))
        on = None
        if "on" in cols:
            try:
                on = parse_date(_cell(cells, cols["on"]))
            except BadDate:
                result.problems.append(Problem(n, h["on"], "bad_date", _("日期格式不正确（例：2026-03-01）")))
            if on and on > today:
                result.problems.append(Problem(n, h["on"], "future_date", _("日期不能晚于今天")))
        if len(result.problems) == bad:
            out.append(_Row(n, name, number, value, on))
    return out


def _check_names(rows: list[_Row], result: Result, heading: str = "姓名") -> None:
    """A number already known under another name is a row problem (not silently merged)."""
    from orgwork.members.models import Member

    numbers = [r.id_number for r in rows]
    known = dict(Trainee.objects.filter(id_number__in=numbers).values_list("id_number", "name"))
    for number, name in Member.objects.filter(id_number__in=numbers).values_list("id_number", "name"):
        known.setdefault(number, name)
    for r in rows:
        if r.id_number in known and clean_name(known[r.id_number]) != r.name:
            result.problems.append(Problem(r.row, heading, "name_mismatch", _("该公民身份号码登记的姓名是“%(value)s”，与“%(name)s”不一致") % {"value": known[r.id_number], "name": r.name}))


def _service_problem(result: Result, row: int, exc: ServiceError) -> None:
    for e in exc.errors:
        result.problems.append(Problem(row, {"hours": "学时", "score": "成绩", "on": "日期", "name": "姓名", "id_number": "公民身份号码"}.get(e.field, ""), e.code, str(e.message)))


def import_attendance(*, actor: Actor, course_id, source, today: dt.date | None = None) -> Result:
    """Attendance of a class: 姓名, 公民身份号码, 学时 (empty = the course's hours), 日期 (empty = the course's last day)."""
    today = today or dt.date.today()
    course = services._course(actor, course_id, write=True)
    result = Result()
    rows = _people_rows(read_sheet(source), "hours", _("学时"), result, value_required=False, today=today)
    for r in rows:
        if r.value is not None and (r.value <= 0 or r.value > course.hours):
            result.problems.append(Problem(r.row, "学时", "bad_value", _("学时应大于0且不超过本班次的%(normalize)s学时") % {"normalize": format(course.hours.normalize(), 'f')}))
    _check_names(rows, result)
    if course.ends_on > today and not any(r.on for r in rows):
        result.problems.append(Problem(0, "", "future_date", _("班次结束日期%(ends_on)s晚于今天：请在“日期”列填写每人的学习日期") % {"ends_on": format(course.ends_on, '%Y-%m-%d')}))
    if result.problems:
        result.problems.sort(key=lambda p: p.row)
        raise ImportRejected(result)
    try:
        with transaction.atomic():
            for r in rows:
                ref = f"course:{course.pk}:{r.id_number}"
                before = services.Credit.objects.filter(source=CreditSource.ATTENDANCE, ref=ref).exists()
                try:
                    services.credit_hours(
                        actor, id_number=r.id_number, name=r.name, hours=r.value or course.hours, on=r.on or course.ends_on,
                        source=CreditSource.ATTENDANCE, ref=ref, org_id=course.org_id, course=course, today=today,
                    )  # fmt: skip
                except ServiceError as exc:
                    _service_problem(result, r.row, exc)
                    continue
                result.unchanged += before
                result.written += not before
            if result.problems:
                raise ImportRejected(result)
            audit.record(actor, "training.import.attendance", course, data={"rows": result.rows, "written": result.written})
    except ImportRejected:
        result.written = result.unchanged = 0
        raise
    return result


def import_scores(*, actor: Actor, exam_id, source, today: dt.date | None = None) -> Result:
    """Exam scores: 姓名, 公民身份号码, 成绩 — graded by the exam's rule version. A changed score is updated (audited)."""
    today = today or dt.date.today()
    exam = services._exam(actor, exam_id, write=True)
    result = Result()
    rows = _people_rows(read_sheet(source), "score", _("成绩"), result, value_required=True, today=today)
    for r in rows:
        if r.value < 0 or r.value > exam.full_marks:
            result.problems.append(Problem(r.row, "成绩", "bad_value", _("成绩应在0至%(normalize)s分之间") % {"normalize": format(exam.full_marks.normalize(), 'f')}))
    _check_names(rows, result)
    if result.problems:
        result.problems.sort(key=lambda p: p.row)
        raise ImportRejected(result)
    with transaction.atomic():
        for r in rows:
            t = services.person(actor, id_number=r.id_number, name=r.name, org_id=exam.org_id)
            before = services.ExamScore.objects.filter(exam=exam, trainee=t).values_list("score", flat=True).first()
            services._write_score(actor, exam, t, r.value)
            result.unchanged += before == r.value
            result.written += before != r.value
        audit.record(actor, "training.import.scores", exam, data={"rows": result.rows, "written": result.written})
    return result


def import_online(*, actor: Actor, platform: str, records: list[dict], org_id=None, today: dt.date | None = None) -> Result:
    """Online study (网络学习) reported by a platform: each record {id_number, name, hours, on, ref}. All or nothing;
    idempotent on (platform, ref), so a platform may send the same day's records again."""
    today = today or dt.date.today()
    platform = clean_name(platform)[:30]
    if not platform:
        raise ServiceError.single("platform", "required", _("请填写学习平台名称"))
    result = Result(rows=len(records))
    with transaction.atomic():
        sid = transaction.savepoint()
        for i, rec in enumerate(records, start=1):
            ref = str(rec.get("ref") or "").strip()
            try:
                existed = services.Credit.objects.filter(source=f"online:{platform}", ref=ref).exists() if ref else False
                services.credit_hours(
                    actor, id_number=rec.get("id_number"), name=rec.get("name"), hours=rec.get("hours"), on=rec.get("on"),
                    source=f"{CreditSource.ONLINE}:{platform}", ref=ref, org_id=org_id, today=today,
                )  # fmt: skip
            except ServiceError as exc:
                _service_problem(result, i, exc)
                continue
            result.unchanged += existed
            result.written += not existed
        if result.problems:
            transaction.savepoint_rollback(sid)
            result.written = result.unchanged = 0
            raise ImportRejected(result)
        transaction.savepoint_commit(sid)
    return result
