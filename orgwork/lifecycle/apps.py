from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "orgwork.lifecycle"
    label = "lifecycle"
    verbose_name = "组织关系转接、流动党员与党员出入"

    def ready(self):
        from orgwork.core import registry

        from . import attention, exits, reminders, rules  # noqa: F401  (rule sets, procedures, home-page and deadline providers)

        registry.nav(section="党员管理", label="组织关系转接", url_name="lifecycle:transfers", order=24)
        registry.nav(section="党员管理", label="流动党员", url_name="lifecycle:mobile", order=25)
        registry.nav(section="党员管理", label="党员出入（能进能出）", url_name="lifecycle:exits", order=26)
