from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoresConfig(AppConfig):
    name = "orgwork.scores"
    label = "scores"
    verbose_name = "积分与星级"

    def ready(self):
        from orgwork.core import registry

        from . import providers, reminders, rules  # noqa: F401  (rule sets, the automatic provider of orgs, the deadline provider)

        registry.nav(section=_("党员积分与评星"), label=_("积分审核"), url_name="scores:queue", order=60)
        registry.nav(section=_("党员积分与评星"), label=_("积分排名"), url_name="scores:ranking", order=61)
        registry.nav(section=_("党员积分与评星"), label=_("积分公示"), url_name="scores:periods", order=62)
        registry.nav(section=_("党员积分与评星"), label=_("支部星级评定"), url_name="scores:stars", order=63)
        registry.nav(section=_("党员积分与评星"), label=_("软弱涣散整顿"), url_name="scores:cases", order=64)
        registry.nav(section=_("党员积分与评星"), label=_("述职评议"), url_name="scores:assessments", order=65)
        registry.nav(section=_("党员积分与评星"), label=_("无职党员设岗"), url_name="scores:posts", order=66)
        registry.nav(section=_("党员积分与评星"), label=_("评分指标体系"), url_name="scores:sets", order=67)
