from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PollsConfig(AppConfig):
    name = "orgwork.polls"
    label = "polls"
    verbose_name = "民意调查"

    def ready(self):
        from orgwork.core import registry

        from . import rules  # noqa: F401  (registers the rule set)

        registry.nav(section=_("宣传与公开"), label=_("民意调查"), url_name="polls:index", order=62)
