"""Console pages (staff) — thin: parse with a form, call one selector or service, render."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from orgwork.core import gate, params
from orgwork.core.errors import NotFound, ServiceError
from orgwork.core.exports import XLSX_CONTENT_TYPE
from orgwork.core.pdf import PDF_CONTENT_TYPE
from orgwork.members import selectors as member_selectors
from orgwork.orgs.models import BRANCH_KINDS
from orgwork.orgs.selectors import path_names

from . import export, forms, imports, selectors, services
from . import ledgers as ledger_mod
from .models import Enrolment, Grade, Trainee

PAGE_SIZE = 50



def _with_paths(page):
    """Each object on the page gets `org_path` ("县委/甲镇党委/红旗村党支部"): one query for all ancestors."""
    paths = path_names([o.org for o in page])
    for o in page:
        o.org_path = paths.get(o.org_id, o.org.name)
    return page


def _coverage_args(request, actor):
    under = params.under(actor, request.GET)
    year, short, q = dt.date.today().year, False, ""
    data = request.GET.copy()
    if not data.get("year"):
        data["year"] = year
    form = forms.CoverageForm(data)
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        short = form.cleaned_data["short"]
        q = form.cleaned_data["q"]
    return under, form, year, short, q


@gate.staff
def coverage(request, actor):
    under, form, year, short, q = _coverage_args(request, actor)
    error = ""
    try:
        cov = selectors.coverage(actor, year=year, under=under)
    except ServiceError as exc:
        cov, error = None, exc.errors[0].message
    rows = []
    if cov is not None:
        rows = cov.short_rows if short else cov.rows
        if q:
            rows = [r for r in rows if q in r.name]
    return render(
        request, "training/coverage.html",
        {"form": form, "under": under, "year": year, "short": short, "cov": cov, "error": error, "page": params.paginate(request.GET, rows, size=PAGE_SIZE),
         "export_query": request.GET.urlencode(), "crumbs": [(_("学时达标情况"), "")]},
    )  # fmt: skip


@gate.staff
def coverage_export(request, actor):
    under, _form, year, short, _q = _coverage_args(request, actor)
    cov = selectors.coverage(actor, year=year, under=under)
    title = f"{under.name if under else '全部'}{year}年教育培训学时达标情况{'（未达标）' if short else ''}"
    f = export.coverage_file(cov, title=title, only_short=short)
    response = FileResponse(f, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(title + '.xlsx')}"
    return response


@gate.staff
def people(request, actor):
    form = forms.PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d["member"]:
                m = member_selectors.get_member(actor, d["member"])
                t = services.register_person(actor=actor, id_number=m.id_number, name=m.name, member_id=m.pk, role=d["role"], post=d["post"])
            else:
                t = services.register_person(actor=actor, id_number=d["id_number"], name=d["name"], org_id=d["org"], role=d["role"], post=d["post"])
        except ServiceError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("已登记"))
            return redirect("training:person", t.pk)
    filt = forms.PeopleFilterForm(request.GET or None)
    qs = selectors.trainees(actor).order_by("org__path", "name")
    if filt.is_valid():
        if filt.cleaned_data["q"]:
            qs = qs.filter(name__contains=filt.cleaned_data["q"])
        if filt.cleaned_data["role"]:
            qs = qs.filter(role=filt.cleaned_data["role"])
    page = params.paginate(request.GET, qs, size=PAGE_SIZE)
    return render(
        request, "training/people.html",
        {"form": form, "filter": filt, "page": _with_paths(page), "crumbs": [(_("参训人员"), "")]},
        status=400 if form.errors else 200,
    )  # fmt: skip


def _archive_page(request, actor, *, trainee: Trainee | None, member=None):
    year = params.year(request.GET, default=dt.date.today().year)
    number = trainee.id_number if trainee else member.id_number
    org = trainee.org if trainee else member.org
    try:
        data = selectors.archive(number, year=year)
    except ServiceError as exc:
        data = {"error": exc.errors[0].message}
    name = trainee.name if trainee else member.name
    return render(
        request, "training/archive.html",
        {"trainee": trainee, "member": member, "name": name, "org_path": path_names([org])[org.pk], "year": year, **data,
         "crumbs": [(_("学时达标情况"), reverse("training:coverage")), (name, "")]},
    )  # fmt: skip


@gate.staff
def person(request, actor, pk):
    return _archive_page(request, actor, trainee=selectors.get_trainee(actor, pk))


@gate.staff
def member_archive(request, actor, member_id):
    m = member_selectors.get_member(actor, member_id)
    t = Trainee.objects.filter(member=m).first()
    if t is not None:
        return redirect(reverse("training:person", args=[t.pk]) + (f"?{request.GET.urlencode()}" if request.GET else ""))
    return _archive_page(request, actor, trainee=None, member=m)


@gate.staff
def courses(request, actor):
    form = forms.CourseForm(request.POST or None, initial={"starts_on": dt.date.today()})
    if request.method == "POST" and form.is_valid():
        try:
            c = services.create_course(actor=actor, org_id=form.cleaned_data.pop("org"), **form.cleaned_data)
        except ServiceError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("已创建"))
            return redirect("training:course", c.pk)
    qs = selectors.courses(actor)
    year = params.year(request.GET)
    if year:
        qs = qs.filter(starts_on__year=year)
    page = params.paginate(request.GET, qs, size=PAGE_SIZE)
    return render(
        request, "training/courses.html",
        {"form": form, "page": _with_paths(page), "year": year, "crumbs": [(_("课程与培训班"), "")]},
        status=400 if form.errors else 200,
    )  # fmt: skip


@gate.staff
def course(request, actor, pk):
    c = selectors.get_course(actor, pk)
    pressed = forms.ActForm(request.POST) if request.method == "POST" else None
    act = pressed.choice("act", "") if pressed is not None else None
    upload = forms.UploadForm(request.POST if act == "import" else None, request.FILES or None)
    enrol = forms.EnrolForm(request.POST if act == "enrol" else None)
    problems, status = [], 200
    if request.method == "POST":
        try:
            if act == "import" and upload.is_valid():
                result = imports.import_attendance(actor=actor, course_id=c.pk, source=upload.cleaned_data["file"])
                messages.success(request, _("已导入%(n)s行：新记学时%(w)s人，已记过%(u)s人") % {"n": result.rows, "w": result.written, "u": result.unchanged})
                return redirect("training:course", c.pk)
            if act == "enrol" and enrol.is_valid():
                d = enrol.cleaned_data
                if d["member"]:
                    m = member_selectors.get_member(actor, d["member"])
                    services.enrol(actor=actor, course_id=c.pk, id_number=m.id_number, name=m.name)
                else:
                    services.enrol(actor=actor, course_id=c.pk, id_number=d["id_number"], name=d["name"], org_id=c.org_id)
                messages.success(request, _("已报名"))
                return redirect("training:course", c.pk)
            if act == "cancel":
                services.cancel_enrolment(actor=actor, enrolment_id=pressed.choice("enrolment") or "")
                messages.success(request, _("已取消报名"))
                return redirect("training:course", c.pk)
        except imports.ImportRejected as exc:
            problems, status = exc.result.problems, 400
        except ServiceError as exc:
            status = 400
            for e in exc.errors:
                messages.error(request, e.message)
        except NotFound:
            status = 400
            messages.error(request, _("报名记录不存在"))
    return render(
        request, "training/course.html",
        {"c": c, "upload": upload, "enrol": enrol, "problems": problems, "org_path": path_names([c.org])[c.org.pk],
         "enrolments": params.paginate(request.GET, selectors.enrolments(actor, c), size=PAGE_SIZE),
         "credit_page": params.paginate(request.GET, selectors.credits(actor).filter(course=c).order_by("trainee__name"), size=PAGE_SIZE, name="cpage"),
         "crumbs": [(_("课程与培训班"), reverse("training:courses")), (c.title, "")]},
        status=status,
    )  # fmt: skip


@gate.staff
def exams(request, actor):
    form = forms.ExamForm(request.POST or None, initial={"year": dt.date.today().year, "held_on": dt.date.today(), "full_marks": 100})
    if request.method == "POST" and form.is_valid():
        try:
            e = services.create_exam(actor=actor, org_id=form.cleaned_data.pop("org"), **form.cleaned_data)
        except ServiceError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("已创建"))
            return redirect("training:exam", e.pk)
    page = params.paginate(request.GET, selectors.exams(actor), size=PAGE_SIZE)
    return render(
        request, "training/exams.html",
        {"form": form, "page": _with_paths(page), "rules": selectors.grade_rule(dt.date.today()), "crumbs": [(_("考学"), "")]},
        status=400 if form.errors else 200,
    )  # fmt: skip


@gate.staff
def exam(request, actor, pk):
    e = selectors.get_exam(actor, pk)
    act = forms.ActForm(request.POST).choice("act", "") if request.method == "POST" else None
    upload = forms.UploadForm(request.POST if act == "import" else None, request.FILES or None)
    score = forms.ScoreForm(request.POST if act == "score" else None)
    problems, status = [], 200
    if request.method == "POST":
        try:
            if act == "import" and upload.is_valid():
                result = imports.import_scores(actor=actor, exam_id=e.pk, source=upload.cleaned_data["file"])
                messages.success(request, _("已导入%(n)s行，其中新增或变更%(w)s人") % {"n": result.rows, "w": result.written})
                return redirect("training:exam", e.pk)
            if act == "score" and score.is_valid():
                services.record_score(actor=actor, exam_id=e.pk, **score.cleaned_data)
                messages.success(request, _("已保存"))
                return redirect("training:exam", e.pk)
        except imports.ImportRejected as exc:
            problems, status = exc.result.problems, 400
        except ServiceError as exc:
            status = 400
            forms.apply_errors(score, exc)
    counts = selectors.grade_counts(e)
    return render(
        request, "training/exam.html",
        {"e": e, "upload": upload, "score": score, "problems": problems, "counts": [(label, counts[g]) for g, label in Grade.choices],
         "page": params.paginate(request.GET, selectors.exam_scores(actor, e), size=PAGE_SIZE), "crumbs": [(_("考学"), reverse("training:exams")), (e.title, "")]},
        status=status,
    )  # fmt: skip


@gate.staff
def rotation(request, actor):
    under = params.under(actor, request.GET)
    group = params.choice(request.GET, "group", label=_("类别"), choices=list(selectors.ROTATION_LABELS), default="village_cadre")
    data = selectors.rotation(actor, under=under)
    g = data["groups"].get(group)
    return render(
        request, "training/rotation.html",
        {"data": data, "under": under, "group": group, "g": g, "page": params.paginate(request.GET, g["missing"] if g else [], size=PAGE_SIZE), "crumbs": [(_("集中轮训"), "")]},
    )  # fmt: skip


def _ledger_org(request, actor):
    org = params.under(actor, request.GET)
    if org is not None and org.kind not in BRANCH_KINDS:
        raise params.ParamError("org", "not_branch", _("“%(name)s”不是党支部：台账按党支部打印") % {"name": org.name})
    return org


@gate.staff
def ledgers(request, actor):
    org = _ledger_org(request, actor)
    year = params.year(request.GET, default=dt.date.today().year)
    sections = []
    if org is not None:
        sections = [(kind, label, ledger_mod.build(actor, kind, org, year)) for kind, label in ledger_mod.KINDS.items()]
    return render(
        request, "training/ledgers.html",
        {"org": org, "org_path": path_names([org])[org.pk] if org else "", "year": year, "ledgers": sections, "crumbs": [(_("支部台账"), "")]},
    )  # fmt: skip


@gate.staff
def ledger_download(request, actor, kind, fmt):
    if kind not in ledger_mod.KINDS or fmt not in ("pdf", "xlsx"):
        raise NotFound()
    org = _ledger_org(request, actor)
    if org is None:
        raise params.ParamError("org", "required", _("请选择党支部"))
    year = params.year(request.GET, default=dt.date.today().year)
    ledger = ledger_mod.build(actor, kind, org, year)
    if fmt == "pdf":
        response = HttpResponse(ledger_mod.to_pdf(ledger), content_type=PDF_CONTENT_TYPE)
    else:
        buf = io.BytesIO()
        ledger_mod.to_xlsx(ledger, buf)
        response = HttpResponse(buf.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(ledger.title + '.' + fmt)}"
    return response


@gate.member
def me(request, actor):
    """The member's phone page: my hours this year against the requirement, my archive, electives to enrol in."""
    member = selectors.own_member(actor)
    if member is None:
        return render(request, "training/me.html", {"member": None})
    if request.method == "POST":
        try:
            services.enrol_self(actor=actor, course_id=forms.SelfEnrolForm(request.POST).values()["course"])
        except ServiceError as exc:
            for e in exc.errors:
                messages.error(request, e.message)
        except NotFound:
            messages.error(request, _("课程不存在"))
        else:
            messages.success(request, _("已报名"))
        return redirect("training:me")
    year = dt.date.today().year
    try:
        data = selectors.archive(member.id_number, year=year)
    except ServiceError as exc:
        data = {"error": exc.errors[0].message}
    mine = set(Enrolment.objects.filter(trainee__id_number=member.id_number, cancelled_at__isnull=True).values_list("course_id", flat=True))
    offers = params.paginate(request.GET, selectors.open_electives_for(member), size=20)
    credit_page = Paginator(data.get("credits", []), 20).get_page(params.integer(request.GET, "cpage", label=_("页码"), default=1, min_value=1, max_value=params.PAGE_MAX))
    return render(request, "training/me.html", {"member": member, "year": year, "offers": offers, "mine": mine, "credit_page": credit_page, **data})
