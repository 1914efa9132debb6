"""The console import as a background job on the project's queue (huey)."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.utils import timezone
from huey.contrib.djhuey import db_task

from orgwork.core.actor import Actor

from .models import ImportJob, ImportKind, JobStatus

log = logging.getLogger(__name__)


def run_job(job_id: int) -> ImportJob:
    from .importer import import_members, import_orgs

    job = ImportJob.objects.get(pk=job_id)
    if job.finished:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    user = get_user_model().objects.get(pk=job.user_id)
    actor = Actor.for_user(user, active_grant_id=job.active_grant_id)

    def progress(phase, done, total):
        # Written outside the import's transaction (which opens only for the write phase).
        status = JobStatus.WRITING if phase == "write" else JobStatus.RUNNING
        ImportJob.objects.filter(pk=job.pk).update(status=status, rows_total=total, rows_done=done if phase == "check" else total)

    run = import_members if job.kind == ImportKind.MEMBERS else import_orgs
    try:
        with job.file.open("rb") as fh:
            kwargs = {"actor": actor, "partial": job.partial, "update": job.update, "progress": progress}
            report = run(fh, **kwargs)
    except Exception as exc:
        log.exception("import job %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error=f"{type(exc).__name__}: {exc}", finished_at=timezone.now())
        job.refresh_from_db()
        return job
    finally:
        # The upload holds ID numbers and phones of everyone in it: keep only the report once it is read.
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
    data = report.as_dict()
    status = JobStatus.DONE if report.accepted or not data["rejected"] else JobStatus.REJECTED
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        rows_total=report.rows,
        rows_done=report.rows,
        accepted=report.accepted,
        rejected=len(data["rejected"]),
        report=data,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


@db_task()
def import_job(job_id: int) -> str:
    return run_job(job_id).status
