from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadresConfig(AppConfig):
    name = "orgwork.cadres"
    label = "cadres"
    verbose_name = "干部工作"

    def ready(self):
        from orgwork.core import registry

        from . import attention, deadlines, rules  # noqa: F401  rule tables, procedure definition, deadline providers, home items
        from .selectors import READ_ROLES

        registry.nav(section=_("干部工作"), label=_("干部名册"), url_name="cadres:list", order=60, roles=READ_ROLES)
        registry.nav(section=_("干部工作"), label=_("选拔任用"), url_name="cadres:selections", order=61, roles=READ_ROLES)
        registry.nav(section=_("干部工作"), label=_("竞争性选拔"), url_name="cadres:competitions", order=61, roles=READ_ROLES)
        registry.nav(section=_("干部工作"), label=_("职数与预警"), url_name="cadres:units", order=62, roles=READ_ROLES)
        registry.nav(section=_("干部工作"), label=_("日常监督"), url_name="cadres:oversight", order=65, roles=READ_ROLES)
        registry.nav(section=_("干部工作"), label=_("谈心谈话"), url_name="cadres:talks", order=66, roles=READ_ROLES)
        registry.nav(section=_("干部工作"), label=_("后备干部"), url_name="cadres:reserves", order=63, roles=READ_ROLES)
        registry.nav(section=_("干部工作"), label=_("个人有关事项"), url_name="cadres:reports", order=64, roles=READ_ROLES)
