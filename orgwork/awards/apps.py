from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "orgwork.awards"
    label = "awards"
    verbose_name = "评选表彰"

    def ready(self):
        from orgwork.core import registry

        from . import reminders, rules  # noqa: F401  (registers the rule sets and the deadline providers)

        registry.nav(section=_("评选表彰"), label=_("评选表彰"), url_name="awards:selections", order=70)
        registry.nav(section=_("评选表彰"), label=_("光荣在党50年"), url_name="awards:honours", order=71)
        registry.nav(section=_("评选表彰"), label=_("示范点与示范岗"), url_name="awards:model_sites", order=72)
        registry.nav(section=_("评选表彰"), label=_("人才库"), url_name="awards:talents", order=73)
