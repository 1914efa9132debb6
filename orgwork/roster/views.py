"""Console pages: upload a roster (a background job with a progress bar), the result with its Excel report, export."""

from __future__ import annotations

import io
import os
from urllib.parse import quote

from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from orgwork.core.errors import NotFound
from orgwork.orgs.models import Org
from orgwork.stats import selectors as stats_selectors
from orgwork.web.access import console_view, is_htmx

from .exporter import export_members, write_report
from .models import ImportJob, ImportKind
from .tasks import import_job

MAX_UPLOAD = 50 * 1024 * 1024


def _job(request, actor, job_id) -> ImportJob:
    try:
        job = ImportJob.objects.get(pk=job_id)
    except (ImportJob.DoesNotExist, ValueError):
        raise Http404 from None
    if job.user_id != request.user.pk and not actor.unrestricted:
        raise Http404
    return job


@console_view
def import_page(request, actor):
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        kind = request.POST.get("kind", ImportKind.MEMBERS)
        if not actor.can_write_anything:
            error = "您没有导入数据的权限"
        elif upload is None:
            error = "请选择要导入的Excel文件"
        elif os.path.splitext(upload.name)[1].lower() not in (".xlsx", ".xls", ".xlsm", ".ods"):
            error = "请上传Excel文件（.xlsx 或 .xls）"
        elif upload.size > MAX_UPLOAD:
            error = "文件超过50MB，请分批导入"
        elif kind not in ImportKind.values:
            error = "导入内容无效"
        else:
            grant = actor.active_grant
            job = ImportJob.objects.create(
                kind=kind,
                filename=upload.name[:255],
                file=upload,
                partial=request.POST.get("partial") == "on",
                update=request.POST.get("update") == "on",
                user=request.user,
                active_grant_id=actor.active_grant_id,
                org_path=grant.path if grant else "",
            )
            transaction.on_commit(lambda: import_job(job.pk))
            return redirect("roster:job", job.pk)
    jobs = ImportJob.objects.filter(user=request.user)[:10]
    return render(request, "roster/import.html", {"error": error, "jobs": jobs, "kinds": ImportKind.choices}, status=400 if error else 200)


@console_view
def job_page(request, actor, job_id):
    job = _job(request, actor, job_id)
    template = "roster/_progress.html" if is_htmx(request) else "roster/job.html"
    rejected = job.report.get("rejected", []) if job.report else []
    return render(request, template, {"job": job, "rejected": rejected[:500], "more": max(0, len(rejected) - 500), "warnings": (job.report or {}).get("warnings", [])})


@console_view
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


@console_view
def export_page(request, actor):
    roots = stats_selectors.roots(actor)
    if request.GET.get("download"):
        org = None
        if request.GET.get("org"):
            try:
                org = stats_selectors.stats_org(actor, request.GET["org"])
            except NotFound:
                raise Http404 from None
        buf = io.BytesIO()
        export_members(buf, actor=actor, org=org)
        name = f"党员花名册-{org.name if org else '全部'}.xlsx"
        response = HttpResponse(buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response
    choices = []
    for root in roots:
        choices.append(root)
        choices.extend(Org.objects.filter(parent=root, abolished_on__isnull=True).order_by("path"))
    return render(request, "roster/export.html", {"choices": choices, "download_url": reverse("roster:export")})
