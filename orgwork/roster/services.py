"""Writes of the roster module: queueing a console import (the import itself is audited row by row)."""

from __future__ import annotations

import os

from django.db import transaction

from orgwork.core import audit
from orgwork.core.actor import Actor
from orgwork.core.errors import ServiceError

from .models import ImportJob, ImportKind

MAX_UPLOAD = 50 * 1024 * 1024
EXCEL_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".ods")


@transaction.atomic
def start_import(*, actor: Actor, upload, kind: str, partial: bool, update: bool) -> ImportJob:
    """Check the upload, record the job and queue it once the transaction commits."""
    if not actor.can_write_anything:
        raise ServiceError.single("file", "permission_denied", "您没有导入数据的权限")
    if upload is None:
        raise ServiceError.single("file", "required", "请选择要导入的Excel文件")
    if os.path.splitext(upload.name)[1].lower() not in EXCEL_SUFFIXES:
        raise ServiceError.single("file", "bad_value", "请上传Excel文件（.xlsx 或 .xls）")
    if upload.size > MAX_UPLOAD:
        raise ServiceError.single("file", "bad_value", "文件超过50MB，请分批导入")
    if kind not in ImportKind.values:
        raise ServiceError.single("kind", "bad_value", "导入内容无效")
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

    transaction.on_commit(lambda: import_job(job.pk))
    return job
