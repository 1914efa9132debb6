"""A killed worker leaves no job "running" forever: the job beats while it runs, a job whose heartbeat stopped is
marked failed after the timeout (settings.ROSTER_JOB_TIMEOUT_SECONDS), and the console can queue it again."""

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from orgwork.core.models import AuditEvent
from orgwork.roster import services
from orgwork.roster.models import ImportJob, JobStatus
from orgwork.roster.tasks import heartbeat
from orgwork.roster.tests.test_console import queue, run_consumer, upload  # noqa: F401 (fixture)
from orgwork.roster.tests.test_import import row, sheet


@pytest.mark.django_db(transaction=True)
def test_a_running_job_beats_from_its_own_thread(tree, users, client, tmp_path, queue, settings):  # noqa: F811
    settings.ROSTER_JOB_HEARTBEAT_SECONDS = 0.05
    client.force_login(users["county"])
    upload(client, sheet(tmp_path, [row()]))
    job = ImportJob.objects.get()
    old = timezone.now() - dt.timedelta(hours=1)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=old)
    with heartbeat(job.pk):
        deadline = time.monotonic() + 10
        while ImportJob.objects.get(pk=job.pk).heartbeat_at == old:
            assert time.monotonic() < deadline, "no heartbeat"
            time.sleep(0.05)
    assert ImportJob.objects.get(pk=job.pk).heartbeat_at > old


@pytest.mark.django_db(transaction=True)
def test_a_job_left_running_by_a_killed_worker_fails_after_the_timeout_and_can_be_retried(tree, users, client, tmp_path, queue, settings):  # noqa: F811
    settings.ROSTER_JOB_TIMEOUT_SECONDS = 300
    client.force_login(users["county"])
    upload(client, sheet(tmp_path, [row()]))
    job = ImportJob.objects.get()
    # what a worker killed mid-check leaves behind: status running, the upload kept, the last beat 6 minutes ago
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, rows_total=1, heartbeat_at=timezone.now() - dt.timedelta(minutes=6))
    fresh = ImportJob.objects.create(kind="members", filename="x.xlsx", user=users["county"], status=JobStatus.RUNNING, heartbeat_at=timezone.now())
    page = client.get(reverse("roster:job", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "超过5分钟没有进度" in job.error
    assert "重试" in page.content.decode()
    assert AuditEvent.objects.filter(action="roster.import_timed_out", object_id=str(job.pk)).exists()
    assert services.fail_stale_jobs() == []  # the fresh one keeps running, the failed one is not touched again
    fresh.refresh_from_db()
    assert fresh.status == JobStatus.RUNNING
    # retry from the console: queued again, run by the worker, done
    r = client.post(reverse("roster:job", args=[job.pk]), {"act": "retry"})
    assert r.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (JobStatus.QUEUED, 1, "")
    assert AuditEvent.objects.filter(action="roster.import_retry", object_id=str(job.pk)).exists()
    run_consumer(queue, lambda: ImportJob.objects.get(pk=job.pk).finished)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.accepted == 1 and not job.file
    # a finished job cannot be retried; another user cannot see or retry it
    with pytest.raises(Exception) as exc:
        services.retry_import(actor=__import__("orgwork.core.actor", fromlist=["Actor"]).Actor.for_user(users["county"]), job_id=job.pk)
    assert exc.value.errors[0].code == "not_allowed"
    client.force_login(users["town_a"])
    assert client.post(reverse("roster:job", args=[job.pk]), {"act": "retry"}).status_code == 404
