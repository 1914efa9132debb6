from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "orgwork.web"
    label = "web"
    verbose_name = "控制台"

    def ready(self):
        from orgwork.core import registry
        from orgwork.core.models import WRITE_ROLES

        registry.nav(section=_("工作台"), label=_("首页"), url_name="web:home", order=0, icon="home")
        registry.nav(section=_("组织管理"), label=_("组织架构"), url_name="web:org_tree", order=10, icon="tree")
        registry.nav(section=_("党员管理"), label=_("党员名册"), url_name="web:member_list", order=20, icon="people")
        registry.nav(section=_("党员管理"), label=_("新增党员"), url_name="web:member_create", order=21, roles=tuple(WRITE_ROLES), icon="plus")
        registry.nav(section=_("系统设置"), label=_("工作日历"), url_name="web:calendar", order=90)
        registry.attention("orgs.structure")(structure_attention)

        # Django admin is for system configuration by superusers, not for daily work by staff.
        from django.contrib import admin

        admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser


def structure_attention(actor, under=None):
    """Structure warnings (rules.md §1) as home-page attention items."""
    from django.urls import reverse

    from orgwork.core.registry import Item
    from orgwork.orgs.selectors import WARNING_LABELS, structure_warnings

    severity = {"term_expired": "danger", "too_few_full_members": "warning", "too_many_members": "warning", "committee_required": "warning", "term_unknown": "info"}
    return [
        Item(
            kind="structure",
            title=f"{w.org_name}：{WARNING_LABELS.get(w.code, w.code)}",
            detail=w.message,
            url=reverse("web:org_detail", args=[w.org_id]),
            severity=severity.get(w.code, "warning"),
            org_id=w.org_id,
        )
        for w in structure_warnings(actor, under=under)
    ]
