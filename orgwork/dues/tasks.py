"""The daily job: remind branches of members 6 months in dues arrears (once a month per branch)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .reminders import send_arrears_reminders


@db_periodic_task(crontab(hour="6", minute="25"))
def daily_dues_reminders():
    return send_arrears_reminders()
