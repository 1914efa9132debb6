"""The console import as a background job on the project's queue (huey)."""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.utils import timezone, translation
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from orgwork.core.actor import Actor

from .models import ImportJob, ImportKind, JobStatus

log = logging.getLogger(__name__)


def beat(job_id: int, progress: dict | None = None) -> None:
    """The job is alive; with the progress the import reported from inside its transaction (see _run)."""
    ImportJob.objects.filter(pk=job_id, status__in=(JobStatus.RUNNING, JobStatus.WRITING)).update(heartbeat_at=timezone.now(), **dict(progress or {}))


@contextmanager
def heartbeat(job_id: int, progress: dict | None = None):
    """A thread that writes the job's heartbeat every few seconds while the job runs, on its own connection (so a
    long write transaction of the import does not hold it back on PostgreSQL; on SQLite a beat that finds the
    database locked is skipped). A killed worker takes the thread with it: the heartbeat stops."""
    interval = getattr(settings, "ROSTER_JOB_HEARTBEAT_SECONDS", 10)
    stop = threading.Event()

    def run():
        try:
            while not stop.wait(interval):
                try:
                    beat(job_id, progress)
                except Exception:  # a locked database or a dropped connection: the next beat tries again
                    log.debug("heartbeat for import job %s skipped", job_id, exc_info=True)
                    _close_quietly()  # a dropped connection is never reused: the next beat connects anew
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=f"import-job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval + 5)


def _close_quietly() -> None:
    try:
        connection.close()
    except Exception:  # closing a connection the server already dropped
        log.debug("closing a broken connection", exc_info=True)


def wait_for_database(timeout: float) -> bool:
    """After the server dropped the connection (a restart, a crash, a network cut): connect again, backing off,
    until the server answers or `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    delay = 0.2
    while True:
        _close_quietly()
        try:
            with connection.cursor() as cur:
                cur.execute("SELECT 1")
            return True
        except DatabaseError:
            if time.monotonic() + delay > deadline:
                return False
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


def run_job(job_id: int) -> ImportJob:
    job = ImportJob.objects.get(pk=job_id)
    if job.finished:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=timezone.now())
    progress: dict = {}
    with heartbeat(job.pk, progress):
        return _run(job, progress)


def _run(job: ImportJob, shared: dict | None = None) -> ImportJob:
    from .importer import import_members, import_orgs

    user = get_user_model().objects.get(pk=job.user_id)
    actor = Actor.for_user(user, active_grant_id=job.active_grant_id)

    def progress(phase, done, total):
        status = JobStatus.WRITING if phase == "write" else JobStatus.RUNNING
        fields = {"status": status, "rows_total": total, "rows_done": done if phase == "check" else total}
        if connection.in_atomic_block and shared is not None:
            # Reported from inside the import's transaction (a big file is checked while its rows are written): a
            # write here would show only at the commit, so the heartbeat thread writes it on its own connection.
            shared.update(fields)
        else:
            ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now(), **fields)

    from .national import import_national

    run = {ImportKind.MEMBERS: import_members, ImportKind.NATIONAL: import_national}.get(job.kind, import_orgs)
    lost = False
    try:
        with job.file.open("rb") as fh:
            kwargs = {"actor": actor, "partial": job.partial, "update": job.update, "progress": progress}
            report = run(fh, **kwargs)
    except (OperationalError, InterfaceError) as exc:
        # The database went away under the import (a restart, a crash): its write transaction was rolled back by the
        # server. Keep the upload for a retry and mark the job failed once the server answers again; if it does not
        # within the wait, the job stays "running" without a heartbeat and the sweep fails it later.
        lost = True
        log.warning("import job %s lost its database connection: %s", job.pk, exc)
        if not wait_for_database(getattr(settings, "ROSTER_JOB_DB_WAIT_SECONDS", 300)):
            log.error("import job %s: the database did not come back; the heartbeat sweep will fail the job", job.pk)
            return job
        from .services import fail_interrupted_job

        return fail_interrupted_job(job_id=job.pk, reason=f"{type(exc).__name__}: {exc}")
    except Exception as exc:
        log.exception("import job %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error=f"{type(exc).__name__}: {exc}", finished_at=timezone.now())
        job.refresh_from_db()
        return job
    finally:
        # The upload holds ID numbers and phones of everyone in it: keep only the report once it is read (a job that
        # lost the database keeps it: nothing was read into the database and the retry needs it).
        if not lost:
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
def import_job(job_id: int, language: str = "") -> str:
    """`language`: the importing person's language when they queued the job; the report's row messages are written in it."""
    with translation.override(language or None):
        return run_job(job_id).status


@db_periodic_task(crontab(minute="*"))
def fail_stale_import_jobs() -> int:
    from .services import fail_stale_jobs

    return len(fail_stale_jobs())
