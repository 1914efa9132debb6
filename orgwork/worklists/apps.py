from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorklistsConfig(AppConfig):
    name = "orgwork.worklists"
    label = "worklists"
    verbose_name = "工作清单"

    def ready(self):
        from orgwork.core import registry

        from . import attention, reminders, rules  # noqa: F401  (registers the rule sets, deadline providers and home-page items)

        registry.nav(section=_("工作管理"), label=_("挂图作战"), url_name="worklists:wall", order=60)
        registry.nav(section=_("工作管理"), label=_("工作任务"), url_name="worklists:tasks", order=61)
        registry.nav(section=_("工作管理"), label=_("交办事项（13710）"), url_name="worklists:matters", order=62)
        registry.nav(section=_("工作管理"), label=_("问题清单与整改"), url_name="worklists:issues", order=63)
        registry.nav(section=_("工作管理"), label=_("村集体经济"), url_name="worklists:incomes", order=64)
        registry.nav(section=_("工作管理"), label=_("关爱帮扶"), url_name="worklists:care", order=65)
