"""Kernel background jobs: the daily audit anchor."""

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
