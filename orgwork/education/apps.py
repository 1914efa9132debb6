from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EducationConfig(AppConfig):
    name = "orgwork.education"
    label = "education"
    verbose_name = "远程教育与阵地"

    def ready(self):
        from orgwork.core import registry

        from . import reminders, rules  # noqa: F401  (registers the rule set and the deadline provider)

        registry.nav(section=_("党员教育"), label=_("站点与阵地"), url_name="education:venues", order=80)
        registry.nav(section=_("党员教育"), label=_("课程资源"), url_name="education:courses", order=81)
        registry.nav(section=_("党员教育"), label=_("站点学习"), url_name="education:sessions", order=82)
        registry.nav(section=_("党员教育"), label=_("站点月度活跃"), url_name="education:activity", order=83)
