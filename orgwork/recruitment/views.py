"""Console pages of the development pipeline: thin — parse, call a selector or a service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from orgwork.core import gate, params
from orgwork.core import procedures as proc
from orgwork.core.errors import FieldError, PermissionDenied, ServiceError
from orgwork.core.forms import FormInvalid
from orgwork.core.models import Attachment, Notice
from orgwork.core.scope import get_in_scope

from . import documents, forms, selectors, services
from .rules import KIND, STAGE_SHORT, VARIANT


@gate.staff
def applicant_list(request, actor):
    under = params.under(actor, request.GET)
    stage = params.choice(request.GET, "stage", label=_("阶段"), choices=list(STAGE_SHORT))
    status = params.choice(request.GET, "status", label=_("状态"), choices=list(selectors.STATUS_FILTERS), default="open")
    q = params.text(request.GET, "q", label=_("查找"), max_length=100)
    page = params.paginate(request.GET, selectors.search(actor, stage=stage, status=status, under=under, q=q))
    rows = list(page.object_list)
    defs = {}
    for a in rows:
        inst = a.procedure
        if inst.rule_version not in defs:
            defs[inst.rule_version] = proc.definition(KIND, version=inst.rule_version)
        d = defs[inst.rule_version]
        a.step_title = d.step(inst.step).title if inst.step else ""
        a.step_number = d.number(inst.step) if inst.step else None
    today = dt.date.today()
    return render(
        request,
        "recruitment/list.html",
        {
            "rows": rows,
            "page": page,
            "stages": selectors.stage_counts(actor, under=under),
            "stage": stage,
            "status": status,
            "statuses": [("open", _("办理中")), ("paused", _("已暂停")), ("completed", _("已办结")), ("terminated", _("已终止")), ("all", _("全部"))],
            "q": q,
            "under": under,
            "today": today,
            "due": params.paginate(request.GET, selectors.due(actor, under=under), name="dpage"),
            "crumbs": [(_("发展党员"), None)],
        },
    )


@gate.staff
def applicant_new(request, actor):
    errors = []
    form = forms.ApplicationForm(request.POST or None)
    if request.method == "POST":
        try:
            d = form.values()
            applicant = services.start_application(
                actor=actor, org_id=d["org"], applied_on=d["applied_on"], documents={"入党申请书": d["doc_application"]}, files={"入党申请书": request.FILES.getlist("file_application")},
                responsible=d["responsible"], comment=d["comment"], **form.person(services.PERSON_FIELDS),
            )  # fmt: skip
        except ServiceError as exc:
            errors = exc.errors
        except PermissionDenied:
            errors = [FieldError("org", "permission_denied", _("您没有为该党支部登记入党申请的权限"))]
        else:
            messages.success(request, _("已登记%(name)s的入党申请") % {"name": applicant.name})
            return redirect("recruitment:detail", applicant.pk)
    return render(request, "recruitment/new.html", {"errors": errors, "values": form.data, "crumbs": [(_("发展党员"), reverse("recruitment:list")), (_("登记入党申请"), None)]})


def _file_context(actor, applicant, **extra):
    ctx = selectors.file_view(applicant)
    inst = ctx["instance"]
    current = ctx["current"]
    ctx.update(
        applicant=applicant,
        can_act=current is not None and proc.may_act(actor, inst.org, current.role),
        can_branch=proc.may_act(actor, inst.org, "branch"),
        stage_short=STAGE_SHORT,
        variant=inst.rule_version == VARIANT,
        returnable=[sv for sv in ctx["steps"] if sv.record and current and sv.number < ctx["definition"].number(current.key)],
        entry_step=next((sv.step for sv in ctx["steps"] if sv.step.entry_fields is not None and sv.step.stage == inst.stage and sv.record is None), None),
        role_labels=proc.ROLE_LABELS,
        crumbs=[(_("发展党员"), reverse("recruitment:list")), (applicant.name, None)],
        thought_reports=list(selectors.thought_reports(actor, applicant)),
        errors=[],
        values={},
        # the step form's inputs that show their own errors beside them (the rest stay in the list at the top)
        placed=",".join(["done_on", "notice_start", "notice_end", "documents", *(f.name for f in (current.fields if current else ()))]),
    )
    ctx.update(extra)
    return ctx


@gate.staff
def applicant_detail(request, actor, pk):
    applicant = selectors.get_applicant(actor, pk)
    return render(request, "recruitment/detail.html", _file_context(actor, applicant))


@gate.staff
def complete(request, actor, pk):
    applicant = selectors.get_applicant(actor, pk)
    if request.method != "POST":
        return redirect("recruitment:detail", pk)
    form = forms.CompleteForm(request.POST)
    try:
        d = form.values()
        files = form.files_by_label(request.FILES)
        services.complete_step(
            actor=actor, applicant_id=applicant.pk, step=d["step"], done_on=d["done_on"], data=d["f"], comment=d["comment"], responsible=d["responsible"],
            documents=form.documents(), files=files,
        )  # fmt: skip
    except ServiceError as exc:
        applicant = selectors.get_applicant(actor, pk)
        return render(request, "recruitment/detail.html", _file_context(actor, applicant, errors=exc.errors, values=form.data), status=400)
    messages.success(request, _("已办理"))
    return redirect("recruitment:detail", pk)


@gate.staff
def act(request, actor, pk):
    """Entries, returns, pauses, terminations, extensions: one small form each on the file page."""
    applicant = selectors.get_applicant(actor, pk)
    if request.method != "POST":
        return redirect("recruitment:detail", pk)
    form = forms.ActForm(request.POST)
    try:
        d = form.values()
        what, reason, on = d["action"], d["reason"], d["on"]
        if what == "entry":
            services.add_assessment(actor=actor, applicant_id=pk, done_on=on, result=d["result"], responsible=d["responsible"])
        elif what == "return":
            services.return_step(actor=actor, applicant_id=pk, to_step=d["to_step"], reason=reason, on=on)
        elif what == "pause":
            services.pause(actor=actor, applicant_id=pk, reason=reason, on=on)
        elif what == "resume":
            services.resume(actor=actor, applicant_id=pk, reason=reason, on=on)
        elif what == "terminate":
            services.terminate(actor=actor, applicant_id=pk, reason=reason, on=on)
        elif what == "archive":
            services.archive(actor=actor, applicant_id=pk, on=on)
        elif what == "extend_due":
            services.extend_due(actor=actor, applicant_id=pk, until=d["until"], reason=reason)
        elif what == "extend_probation":
            services.extend_probation(actor=actor, applicant_id=pk, months=d["months"], reason=reason, decided_on=on)
        elif what == "objection":
            proc.record_objection(actor=actor, notice_id=d["notice"], received_on=on, content=d["content"], source=d["source"])
        elif what == "resolve":
            proc.resolve_objection(actor=actor, objection_id=d["objection"], upheld=d["upheld"], resolution=d["resolution"], on=on)
        else:
            raise Http404
    except ServiceError as exc:
        return render(request, "recruitment/detail.html", _file_context(actor, applicant, errors=exc.errors, values=form.data), status=400)
    messages.success(request, _("已保存"))
    return redirect("recruitment:detail", pk)


@gate.staff
def record_sheet(request, actor, pk):
    applicant = selectors.get_applicant(actor, pk)
    content = documents.record_sheet(applicant, selectors.file_view(applicant))
    return _docx(content, f"发展党员全程纪实表-{applicant.name}.docx")


@gate.staff
def notice_doc(request, actor, notice_id):
    notice = get_in_scope(Notice.objects.select_related("instance__org"), actor, pk=notice_id)
    return _docx(documents.notice(notice), f"{notice.title}.docx")


@gate.staff
def notice_pdf(request, actor, notice_id):
    from urllib.parse import quote

    notice = get_in_scope(Notice.objects.select_related("instance__org"), actor, pk=notice_id)
    resp = HttpResponse(documents.notice_pdf(notice), content_type="application/pdf")
    resp["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(notice.title + '.pdf')}"
    return resp


@gate.staff
def attachment(request, actor, attachment_id):
    """A step's uploaded document, only through the scope (files are not served from MEDIA_URL)."""
    from django.http import FileResponse

    att = get_in_scope(Attachment.objects.select_related("record__instance"), actor, pk=attachment_id)
    if not att.file or att.record.instance.kind != KIND:
        raise Http404
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.filename or att.label)


def _docx(content: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@gate.staff
def plan(request, actor):
    under = params.under(actor, request.GET)
    year = params.year(request.GET, default=dt.date.today().year)
    errors = []
    if request.method == "POST":
        try:
            d = forms.PlanForm(request.POST).values()
            services.set_plan(actor=actor, org_id=d["org"], year=year, planned=d["planned"])
        except ServiceError as exc:
            errors = exc.errors
        else:
            messages.success(request, _("已保存计划"))
            return redirect(f"{reverse('recruitment:plan')}?year={year}" + (f"&org={under.pk}" if under else ""))
    rows = selectors.plan_vs_actual(actor, year=year, under=under)
    return render(
        request,
        "recruitment/plan.html",
        {
            "rows": rows,
            "year": year,
            "under": under,
            "errors": errors,
            "flagged": sum(1 for r in rows if r.village_without_recruit),
            "totals": (sum(r.planned or 0 for r in rows), sum(r.admitted for r in rows), sum(r.in_pipeline for r in rows)),
            "crumbs": [(_("发展党员"), reverse("recruitment:list")), (_("年度发展计划"), None)],
        },
    )



@gate.staff
def thought_report_read(request, actor, pk):
    """The branch marks a thought report read (阅看), with a comment the applicant sees."""
    applicant = selectors.get_applicant(actor, pk)
    if request.method == "POST":
        try:
            d = forms.ThoughtReportReadForm(request.POST).values()
            if not selectors.thought_reports(actor, applicant).filter(pk=d["report"]).exists():
                raise ServiceError.single("report", "not_found", _("思想汇报不存在"))
            services.read_thought_report(actor=actor, report_id=d["report"], comment=d["comment"])
            messages.success(request, _("已阅看"))
        except (FormInvalid, ServiceError) as exc:
            for e in exc.errors:
                messages.error(request, e.message)
    return redirect(reverse("recruitment:detail", args=[applicant.pk]) + "#thought-reports")
