from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "orgwork.core"
    label = "core"
    verbose_name = "内核"
