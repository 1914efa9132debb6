"""The daily job: compute compliance and queue reminders to the responsible secretaries."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .reminders import send_compliance_reminders


@db_periodic_task(crontab(hour="6", minute="10"))
def daily_compliance_reminders():
    return send_compliance_reminders()
