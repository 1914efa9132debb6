"""The daily job: reminders for late transfer receipts, overdue transfers and mobile members out of contact."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .reminders import send_lifecycle_reminders


@db_periodic_task(crontab(hour="6", minute="20"))
def daily_lifecycle_reminders():
    return send_lifecycle_reminders()
