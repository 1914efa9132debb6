"""Kernel background jobs: the daily audit anchor, and the one daily deadline job (core.deadlines)."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

log = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="1", minute="5"))
def daily_audit_anchor():
    """Sign the audit chain's head once a day (see orgwork.core.audit)."""
    from .audit import AnchorRefused, write_anchor

    try:
        a = write_anchor(reason="daily")
    except AnchorRefused as exc:
        log.error("audit anchor refused: %s", exc)
        return None
    return a.seq


@db_periodic_task(crontab(hour="6", minute="15"))
def daily_deadlines():
    """Every registered deadline provider, one pass: reminders to the responsible people, escalations, deduplicated."""
    from . import deadlines

    report = deadlines.run()
    return {"items": report.items, "reminders": report.reminders, "new": report.new, "escalations": report.escalations, "failures": report.failures}


@db_periodic_task(crontab(hour="2", minute="30"))
def nightly_backup():
    """When BACKUP_DIR is set: one sealed backup a night, keeping the newest BACKUP_KEEP files (orgwork.core.backup)."""
    from django.conf import settings

    from .backup import make_backup, prune

    if not settings.BACKUP_DIR:
        return None
    r = make_backup(settings.BACKUP_DIR)
    prune(settings.BACKUP_DIR, settings.BACKUP_KEEP)
    return {"file": str(r.path), "rows": r.rows, "audit_seq": r.audit_seq}


@db_periodic_task(crontab(hour="2", minute="20"))
def nightly_scoring_refresh():
    """Automatic score indicators (attendance, dues on time, …) recomputed from the records: this year so far,
    and in January the whole previous year too (see orgwork.core.scoring)."""
    import datetime as dt

    from django.utils import timezone

    from .scoring.services import refresh_automatic

    today = timezone.localdate()
    start = dt.date(today.year - (1 if today.month == 1 else 0), 1, 1)
    r = refresh_automatic(start=start, end=today)
    if r.failures:
        log.error("scoring refresh failures: %s", r.failures)
    return {"facts": r.facts, "written": r.written, "taken_back": r.taken_back, "skipped_locked": r.skipped_locked, "failures": len(r.failures)}


@db_periodic_task(crontab(hour="0", minute="45"))
def ensure_partitions():
    """PostgreSQL: create the coming periods' partitions of the time-partitioned tables (orgwork.core.partitions)."""
    from .partitions import ensure_all

    return ensure_all()
