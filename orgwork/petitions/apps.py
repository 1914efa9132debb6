from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "orgwork.petitions"
    label = "petitions"
    verbose_name = "信访"

    def ready(self):
        from orgwork.core import registry, sms

        from . import reminders, rules, services  # noqa: F401  rule tables, procedure definition, deadline links
        from .selectors import READ_ROLES

        sms.register_inbound("petitions", services.sms_inbound)
        registry.nav(section=_("群众工作"), label=_("信访"), url_name="petitions:register", order=72, roles=READ_ROLES)
        registry.nav(section=_("群众工作"), label=_("领导接访"), url_name="petitions:reception", order=73, roles=READ_ROLES)
