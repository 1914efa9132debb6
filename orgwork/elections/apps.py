from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "orgwork.elections"
    label = "elections"
    verbose_name = "换届选举"

    def ready(self):
        from . import rules  # noqa: F401  registers the rule tables
