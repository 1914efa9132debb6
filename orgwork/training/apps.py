from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "orgwork.training"
    label = "training"
    verbose_name = "教育培训"

    def ready(self):
        from orgwork.core import distribution

        from .models import Credit, Enrolment, ExamScore, Trainee

        # member-level tables carrying the top-level org (the distribution column; docs/scaling.md)
        distribution.register(Trainee, path="org__path", member="member_id")
        distribution.register(Enrolment, path="trainee__org__path", member="trainee__member_id")
        distribution.register(Credit, path="trainee__org__path", member="trainee__member_id")
        distribution.register(ExamScore, path="trainee__org__path", member="trainee__member_id")
        from orgwork.core import registry

        from . import reminders, rules  # noqa: F401  rule tables and the deadline provider

        section = _("教育培训")
        registry.nav(section=section, label=_("学时达标情况"), url_name="training:coverage", order=60)
        registry.nav(section=section, label=_("参训人员"), url_name="training:people", order=61)
        registry.nav(section=section, label=_("课程与培训班"), url_name="training:courses", order=62)
        registry.nav(section=section, label=_("考学"), url_name="training:exams", order=63)
        registry.nav(section=section, label=_("集中轮训"), url_name="training:rotation", order=64)
        registry.nav(section=section, label=_("支部台账"), url_name="training:ledgers", order=65)
