"""Background delivery: email and SMS queued by `services.send_many` go out here (at once, or when quiet hours end)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import bulk, services


@db_task()
def deliver_queued():
    counts = services.deliver_due()
    bulk.close_finished()
    return counts


@db_periodic_task(crontab(minute="*/5"))
def deliver_queued_periodically():
    """Catches up messages deferred by quiet hours or the bulk sending window, and retries after a failed attempt."""
    counts = services.deliver_due()
    bulk.close_finished()
    return counts
