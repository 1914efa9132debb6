from django.apps import AppConfig


class ReorgConfig(AppConfig):
    name = "orgwork.reorg"
    label = "reorg"
    verbose_name = "组织调整"

    def ready(self):
        from orgwork.core import registry
        from orgwork.core.models import Role

        from . import procedures  # noqa: F401  org setup approval and by-election procedures (gates, hooks)

        registry.nav(section="党组织管理", label="组织调整", url_name="reorg:list", order=60, roles=(Role.SYSADMIN, Role.DEPT_ADMIN, Role.ORG_ADMIN))
