from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffingConfig(AppConfig):
    name = "orgwork.staffing"
    label = "staffing"
    verbose_name = "党务工作者"

    def ready(self):
        from orgwork.core import registry

        from . import attention, rules  # noqa: F401  (registers the rule set and the home-page provider)

        registry.nav(section=_("组织管理"), label=_("党务工作者配备"), url_name="staffing:report", order=11)
