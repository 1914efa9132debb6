from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    name = "orgwork.recruitment"
    label = "recruitment"
    verbose_name = "发展党员"

    def ready(self):
        from orgwork.core import distribution

        from .models import Applicant

        # member-level tables carrying the top-level org (the distribution column; docs/scaling.md)
        distribution.register(Applicant, path="org__path")
        from orgwork.core import registry

        from . import reminders, rules  # noqa: F401  procedure definitions, gates, hooks and deadline links

        registry.nav(section=_("发展党员"), label=_("发展党员"), url_name="recruitment:list", order=30)
        registry.nav(section=_("发展党员"), label=_("发展计划"), url_name="recruitment:plan", order=31)
        from .selectors import attention_items

        registry.attention("recruitment.due")(attention_items)
