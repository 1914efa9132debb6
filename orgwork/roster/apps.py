from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterConfig(AppConfig):
    name = "orgwork.roster"
    label = "roster"
    verbose_name = "花名册导入导出"

    def ready(self):
        from orgwork.core import registry

        registry.nav(section=_("党员管理"), label=_("花名册导入"), url_name="roster:import", order=22, roles=("sysadmin", "dept_admin", "org_admin", "secretary"))
        registry.nav(section=_("党员管理"), label=_("花名册导出"), url_name="roster:export", order=23, roles=("sysadmin", "dept_admin", "org_admin", "secretary"))
        from . import tasks  # noqa: F401  registers the import job
