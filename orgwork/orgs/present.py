"""How an org's records read on screen: its audit actions and changed fields in Chinese."""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from orgwork.core.present import event_rows, ids_in

from .models import OfficerPost, Org, OrgKind, OrgOfficer, Sector
from .selectors import org_names

ACTION_LABELS = {
    "org.create": gettext_lazy("新建党组织"),
    "org.update": gettext_lazy("修改信息"),
    "org.rename": gettext_lazy("更名"),
    "org.move": gettext_lazy("调整隶属关系"),
    "org.abolish": pgettext_lazy("org history", "撤销"),  # "撤销" alone is a button: Cancel
    "org.officer_appoint": gettext_lazy("任命班子成员"),
    "org.officer_end": gettext_lazy("班子成员离任"),
    "role.grant": gettext_lazy("授予角色"),
    "role.revoke": gettext_lazy("撤销角色"),
}
ORG_FIELDS = {f.name: str(f.verbose_name) for f in Org._meta.get_fields() if hasattr(f, "verbose_name")}
ORG_FIELDS.update({"parent": gettext_lazy("上级党组织"), "path": gettext_lazy("路径"), "abolished_on": gettext_lazy("撤销日期")})
# committee seats are part of an org's change log: their fields read in Chinese too
OFFICER_FIELDS = {f.name: str(f.verbose_name) for f in OrgOfficer._meta.get_fields() if hasattr(f, "verbose_name")}
OFFICER_FIELDS.update({"member": gettext_lazy("党员"), "org": gettext_lazy("党组织"), "post": gettext_lazy("职务"), "started_on": gettext_lazy("任职日期"), "ended_on": gettext_lazy("离任日期"), "end_reason": gettext_lazy("离任原因")})
VALUE_LABELS = {"kind": dict(OrgKind.choices), "sector": dict(Sector.choices), "post": dict(OfficerPost.choices)}


def names_for(events) -> dict:
    """Org names (org, parent, party group ids) and member names (officer seats) mentioned in the changes."""
    org_ids = {v for ev in events for f in ("org", "parent", "party_group") for v in ids_in((ev.changes or {}).get(f))}
    names: dict = org_names(org_ids)
    member_ids = {v for ev in events for v in ids_in((ev.changes or {}).get("member"))}
    if member_ids:  # the member registry sits above orgs: read by model name, never imported
        Member = apps.get_model("members", "Member")
        names.update({("member", pk): name for pk, name in Member.objects.filter(pk__in=member_ids).values_list("pk", "name")})
    return names


def present_events(events, *, kind: str = "org", full_fields=()) -> list[dict]:
    events = list(events)
    return event_rows(
        events, kind="org", action_labels=ACTION_LABELS, labels={k: _(v) for k, v in {**OFFICER_FIELDS, **ORG_FIELDS}.items()}, value_labels=VALUE_LABELS, names=names_for(events),
    )
