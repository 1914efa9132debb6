"""The console import: upload, a job on the real huey queue run by a consumer, progress, result, Excel report."""

import datetime as dt
import io
import signal
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.urls import reverse
from huey.contrib import djhuey
from huey.storage import SqliteStorage
from python_calamine import CalamineWorkbook

from orgwork.members.models import Member
from orgwork.roster.models import ImportJob, JobStatus
from orgwork.roster.tests.test_import import row, sheet
from orgwork.stats.recount import recount


@pytest.fixture
def queue(tmp_path, monkeypatch, settings):
    """The project's SqliteHuey, with its storage in a temporary file instead of var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    huey = djhuey.HUEY
    assert not huey.immediate
    monkeypatch.setattr(huey, "storage", SqliteStorage(name="orgwork-test", filename=str(tmp_path / "huey.sqlite3")))
    # The worker thread's connection is closed after each task (not kept for reuse), so the test database can be dropped.
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    return huey


def run_consumer(huey, until, timeout=60):
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = huey.create_consumer(workers=1, worker_type="thread", periodic=False, check_worker_health=False)
    consumer.start()
    try:
        deadline = time.monotonic() + timeout
        while not until():
            assert time.monotonic() < deadline, "the job did not finish"
            time.sleep(0.1)
    finally:
        consumer.stop(graceful=True)
        for s, h in saved.items():
            signal.signal(s, h)


def upload(client, path, **extra):
    data = {"kind": "members", "file": SimpleUploadedFile(path.name, path.read_bytes()), **extra}
    return client.post(reverse("roster:import"), data)


@pytest.mark.django_db(transaction=True)
def test_console_import_runs_as_a_huey_job_and_shows_its_result(tree, users, client, tmp_path, queue):
    client.force_login(users["county"])
    path = sheet(tmp_path, [row(), row(**{"姓名": "李五", "公民身份号码": "511526198001011234"}), row(**{"姓名": "王六", "公民身份号码": __import__("orgwork.conftest", fromlist=["make_id"]).make_id(dt.date(1979, 9, 9))})])
    response = upload(client, path)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("roster:job", args=[job.pk])
    assert queue.pending_count() == 1  # enqueued in the SQLite queue, not run inline
    from orgwork.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="roster.import_queued", object_id=str(job.pk)).exists()
    page = client.get(reverse("roster:job", args=[job.pk]))
    assert 'hx-trigger="every 1s"' in page.content.decode()
    # Poll huey's own result store, not the test database: SQLite's shared-cache test database reports
    # "table is locked" to a writer while another thread reads the same table.
    run_consumer(queue, lambda: queue.result_count() >= 1)
    job.refresh_from_db()
    assert job.status == JobStatus.REJECTED and job.accepted == 0 and job.rejected == 1
    assert job.report["rejected"][0]["row"] == 3 and job.report["rejected"][0]["code"] in ("id_checksum", "id_birth_mismatch")
    assert Member.objects.filter(name__in=["张三", "王六"]).count() == 0  # all-or-nothing
    page = client.get(reverse("roster:job", args=[job.pk])).content.decode()
    assert "未导入任何数据" in page and "every 1s" not in page
    report = client.get(reverse("roster:job_report", args=[job.pk]))
    assert report.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(report.content)).get_sheet_by_index(0).to_python()
    assert any(r[0] == 3 and r[1] == "公民身份号码" for r in rows)
    # The same file with "partial": the two valid rows go in.
    upload(client, path, partial="on")
    job2 = ImportJob.objects.latest("id")
    run_consumer(queue, lambda: queue.result_count() >= 2)
    job2.refresh_from_db()
    assert job2.status == JobStatus.DONE and job2.accepted == 2
    assert Member.objects.filter(name__in=["张三", "王六"]).count() == 2
    assert recount(fix=False).drift == []


@pytest.mark.django_db
def test_a_job_is_visible_only_to_its_owner(tree, users, client, tmp_path, queue):
    client.force_login(users["county"])
    upload(client, sheet(tmp_path, [row()]))
    job = ImportJob.objects.get()
    client.force_login(users["town_a"])
    assert client.get(reverse("roster:job", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_upload_rejects_a_non_excel_file(tree, users, client, queue):
    client.force_login(users["county"])
    response = client.post(reverse("roster:import"), {"kind": "members", "file": SimpleUploadedFile("a.txt", b"hello")})
    assert response.status_code == 400 and ImportJob.objects.count() == 0


@pytest.mark.django_db
def test_export_page_downloads_the_scoped_roster(tree, users, client, make_member):
    make_member(tree.village_b, name="乙镇党员")
    client.force_login(users["town_a"])
    response = client.get(reverse("roster:export"), {"download": "1"})
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert [r[0] for r in rows[1:]] == ["李四"]
    assert client.get(reverse("roster:export"), {"download": "1", "org": tree.town_b.pk}).status_code == 404


@pytest.mark.django_db
def test_console_pages_render_and_are_in_the_navigation(tree, users, client):
    client.force_login(users["town_a"])
    for name in ("roster:import", "roster:export", "stats:dashboard"):
        page = client.get(reverse(name))
        assert page.status_code == 200, name
        assert f'href="{reverse(name)}"' in page.content.decode()
    client.force_login(users["member_a"])
    assert client.get(reverse("roster:import")).status_code in (302, 403)


@pytest.mark.django_db
def test_the_uploaded_file_is_removed_once_the_job_has_read_it(tree, users, client, tmp_path, queue):
    from orgwork.roster.tasks import run_job

    client.force_login(users["county"])
    upload(client, sheet(tmp_path, [row()]))
    job = ImportJob.objects.get()
    stored = job.file.path
    assert __import__("os").path.exists(stored)
    assert run_job(job.pk).status == JobStatus.DONE
    job.refresh_from_db()
    assert not job.file and not __import__("os").path.exists(stored)
