from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "orgwork.web"
    label = "web"
    verbose_name = "控制台"

    def ready(self):
        from orgwork.core import registry

        registry.nav(section=_("工作台"), label=_("首页"), url_name="web:home", order=0, icon="home")
        registry.nav(section=_("系统设置"), label=_("工作日历"), url_name="web:calendar", order=90)

        # Django admin is for system configuration by superusers, not for daily work by staff.
        from django.contrib import admin

        admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser
