from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .reminders import send_term_reminders


@db_periodic_task(crontab(hour="6", minute="20"))
def daily_term_reminders():
    return send_term_reminders()
