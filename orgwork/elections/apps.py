from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "orgwork.elections"
    label = "elections"
    verbose_name = "换届选举"

    def ready(self):
        from orgwork.core import registry

        from . import attention, reminders, rules, services  # noqa: F401  rule tables, procedure gates/hooks, attention and deadline providers

        registry.nav(section=_("组织生活"), label=_("换届选举"), url_name="elections:list", order=45)
