"""Every write of the training app: keyword-only arguments, one transaction, an audit event each.

People are keyed by the normalized 18-digit resident ID number plus the name (`person()`): the same number with
another name is refused (`name_mismatch`) rather than silently merged. A party member is linked by the number.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from orgwork.core import audit, idcard
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, ServiceError
from orgwork.core.normalize import clean_name, clean_text
from orgwork.core.params import writable_org
from orgwork.core.rules import rule
from orgwork.core.scope import scope
from orgwork.members.models import Member

from .models import Course, CourseKind, Credit, CreditSource, Enrolment, Exam, ExamScore, Trainee, TraineeRole
from .rules import EXAM_GRADES, grade_for, grade_rules, requirement_rules

MAX_HOURS = Decimal("999.9")


# --- people -----------------------------------------------------------------------------------------


def normalized_id(raw, *, field: str = "id_number") -> str:
    """The 18-digit number (a 15-digit old one upgraded), or a field error id_format / id_checksum."""
    try:
        return idcard.parse(raw).value
    except idcard.IdNumberError as exc:
        raise ServiceError.single(field, exc.code, exc.message) from None


def _member_by_id(id_number: str) -> Member | None:
    return Member.objects.select_related("org").filter(id_number=id_number).first()


def person(actor: Actor, *, id_number, name, org_id=None, member=None, role: str | None = None, post: str = "", create: bool = True) -> Trainee:
    """The Trainee for a number and name, created when absent (a member's org, else `org_id`, which the actor must write)."""
    number = normalized_id(id_number)
    name = clean_name(name)
    if not name:
        raise ServiceError.single("name", "required", _("请填写姓名"))
    t = Trainee.objects.select_related("org", "member").filter(id_number=number).first()
    if t is not None:
        if clean_name(t.name) != name:
            raise ServiceError.single("name", "name_mismatch", _("公民身份号码%(idcard_tail)s登记的姓名是“%(name)s”，与“%(name2)s”不一致") % {"idcard_tail": idcard_tail(number), "name": t.name, "name2": name})
        return t
    if not create:
        raise ServiceError.single("id_number", "unknown_person", _("%(name)s（%(idcard_tail)s）不在培训人员名册中") % {"name": name, "idcard_tail": idcard_tail(number)})
    m = member if member is not None else _member_by_id(number)
    if m is not None and m.id_number != number:
        raise ServiceError.single("member", "bad_value", _("所选党员与公民身份号码不符"))
    if m is not None and clean_name(m.name) != name:
        raise ServiceError.single("name", "name_mismatch", _("公民身份号码%(idcard_tail)s的党员姓名是“%(name)s”，与“%(name2)s”不一致") % {"idcard_tail": idcard_tail(number), "name": m.name, "name2": name})
    if m is not None:
        org = m.org
    elif org_id is not None:
        org = writable_org(actor, org_id)
    else:
        raise ServiceError.single("org", "required", _("%(name)s不是系统中的党员，请选择其所在党组织") % {"name": name})
    if role and role not in TraineeRole.values:
        raise ServiceError.single("role", "bad_value", _("请选择培训类别"))
    try:
        with transaction.atomic():
            t = Trainee.objects.create(id_number=number, name=name, member=m, org=org, role=role or (TraineeRole.MEMBER if m else TraineeRole.OTHER), post=clean_text(post)[:100])
    except IntegrityError:  # created meanwhile by another request
        return person(actor, id_number=number, name=name, org_id=org_id, member=member, role=role, create=False)
    audit.record(actor, "training.person", t, changes=audit.diff({}, {"name": t.name, "org": org.pk, "member": t.member_id, "role": t.role}))
    return t


def idcard_tail(number: str) -> str:
    return f"尾号{number[-4:]}"


@transaction.atomic
def register_person(*, actor: Actor, id_number, name, org_id=None, member_id=None, role: str, post: str = "") -> Trainee:
    """Register (or re-classify) a person in training — a cadre who is not a member needs the org responsible for them."""
    if role not in TraineeRole.values:
        raise ServiceError.single("role", "bad_value", _("请选择培训类别"))
    member = None
    if member_id is not None:
        member = scope(Member.objects.select_related("org"), actor, write=True).filter(pk=member_id).first()
        if member is None:
            raise ServiceError.single("member", "unknown_member", _("党员不存在或不在您的管理范围内"))
    t = person(actor, id_number=id_number, name=name, org_id=org_id, member=member, role=role, post=post)
    if scope(Trainee.objects.filter(pk=t.pk), actor, write=True).first() is None:
        raise NotFound()
    if t.role != role or (post and t.post != post):
        before = audit.snapshot(t, ("role", "post"))
        t.role, t.post = role, clean_text(post)[:100] or t.post
        t.save(update_fields=["role", "post", "updated_at"])
        audit.record(actor, "training.person.update", t, changes=audit.diff(before, audit.snapshot(t, ("role", "post"))))
    return t


# --- hours ------------------------------------------------------------------------------------------


def _hours(value, *, field: str = "hours", label: str = "学时", allow_negative: bool = False) -> Decimal:
    try:
        h = Decimal(str(value).strip()).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError, TypeError):
        raise ServiceError.single(field, "bad_value", _("%(label)s应为数字") % {"label": label}) from None
    if not h.is_finite() or abs(h) > MAX_HOURS:
        raise ServiceError.single(field, "bad_value", _("%(label)s应为不超过%(MAX_HOURS)s的数字") % {"label": label, "MAX_HOURS": MAX_HOURS})
    if h <= 0 and not allow_negative:
        raise ServiceError.single(field, "bad_value", _("%(label)s应大于0") % {"label": label})
    return h


def _check_day(on, *, field: str = "on", label: str = "日期", today: dt.date | None = None) -> dt.date:
    if not isinstance(on, dt.date):
        raise ServiceError.single(field, "required", _("请填写%(label)s") % {"label": label})
    if on > (today or dt.date.today()):
        raise ServiceError.single(field, "future_date", _("%(label)s不能晚于今天") % {"label": label})
    return on


@transaction.atomic
def credit_hours(actor: Actor, *, id_number: str, name: str, hours, on: dt.date, source: str, ref: str, member=None, org_id=None, course: Course | None = None, note: str = "", today: dt.date | None = None) -> Credit:
    """Credit hours to a person — idempotent on (source, ref): the same fact credited again returns the first row.

    `source` is a short code (attendance, online, remote, manual — a platform may add ":name", e.g. "online:学习强国");
    `ref` identifies the fact in that source (a session id, a sheet row). Other apps (remote education) call this.
    """
    source = clean_text(source)
    ref = clean_text(ref)
    if not source or len(source) > 40 or source.split(":", 1)[0] not in CreditSource.values:
        raise ServiceError.single("source", "bad_value", _("学时来源不正确"))
    if not ref:
        raise ServiceError.single("ref", "required", _("请填写来源编号"))
    if len(ref) > 120:
        raise ServiceError.single("ref", "too_long", _("来源编号不能超过120个字符"))
    existing = Credit.objects.select_related("trainee").filter(source=source, ref=ref).first()
    number = normalized_id(id_number)
    if existing is not None:
        if existing.trainee.id_number != number:
            raise ServiceError.single("ref", "ref_conflict", _("来源编号%(ref)s已记给另一人") % {"ref": ref})
        return existing
    h = _hours(hours, allow_negative=source == CreditSource.CORRECTION)
    on = _check_day(on, today=today)
    limit = Decimal(requirement_rules(on, field="on")["max_hours_per_record"])
    if h > limit:
        raise ServiceError.single("hours", "too_many_hours", _("一条学时记录不能超过%(limit)s学时") % {"limit": limit})
    t = person(actor, id_number=number, name=name, member=member, org_id=org_id)
    try:
        with transaction.atomic():
            c = Credit.objects.create(
                trainee=t, course=course, hours=h, on=on, source=source, ref=ref, note=clean_text(note)[:200],
                recorded_by_id=actor.user_id, recorded_by_label=actor.label,
            )  # fmt: skip
    except IntegrityError:  # the same (source, ref) credited concurrently
        c = Credit.objects.get(source=source, ref=ref)
        return c
    audit.record(actor, "training.credit", c, changes={"hours": [None, str(h)], "on": [None, on.isoformat()]}, data={"source": source, "ref": ref, "trainee": t.pk})
    return c


@transaction.atomic
def correct_credit(*, actor: Actor, credit_id: int, reason: str, today: dt.date | None = None) -> Credit:
    """Take back a credit entered by mistake: a new row with the opposite hours (the original stays)."""
    original = scope(Credit.objects.select_related("trainee", "trainee__org"), actor, write=True).filter(pk=credit_id).first()
    if original is None:
        raise NotFound()
    reason = clean_text(reason)
    if not reason:
        raise ServiceError.single("reason", "required", _("请填写更正原因"))
    if original.source == CreditSource.CORRECTION:
        raise ServiceError.single("credit", "bad_value", _("更正记录不能再更正"))
    if Credit.objects.filter(source=CreditSource.CORRECTION, ref=f"credit:{original.pk}").exists():
        raise ServiceError.single("credit", "already_corrected", _("该记录已更正"))
    c = Credit.objects.create(
        trainee=original.trainee, course=original.course, hours=-original.hours, on=original.on, source=CreditSource.CORRECTION,
        ref=f"credit:{original.pk}", note=reason[:200], recorded_by_id=actor.user_id, recorded_by_label=actor.label,
    )  # fmt: skip
    audit.record(actor, "training.credit.correct", c, changes={"hours": [None, str(c.hours)]}, data={"corrects": original.pk, "reason": reason})
    return c


# --- courses and enrolment --------------------------------------------------------------------------


@transaction.atomic
def create_course(*, actor: Actor, org_id, title: str, kind: str, hours, starts_on: dt.date, ends_on: dt.date | None = None, seats: int | None = None, closed_on: dt.date | None = None, note: str = "") -> Course:
    org = writable_org(actor, org_id)
    errors: list[FieldError] = []
    title = clean_text(title)
    if not title:
        errors.append(FieldError("title", "required", _("请填写课程/班次名称")))
    elif len(title) > 120:
        errors.append(FieldError("title", "too_long", _("课程/班次名称不能超过120个字")))
    if kind not in CourseKind.values:
        errors.append(FieldError("kind", "bad_value", _("请选择课程类型")))
    try:
        h = _hours(hours)
    except ServiceError as exc:
        errors.extend(exc.errors)
        h = None
    if not isinstance(starts_on, dt.date):
        errors.append(FieldError("starts_on", "required", _("请填写开始日期")))
    ends_on = ends_on or starts_on
    if isinstance(starts_on, dt.date) and ends_on < starts_on:
        errors.append(FieldError("ends_on", "date_order", _("结束日期不能早于开始日期")))
    if seats is not None and not 1 <= seats <= 100000:
        errors.append(FieldError("seats", "bad_value", _("名额应为1至100000之间的整数")))
    if kind == CourseKind.ELECTIVE and seats is None:
        errors.append(FieldError("seats", "required", _("自主选学课程请填写名额")))
    if errors:
        raise ServiceError(errors)
    c = Course.objects.create(org=org, title=title, kind=kind, hours=h, starts_on=starts_on, ends_on=ends_on, seats=seats, closed_on=closed_on, note=clean_text(note)[:500])
    audit.record(actor, "training.course", c, changes=audit.diff({}, {"title": title, "kind": kind, "hours": str(h), "seats": seats}))
    return c


def _course(actor: Actor, course_id, *, write: bool = False) -> Course:
    c = scope(Course.objects.select_related("org"), actor, write=write).filter(pk=course_id).first() if str(course_id).isdigit() else None
    if c is None:
        raise NotFound()
    return c


def _take_seat(actor: Actor, course: Course, t: Trainee, today: dt.date) -> Enrolment:
    """The seat rules, shared by staff enrolment and a member's own: open, not twice, not past the seats."""
    if course.kind != CourseKind.ELECTIVE:
        raise ServiceError.single("course", "not_elective", _("“%(title)s”不是自主选学课程") % {"title": course.title})
    if (course.closed_on and today > course.closed_on) or today > course.ends_on:
        raise ServiceError.single("course", "enrolment_closed", _("“%(title)s”报名已截止") % {"title": course.title})
    if Enrolment.objects.filter(course=course, trainee=t, cancelled_at__isnull=True).exists():
        raise ServiceError.single("course", "already_enrolled", _("%(name)s已报名“%(title)s”") % {"name": t.name, "title": course.title})
    if course.seats is not None and course.enrolled >= course.seats:
        raise ServiceError.single("course", "course_full", _("“%(title)s”名额已满（共%(seats)s个），不能再报名") % {"title": course.title, "seats": course.seats})
    e = Enrolment.objects.create(course=course, trainee=t)
    Course.objects.filter(pk=course.pk).update(enrolled=F("enrolled") + 1)
    audit.record(actor, "training.enrol", e, data={"course": course.pk, "trainee": t.pk})
    return e


@transaction.atomic
def enrol(*, actor: Actor, course_id, id_number, name, org_id=None, today: dt.date | None = None) -> Enrolment:
    """自主选学: take a seat in an elective course. A full course answers `course_full`; twice is `already_enrolled`."""
    today = today or dt.date.today()
    course = Course.objects.select_for_update().select_related("org").get(pk=_course(actor, course_id).pk)
    t = person(actor, id_number=id_number, name=name, org_id=org_id)
    return _take_seat(actor, course, t, today)


@transaction.atomic
def enrol_self(*, actor: Actor, course_id, today: dt.date | None = None) -> Enrolment:
    """A member takes a seat for themself (phone page): electives offered by their own organization or one above it."""
    today = today or dt.date.today()
    m = Member.objects.select_related("org").filter(pk__in=actor.self_member_ids).order_by("pk").first()
    course = Course.objects.select_for_update().select_related("org").filter(pk=course_id).first() if str(course_id).isdigit() else None
    if m is None or course is None or not m.org.path.startswith(course.org.path):
        raise NotFound()
    t = person(actor, id_number=m.id_number, name=m.name, member=m)
    return _take_seat(actor, course, t, today)


@transaction.atomic
def cancel_enrolment(*, actor: Actor, enrolment_id) -> Enrolment:
    e = scope(Enrolment.objects.select_related("trainee__org", "course"), actor, write=True).filter(pk=enrolment_id).first() if str(enrolment_id).isdigit() else None
    if e is None:
        raise NotFound()
    if e.cancelled_at is not None:
        raise ServiceError.single("enrolment", "already_cancelled", _("该报名已取消"))
    Course.objects.select_for_update().filter(pk=e.course_id).first()
    e.cancelled_at = timezone.now()
    e.save(update_fields=["cancelled_at"])
    Course.objects.filter(pk=e.course_id, enrolled__gt=0).update(enrolled=F("enrolled") - 1)
    audit.record(actor, "training.enrol.cancel", e, data={"course": e.course_id})
    return e


# --- exams ------------------------------------------------------------------------------------------


@transaction.atomic
def create_exam(*, actor: Actor, org_id, title: str, year: int, held_on: dt.date, full_marks=100, today: dt.date | None = None) -> Exam:
    org = writable_org(actor, org_id)
    errors: list[FieldError] = []
    title = clean_text(title)
    if not title:
        errors.append(FieldError("title", "required", _("请填写考学名称")))
    elif len(title) > 120:
        errors.append(FieldError("title", "too_long", _("考学名称不能超过120个字")))
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors.append(FieldError("year", "bad_value", _("考学年度应为2000至2100之间的年份")))
    try:
        full = _hours(full_marks, field="full_marks", label=_("满分"))
    except ServiceError as exc:
        errors.extend(exc.errors)
        full = None
    if not isinstance(held_on, dt.date):
        errors.append(FieldError("held_on", "required", _("请填写考试日期")))
    if errors:
        raise ServiceError(errors)
    rules = grade_rules(held_on)
    e = Exam.objects.create(org=org, title=title, year=year, held_on=held_on, full_marks=full, rule_version=rules.version)
    audit.record(actor, "training.exam", e, changes=audit.diff({}, {"title": title, "year": year, "held_on": held_on.isoformat(), "full_marks": str(full)}), data={"rule_version": rules.version})
    return e


def _exam(actor: Actor, exam_id, *, write: bool = False) -> Exam:
    e = scope(Exam.objects.select_related("org"), actor, write=write).filter(pk=exam_id).first() if str(exam_id).isdigit() else None
    if e is None:
        raise NotFound()
    return e


def _score(value, exam: Exam, *, field: str = "score") -> Decimal:
    try:
        s = Decimal(str(value).strip()).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError, TypeError):
        raise ServiceError.single(field, "bad_value", _("成绩应为数字")) from None
    if not s.is_finite() or s < 0 or s > exam.full_marks:
        raise ServiceError.single(field, "bad_value", _("成绩应在0至%(normalize)s分之间") % {"normalize": format(exam.full_marks.normalize(), 'f')})
    return s


def _write_score(actor: Actor, exam: Exam, t: Trainee, score: Decimal) -> ExamScore:
    rules = rule(EXAM_GRADES, version=exam.rule_version)  # the exam keeps the version it was graded under
    grade = grade_for(score, exam.full_marks, rules)
    row = ExamScore.objects.select_for_update().filter(exam=exam, trainee=t).first()
    if row is None:
        row = ExamScore.objects.create(exam=exam, trainee=t, score=score, grade=grade, rule_version=rules.version, recorded_by_label=actor.label)
        audit.record(actor, "training.score", row, changes={"score": [None, str(score)], "grade": [None, grade]}, data={"exam": exam.pk})
    elif row.score != score:
        before = audit.snapshot(row, ("score", "grade"))
        row.score, row.grade, row.recorded_by_label = score, grade, actor.label
        row.save(update_fields=["score", "grade", "recorded_by_label", "updated_at"])
        audit.record(actor, "training.score.update", row, changes=audit.diff(before, audit.snapshot(row, ("score", "grade"))), data={"exam": exam.pk})
    return row


@transaction.atomic
def record_score(*, actor: Actor, exam_id, id_number, name, score, org_id=None) -> ExamScore:
    """One person's exam score, graded by the exam's rule version (优秀/良好/一般/较差)."""
    exam = _exam(actor, exam_id, write=True)
    s = _score(score, exam)
    t = person(actor, id_number=id_number, name=name, org_id=org_id or exam.org_id)
    return _write_score(actor, exam, t, s)
