"""Console pages: upload a roster (a background job with a progress bar), the result with its Excel report, export."""

from __future__ import annotations

import io
import os
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from orgwork.core import gate, params, privacy
from orgwork.core.errors import NotFound, ServiceError
from orgwork.orgs.models import Org
from orgwork.stats import selectors as stats_selectors

from . import forms, services
from .exporter import export_members, write_report
from .models import ImportJob, ImportKind
from .national import export_national, mapping


def _job(request, actor, job_id) -> ImportJob:
    try:
        job = ImportJob.objects.get(pk=job_id)
    except (ImportJob.DoesNotExist, ValueError):
        raise Http404 from None
    if job.user_id != request.user.pk and not actor.unrestricted:
        raise Http404
    return job


@gate.staff
def import_page(request, actor):
    error = ""
    if request.method == "POST":
        try:
            d = forms.ImportForm(request.POST).values()
            job = services.start_import(actor=actor, upload=request.FILES.get("file"), kind=d["kind"], partial=d["partial"], update=d["update"])
        except ServiceError as exc:
            error = exc.errors[0].message
        else:
            return redirect("roster:job", job.pk)
    jobs = params.paginate(request.GET, ImportJob.objects.filter(user=request.user), size=20)
    return render(request, "roster/import.html", {"error": error, "jobs": jobs, "kinds": ImportKind.choices}, status=400 if error else 200)


@gate.staff
def job_page(request, actor, job_id):
    job = _job(request, actor, job_id)
    if request.method == "POST" and forms.JobActForm(request.POST).is_valid():
        try:
            services.retry_import(actor=actor, job_id=job.pk)
        except ServiceError as exc:
            from django.contrib import messages

            messages.error(request, exc.errors[0].message)
        return redirect("roster:job", job.pk)
    if not job.finished:
        services.fail_stale_jobs()
        job.refresh_from_db()
    template = "roster/_progress.html" if gate.is_htmx(request) else "roster/job.html"
    rejected = job.report.get("rejected", []) if job.report else []
    return render(request, template, {"job": job, "rejected": params.paginate(request.GET, rejected, size=200, name="epage"), "warnings": (job.report or {}).get("warnings", [])})


@gate.staff
def job_report(request, actor, job_id):
    job = _job(request, actor, job_id)
    if not job.finished:
        raise Http404
    buf = io.BytesIO()
    write_report(buf, job.report or {}, title=f"{job.get_kind_display()}导入结果（{job.filename}）")
    name = f"导入结果-{os.path.splitext(job.filename)[0]}.xlsx"
    response = HttpResponse(buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@gate.staff
def export_page(request, actor):
    roots = stats_selectors.roots(actor)
    if request.GET.get("download"):
        org = None
        org_id = params.org_id(request.GET)
        if org_id is not None:
            try:
                org = stats_selectors.stats_org(actor, org_id)
            except NotFound:
                raise Http404 from None
        full = request.GET.get("full") == "1"
        if full and not privacy.may_export_full(actor, org.path if org else None):
            raise PermissionDenied  # the option is offered only to roles that need full values
        buf = io.BytesIO()
        masked = "" if full else "（脱敏）"
        if request.GET.get("format") == "national":
            export_national(buf, actor=actor, org=org, full=full)
            name = f"全国党员管理信息系统-党员基本信息-{org.name if org else '全部'}{masked}.xlsx"
        else:
            export_members(buf, actor=actor, org=org, full=full)
            name = f"党员花名册-{org.name if org else '全部'}{masked}.xlsx"
        response = HttpResponse(buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response
    choices = []
    for root in roots:
        choices.append(root)
        choices.extend(Org.objects.filter(parent=root, abolished_on__isnull=True).order_by("path"))
    can_full = privacy.may_export_full(actor, None)
    return render(request, "roster/export.html", {"choices": choices, "download_url": reverse("roster:export"), "national": mapping(), "can_full": can_full})
