from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "orgwork.disclosure"
    label = "disclosure"
    verbose_name = "党务公开"

    def ready(self):
        from orgwork.core import registry

        from . import reminders, rules  # noqa: F401  (the rule set and the deadline provider)

        registry.nav(section=_("宣传与公开"), label=_("党务公开"), url_name="disclosure:index", order=61)
