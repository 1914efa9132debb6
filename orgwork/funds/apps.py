from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "orgwork.funds"
    label = "funds"
    verbose_name = "党建经费"

    def ready(self):
        from orgwork.core import registry

        from . import attention, rules  # noqa: F401  (registers the rule set and the home-page provider)

        registry.nav(section=_("党费管理"), label=_("党建经费"), url_name="funds:report", order=38)
