from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "orgwork.members"
    label = "members"
    verbose_name = "党员"

    def ready(self):
        from . import rules  # noqa: F401  registers the rule tables
