from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "orgwork.stats"
    label = "stats"
    verbose_name = "统计"

    def ready(self):
        from orgwork.web.nav import register

        register(section="统计分析", label="党员队伍统计", url_name="stats:dashboard", order=60)
        from . import tasks  # noqa: F401  registers the nightly recount
