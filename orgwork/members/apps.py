from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "orgwork.members"
    label = "members"
    verbose_name = "党员"

    def ready(self):
        from orgwork.core import distribution

        from .models import Member, MemberStatusChange

        # member-level tables carrying the top-level org (the distribution column; docs/scaling.md)
        distribution.register(Member, path="org__path")
        distribution.register(MemberStatusChange, path="member__org__path", member="member_id")
        from orgwork.core import registry
        from orgwork.core.models import WRITE_ROLES

        from . import rules  # noqa: F401  registers the rule tables

        registry.nav(section=_("党员管理"), label=_("党员名册"), url_name="members:list", order=20, icon="people")
        registry.nav(section=_("党员管理"), label=_("新增党员"), url_name="members:create", order=21, roles=tuple(WRITE_ROLES), icon="plus")
