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
