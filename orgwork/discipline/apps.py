from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisciplineConfig(AppConfig):
    name = "orgwork.discipline"
    label = "discipline"
    verbose_name = "党纪处分"

    def ready(self):
        from orgwork.core import registry

        from . import rules  # noqa: F401  rule tables
        from .selectors import READ_ROLES

        registry.nav(section=_("党员管理"), label=_("党纪处分"), url_name="discipline:list", order=38, roles=READ_ROLES)
