from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DuesConfig(AppConfig):
    name = "orgwork.dues"
    label = "dues"
    verbose_name = "党费"

    def ready(self):
        from orgwork.core import distribution

        from .models import DuesBase, DuesMonth, DuesPayment, DuesRelief, MemberPayment

        # member-level tables carrying the top-level org (the distribution column; docs/scaling.md)
        distribution.register(DuesBase, path="member__org__path", member="member_id")
        distribution.register(DuesRelief, path="member__org__path", member="member_id")
        distribution.register(DuesPayment, path="member__org__path", member="member_id")
        distribution.register(DuesMonth, path="member__org__path", member="member_id")
        distribution.register(MemberPayment, path="member__org__path", member="member_id")
        from orgwork.core import partitions, registry

        from . import attention, reminders, rules, scoring  # noqa: F401  (scoring: automatic score indicators);  (registers rule sets, the home-page and deadline providers)

        partitions.register("dues_duesmonth", "month", "year")  # the ledger, partitioned by year on PostgreSQL (migration 0002)
        registry.nav(section=_("党费管理"), label=_("党费台账"), url_name="dues:ledger", order=35)
        registry.nav(section=_("党费管理"), label=_("党费欠交"), url_name="dues:arrears", order=36)
        registry.nav(section=_("党费管理"), label=_("党费收缴统计"), url_name="dues:report", order=37)
