from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "orgwork.web"
    label = "web"
    verbose_name = "控制台"
