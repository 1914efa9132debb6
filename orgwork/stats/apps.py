from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "orgwork.stats"
    label = "stats"
    verbose_name = "统计"

    def ready(self):
        from orgwork.core import registry

        registry.nav(section=_("统计分析"), label=_("党员队伍统计"), url_name="stats:dashboard", order=60)
        registry.nav(section=_("统计分析"), label=_("党内统计年报"), url_name="stats:annual", order=61)
        from . import counters  # tasks registers the nightly recount

        registry.set_counter_sink(counters)  # members and orgs services keep the per-org counters through the kernel port
