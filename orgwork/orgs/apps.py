from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgwork.orgs"
    label = "orgs"
    verbose_name = "党组织"

    def ready(self):
        from . import rules  # noqa: F401  registers the rule tables
