"""Writes of the roster module: queueing a console import (the import itself is audited row by row)."""

from __future__ import annotations

import datetime as dt
import os

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from orgwork.core import audit
from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError

from .models import ImportJob, ImportKind, JobStatus

MAX_UPLOAD = 50 * 1024 * 1024
EXCEL_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".ods", ".csv")  # .csv: another system's export (UTF-8 or GBK)


@transaction.atomic
def start_import(*, actor: Actor, upload, kind: str, partial: bool, update: bool) -> ImportJob:
    """Check the upload, record the job and queue it once the transaction commits."""
    if not actor.can_write_anything:
        raise ServiceError.single("file", "permission_denied", _("您没有导入数据的权限"))
    if upload is None:
        raise ServiceError.single("file", "required", _("请选择要导入的Excel文件"))
    if os.path.splitext(upload.name)[1].lower() not in EXCEL_SUFFIXES:
        raise ServiceError.single("file", "bad_value", _("请上传Excel文件（.xlsx、.xls）或CSV文件"))
    if upload.size > MAX_UPLOAD:
        raise ServiceError.single("file", "bad_value", _("文件超过50MB，请分批导入"))
    if kind not in ImportKind.values:
        raise ServiceError.single("kind", "bad_value", _("导入内容无效"))
    grant = actor.active_grant
    job = ImportJob.objects.create(
        kind=kind,
        filename=upload.name[:255],
        file=upload,
        partial=partial,
        update=update,
        user=actor.user,
        active_grant_id=actor.active_grant_id,
        org_path=grant.path if grant else "",
    )
    audit.record(actor, "roster.import_queued", job, org_path=job.org_path, data={"kind": kind, "filename": job.filename, "partial": partial, "update": update})
    from .tasks import import_job

    language = translation.get_language() or ""
    transaction.on_commit(lambda: import_job(job.pk, language))
    return job


def job_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "ROSTER_JOB_TIMEOUT_SECONDS", 600))


@transaction.atomic
def fail_stale_jobs(*, now=None) -> list[ImportJob]:
    """Running jobs whose heartbeat stopped (the worker was killed) are marked failed, with an audit event each.

    Run every minute by the worker and whenever a job page is looked at, so a job never shows "running" forever.
    """
    now = now or timezone.now()
    cutoff = now - job_timeout()
    stale = list(ImportJob.objects.select_for_update().filter(status__in=(JobStatus.RUNNING, JobStatus.WRITING), heartbeat_at__lt=cutoff))
    actor = Actor.system_actor("roster.heartbeat")
    for job in stale:
        minutes = int(job_timeout().total_seconds() // 60)
        job.status = JobStatus.FAILED
        job.error = f"后台任务已中断：超过{minutes}分钟没有进度（处理进程可能已被终止）。数据未写入，可以重试。"
        job.finished_at = now
        job.save(update_fields=["status", "error", "finished_at"])
        audit.record(actor, "roster.import_timed_out", job, org_path=job.org_path, data={"last_heartbeat": job.heartbeat_at, "timeout_seconds": int(job_timeout().total_seconds())})
    return stale


@transaction.atomic
def fail_interrupted_job(*, job_id: int, reason: str) -> ImportJob:
    """The worker lost the database in the middle of a job (the server restarted or crashed): the import's write
    transaction never committed, so the job is marked failed with the upload kept for a retry."""
    job = ImportJob.objects.select_for_update().get(pk=job_id)
    if job.finished:
        return job
    job.status = JobStatus.FAILED
    job.error = _("处理过程中数据库连接中断（数据库重启或故障），未提交的写入已整体撤销，可以重试。")
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    audit.record(Actor.system_actor("roster.worker"), "roster.import_interrupted", job, org_path=job.org_path, data={"reason": reason[:500], "rows_done": job.rows_done, "rows_total": job.rows_total})
    return job


@transaction.atomic
def retry_import(*, actor: Actor, job_id: int) -> ImportJob:
    """Queue a failed job again with the upload it kept: the owner (or an unrestricted administrator) only."""
    try:
        job = ImportJob.objects.select_for_update().get(pk=job_id)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        from orgwork.core.errors import NotFound

        raise NotFound() from None
    if job.user_id != actor.user_id and not actor.unrestricted:
        from orgwork.core.errors import NotFound

        raise NotFound()
    if job.status != JobStatus.FAILED:
        raise ServiceError.single("job", "not_allowed", _("只有失败的导入任务可以重试"))
    if not job.file:
        raise ServiceError.single("file", "required", _("原上传文件已删除，请重新上传"))
    job.status = JobStatus.QUEUED
    job.error = ""
    job.finished_at = None
    job.heartbeat_at = None
    job.rows_done = 0
    job.attempts += 1
    job.save(update_fields=["status", "error", "finished_at", "heartbeat_at", "rows_done", "attempts"])
    audit.record(actor, "roster.import_retry", job, org_path=job.org_path, data={"attempt": job.attempts + 1, "filename": job.filename})
    from .tasks import import_job

    language = translation.get_language() or ""
    transaction.on_commit(lambda: import_job(job.pk, language))
    return job
