from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillagesConfig(AppConfig):
    name = "orgwork.villages"
    label = "villages"
    verbose_name = "村（社区）干部与挂职选派"

    def ready(self):
        from orgwork.core import registry

        from . import reminders, rules  # noqa: F401  (registers the rule sets and the deadline provider)

        registry.nav(section=_("干部工作"), label=_("村（社区）两委"), url_name="villages:report", order=64)
        registry.nav(section=_("干部工作"), label=_("挂职选派"), url_name="villages:secondments", order=65)
        registry.nav(section=_("组织管理"), label=_("未建党组织的两新组织"), url_name="villages:units", order=42)
        registry.nav(section=_("干部工作"), label=_("村干部考评"), url_name="villages:evaluations", order=66)
        registry.nav(section=_("干部工作"), label=_("村干部报酬"), url_name="villages:pay", order=67)
        registry.nav(section=_("干部工作"), label=_("村级后备干部"), url_name="villages:reserves", order=68)
        registry.nav(section=_("干部工作"), label=_("驻村第一书记"), url_name="villages:first_secretaries", order=69)
        registry.nav(section=_("干部工作"), label=_("结对帮扶与联系点"), url_name="villages:pairings", order=70)
