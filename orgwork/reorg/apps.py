from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReorgConfig(AppConfig):
    name = "orgwork.reorg"
    label = "reorg"
    verbose_name = "组织调整"

    def ready(self):
        from orgwork.core import registry
        from orgwork.core.models import Role

        from . import procedures  # noqa: F401  org setup approval and by-election procedures (gates, hooks)

        registry.nav(section=_("组织管理"), label=_("组织调整"), url_name="reorg:list", order=60, roles=(Role.SYSADMIN, Role.DEPT_ADMIN, Role.ORG_ADMIN))
