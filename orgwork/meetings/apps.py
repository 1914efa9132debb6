from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "orgwork.meetings"
    label = "meetings"
    verbose_name = "组织生活"

    def ready(self):
        from orgwork.core import distribution

        from .models import Attendance, Meeting

        # member-level tables carrying the top-level org (the distribution column; docs/scaling.md)
        distribution.register(Meeting, path="org__path")
        distribution.register(Attendance, path="member__org__path", member="member_id")
        from orgwork.core import registry

        from . import attention, reminders, rules, scoring  # noqa: F401  (scoring: automatic score indicators);  registers rule tables, the attention and deadline providers

        registry.nav(section=_("组织生活"), label=_("组织生活记录"), url_name="meetings:list", order=40)
        registry.nav(section=_("组织生活"), label=_("月调度"), url_name="meetings:monthly", order=41)
        registry.nav(section=_("组织生活"), label=_("季通报"), url_name="meetings:quarterly", order=42)
        registry.nav(section=_("组织生活"), label=_("民主评议"), url_name="meetings:appraisals", order=43)
