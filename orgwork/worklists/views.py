"""Console pages of work management — thin: parse with a form, call one selector or service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from orgwork.core import exports, gate, params
from orgwork.core.errors import ServiceError
from orgwork.core.scope import get_in_scope
from orgwork.orgs.selectors import path_names

from . import forms, rules, selectors, services
from .models import CareKind


def _post(request, form, call):
    """Run a service with a bound, valid form; on a ServiceError put the messages on the form. True when saved."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except ServiceError as exc:
        forms.apply_errors(form, exc)
        return False
    messages.success(request, _("已保存"))
    return True


# --- the wall ---------------------------------------------------------------------------------------


@gate.staff
def wall(request, actor):
    today = dt.date.today()
    under = params.under(actor, request.GET)
    f = forms.WallFilter(request.GET or None)
    year, kind = today.year, ""
    if f.is_valid():
        year = f.cleaned_data["year"] or today.year
        kind = f.cleaned_data["kind"] or ""
    rows, totals = selectors.wall(actor, under=under, year=year, today=today, kind=kind)
    page = params.paginate(request.GET, rows, size=30)
    return render(request, "worklists/wall.html", {"form": f, "year": year, "under": under, "page": page, "totals": totals, "labels": selectors.STATUS_LABELS, "counts": selectors.open_counts(actor, under=under, today=today)})


@gate.member
def member_wall(request, actor):
    today = dt.date.today()
    rows, totals = selectors.member_wall(actor, year=today.year, today=today)
    return render(request, "worklists/member_wall.html", {"rows": rows, "totals": totals, "labels": selectors.STATUS_LABELS, "year": today.year})


# --- tasks ------------------------------------------------------------------------------------------


@gate.staff
def task_list(request, actor):
    today = dt.date.today()
    under = params.under(actor, request.GET)
    form = forms.TaskForm(request.POST or None, initial={"year": today.year, "kind": request.GET.get("kind") or "task"})
    if request.method == "POST" and _post(request, form, lambda d: services.create_task(actor=actor, **form.service_kwargs())):
        return redirect(request.get_full_path())
    f = forms.WallFilter(request.GET or None)
    year, kind = today.year, ""
    if f.is_valid():
        year, kind = f.cleaned_data["year"] or today.year, f.cleaned_data["kind"] or ""
    qs = selectors.tasks(actor, under=under, year=year, kind=kind).order_by("org__path", "deadline", "id")
    page = params.paginate(request.GET, qs)
    names = path_names([t.org for t in page])
    rows = [(t, selectors.task_status(t, today), names.get(t.org_id, t.org.name)) for t in page]
    return render(request, "worklists/tasks.html", {"form": form, "filter": f, "page": page, "rows": rows, "labels": selectors.STATUS_LABELS, "under": under, "year": year})


@gate.staff
def task_detail(request, actor, pk):
    today = dt.date.today()
    task = get_in_scope(selectors.tasks(actor), actor, pk=pk)
    act = forms.ActForm(request.POST).choice("act", "") if request.method == "POST" else ""
    progress = forms.ProgressForm(request.POST if act == "progress" else None, request.FILES if act == "progress" else None, year=task.year, initial={"on": today, "progress": task.progress})
    stone = forms.MilestoneForm(request.POST if act == "milestone" else None)
    cancel = forms.CancelForm(request.POST if act == "cancel" else None, prefix="cancel")
    saved = False
    if act == "progress":
        saved = _post(request, progress, lambda d: services.report_progress(actor=actor, task_id=task.pk, **d))
    elif act == "milestone":
        saved = _post(request, stone, lambda d: services.complete_milestone(actor=actor, milestone_id=d["milestone"], on=d["on"] or today))
    elif act == "cancel":
        saved = _post(request, cancel, lambda d: services.cancel_task(actor=actor, task_id=task.pk, reason=d["reason"]))
    if saved:
        return redirect(request.path)
    return render(
        request,
        "worklists/task.html",
        {
            "task": task, "status": selectors.task_status(task, today), "labels": selectors.STATUS_LABELS, "path": path_names([task.org]).get(task.org_id),
            "updates": task.updates.all(), "progress": progress, "cancel": cancel, "today": today,
            "crumbs": [(_("工作任务"), reverse("worklists:tasks")), (task.title, "")],
        },
    )  # fmt: skip


# --- matters (13710) ----------------------------------------------------------------------------------


@gate.staff
def matter_list(request, actor):
    today = dt.date.today()
    under = params.under(actor, request.GET)
    form = forms.MatterForm(request.POST or None, templates=rules.template_choices(today), initial={"assigned_on": today, "template": rules.templates(today)["default"]})
    if request.method == "POST" and _post(request, form, lambda d: services.assign_matter(actor=actor, org_id=d.pop("org"), **d)):
        return redirect(request.get_full_path())
    open_only = params.flag(request.GET, "open")
    page = params.paginate(request.GET, selectors.matters(actor, under=under, open_only=open_only))
    names = path_names([m.org for m in page])
    rows = [(m, selectors.matter_state(m, today), names.get(m.org_id, m.org.name)) for m in page]
    return render(request, "worklists/matters.html", {"form": form, "page": page, "rows": rows, "under": under, "open_only": open_only})


@gate.staff
def matter_detail(request, actor, pk):
    today = dt.date.today()
    matter = get_in_scope(selectors.matters(actor), actor, pk=pk)
    state = selectors.matter_state(matter, today)
    form = forms.MatterStepForm(request.POST or None, initial={"step": state.step, "on": today})
    if request.method == "POST" and _post(request, form, lambda d: services.complete_matter_step(actor=actor, matter_id=matter.pk, **d)):
        return redirect(request.path)
    return render(
        request,
        "worklists/matter.html",
        {"matter": matter, "state": state, "steps": selectors.matter_steps(matter), "form": form, "path": path_names([matter.org]).get(matter.org_id), "crumbs": [(_("交办事项"), reverse("worklists:matters")), (matter.title, "")]},
    )


# --- issues -------------------------------------------------------------------------------------------


@gate.staff
def issue_list(request, actor):
    today = dt.date.today()
    under = params.under(actor, request.GET)
    f = forms.IssueFilter(request.GET or None)
    year, status = None, ""
    if f.is_valid():
        year, status = f.cleaned_data["year"], f.cleaned_data["status"]
    if params.choice(request.GET, "format", label=_("格式"), choices=["", "xlsx"]) == "xlsx":
        data = selectors.issue_workbook(actor, under=under, year=year, status=status, today=today)
        resp = HttpResponse(data, content_type=exports.XLSX_CONTENT_TYPE)
        resp["Content-Disposition"] = "attachment; filename*=UTF-8''%E9%97%AE%E9%A2%98%E6%B8%85%E5%8D%95.xlsx"
        return resp
    form = forms.IssueForm(request.POST or None, initial={"year": today.year - (1 if today.month < 4 else 0)})
    if request.method == "POST" and _post(request, form, lambda d: services.create_issue(actor=actor, org_id=d.pop("org"), owner_member_id=d.pop("owner_member"), **d)):
        return redirect(request.get_full_path())
    page = params.paginate(request.GET, selectors.issues(actor, under=under, year=year, status=status))
    names = path_names([i.org for i in page])
    rows = [(i, names.get(i.org_id, i.org.name), i.status != "closed" and i.deadline < today) for i in page]
    return render(request, "worklists/issues.html", {"form": form, "filter": f, "page": page, "rows": rows, "under": under, "query": request.GET.urlencode()})


@gate.staff
def issue_detail(request, actor, pk):
    issue = get_in_scope(selectors.issues(actor), actor, pk=pk)
    form = forms.RectifyForm(request.POST or None, request.FILES or None, initial={"on": dt.date.today()})
    if request.method == "POST" and _post(request, form, lambda d: services.rectify(actor=actor, issue_id=issue.pk, **d)):
        return redirect(request.path)
    return render(
        request,
        "worklists/issue.html",
        {"issue": issue, "entries": issue.entries.all(), "form": form, "path": path_names([issue.org]).get(issue.org_id), "crumbs": [(_("问题清单与整改"), reverse("worklists:issues")), (str(issue), "")]},
    )


# --- collective income -----------------------------------------------------------------------------------


@gate.staff
def income_list(request, actor):
    today = dt.date.today()
    under = params.under(actor, request.GET)
    year = params.year(request.GET, default=today.year)
    form = forms.IncomeForm(request.POST or None, initial={"year": year})
    if request.method == "POST" and _post(request, form, lambda d: services.set_income(actor=actor, org_id=d.pop("org"), **d)):
        return redirect(request.get_full_path())
    rows = selectors.incomes(actor, under=under, year=year)
    only_difficult = params.flag(request.GET, "difficult")
    shown = [r for r in rows if r["difficult"]] if only_difficult else rows
    return render(request, "worklists/incomes.html", {"form": form, "page": params.paginate(request.GET, shown), "year": year, "difficult": sum(1 for r in rows if r["difficult"]), "total": len(rows), "only_difficult": only_difficult, "under": under})


# --- care ----------------------------------------------------------------------------------------------------


@gate.staff
def care(request, actor):
    today = dt.date.today()
    under = params.under(actor, request.GET)
    act = forms.ActForm(request.POST).choice("act", "") if request.method == "POST" else ""
    case_form = forms.CareForm(request.POST if act == "open" else None)
    visit_form = forms.VisitForm(request.POST if act == "visit" else None, prefix="v")
    saved = False
    if act == "open":
        saved = _post(request, case_form, lambda d: services.open_care_case(actor=actor, member_id=d["member"], helper_id=d["helper"], kind=d["kind"], situation=d["situation"]))
    elif act == "visit":
        saved = _post(request, visit_form, lambda d: services.record_visit(actor=actor, case_id=d.pop("case"), **d))
    if saved:
        return redirect(request.get_full_path())
    kind = params.choice(request.GET, "kind", label=_("类别"), choices=["", *CareKind.values])
    page = params.paginate(request.GET, selectors.care_cases(actor, under=under, kind=kind))
    names = path_names([c.org for c in page])
    return render(
        request,
        "worklists/care.html",
        {"case_form": case_form, "visit_form": visit_form, "page": page, "rows": [(c, names.get(c.org_id, c.org.name)) for c in page], "occasions": selectors.care_due(today), "kinds": CareKind.choices, "kind": kind, "today": today},
    )


