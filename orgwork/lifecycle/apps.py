from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    name = "orgwork.lifecycle"
    label = "lifecycle"
    verbose_name = "组织关系转接、流动党员与党员出入"

    def ready(self):
        from orgwork.core import registry

        from . import attention, procedures, reminders, rules  # noqa: F401  (rule sets, procedures, home-page and deadline providers)
        from .services import exits  # noqa: F401  (the entry and exit procedure definitions)

        registry.nav(section=_("党员管理"), label=_("组织关系转接"), url_name="lifecycle:transfers", order=24)
        registry.nav(section=_("党员管理"), label=_("流动党员"), url_name="lifecycle:mobile", order=25)
        registry.nav(section=_("党员管理"), label=_("党员出入（能进能出）"), url_name="lifecycle:exits", order=26)
