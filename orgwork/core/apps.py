from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "orgwork.core"
    label = "core"
    verbose_name = "内核"

    def ready(self):
        from . import distribution
        from .scoring.models import ScoreEntry, ScoreTotal

        # member-level tables carrying the top-level org (the distribution column; docs/scaling.md)
        distribution.register(ScoreEntry, path="org__path", member="subject_id", where={"subject_type": "members.member"})
        distribution.register(ScoreTotal, path="org_path", member="subject_id", where={"subject_type": "members.member"})
        # the other tables with the column are registered from their TOP_ORG_FROM (distribution._register_the_rest)
        from . import partitions, signin_audit  # noqa: F401  (sign-ins and failed attempts in the audit trail)

        partitions.register("core_auditevent", "created_at", "month")  # partitioned by month on PostgreSQL (migration 0011)
        partitions.register("core_scoreentry", "occurred_on", "year")  # score entries, by year on PostgreSQL (migration 0013)
        from . import calendar_attention  # noqa: F401  (next year's working-day calendar missing → the department is told)
