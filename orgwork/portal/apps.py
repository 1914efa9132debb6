from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "orgwork.portal"
    label = "portal"
    verbose_name = "门户网站"

    def ready(self):
        from orgwork.core import registry

        from . import rules  # noqa: F401  (registers the rule set)
        from .search import articles

        registry.nav(section=_("宣传与公开"), label=_("门户网站"), url_name="portal:console", order=60)
        registry.search("portal.articles", articles, label=_("门户文章"), order=70)
