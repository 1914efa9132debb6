from django.apps import AppConfig


class SelfserviceConfig(AppConfig):
    name = "orgwork.selfservice"
    label = "selfservice"
    verbose_name = "党员自助"

    def ready(self):
        from . import attention  # noqa: F401  (registers the attention item)
