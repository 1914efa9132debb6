from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "orgwork.orgs"
    label = "orgs"
    verbose_name = "党组织"

    def ready(self):
        from orgwork.core import registry

        from . import rules  # noqa: F401  registers the rule tables
        from .attention import structure_attention

        registry.nav(section=_("组织管理"), label=_("组织架构"), url_name="orgs:tree", order=10, icon="tree")
        registry.attention("orgs.structure")(structure_attention)
