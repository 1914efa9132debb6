from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DelegatesConfig(AppConfig):
    name = "orgwork.delegates"
    label = "delegates"
    verbose_name = "党代表"

    def ready(self):
        from orgwork.core import registry

        from . import reminders, rules  # noqa: F401  (the rule set and the deadline provider)

        registry.nav(section=_("宣传与公开"), label=_("党代表"), url_name="delegates:index", order=63)
        registry.nav(section=_("宣传与公开"), label=_("网络问政"), url_name="delegates:console_questions", order=64)
