from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipoffsConfig(AppConfig):
    name = "orgwork.tipoffs"
    label = "tipoffs"
    verbose_name = "12380举报"

    def ready(self):
        from orgwork.core import registry

        from . import reminders, rules  # noqa: F401  rule tables, procedure definition, deadline links
        from .selectors import READ_ROLES

        registry.nav(section=_("群众工作"), label=_("12380举报"), url_name="tipoffs:register", order=70, roles=READ_ROLES)
        registry.nav(section=_("群众工作"), label=_("举报统计"), url_name="tipoffs:statistics", order=71, roles=READ_ROLES)
