from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "orgwork.training"
    label = "training"
    verbose_name = "教育培训"

    def ready(self):
        from . import reminders, rules  # noqa: F401  rule tables and the deadline provider
