"""Background jobs: a nightly recount that stores a fresh count and logs any drift it finds."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

log = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="2", minute="30"))
def nightly_recount():
    from .services import recount_counters

    result = recount_counters(fix=True)
    if result.drift:
        log.warning("stats recount: %d counters drifted (first: %s)", len(result.drift), result.drift[0])
    return len(result.drift)
