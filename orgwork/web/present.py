"""How records read on screen: audit actions and changed fields in Chinese."""

from __future__ import annotations

from django.utils.translation import gettext as _

from orgwork.core import privacy
from orgwork.members.models import Category as MemberCategory
from orgwork.members.models import Education, Gender, Standing, StatusAction
from orgwork.members.validation import FIELD_LABELS as MEMBER_FIELDS
from orgwork.orgs.models import OfficerPost, Org, OrgKind, OrgOfficer, Sector
from orgwork.orgs.selectors import org_names

ACTION_LABELS = {
    "org.create": "新建党组织",
    "org.update": "修改信息",
    "org.rename": "更名",
    "org.move": "调整隶属关系",
    "org.abolish": "撤销",
    "org.officer_appoint": "任命班子成员",
    "org.officer_end": "班子成员离任",
    "member.create": "新增党员",
    "member.update": "修改信息",
    "member.move": "调整所在党组织",
    "member.import": "导入",
    "member.demo": "演示数据",
    "member.link_user": "关联登录账号",
    "member.party_group": "调整所在党小组",
    "role.grant": "授予角色",
    "role.revoke": "撤销角色",
    "personal.read": "查看完整个人信息",
}
for _code, _label in StatusAction.choices:
    ACTION_LABELS[f"member.{_code}"] = str(_label)

ORG_FIELDS = {f.name: str(f.verbose_name) for f in Org._meta.get_fields() if hasattr(f, "verbose_name")}
ORG_FIELDS.update({"parent": "上级党组织", "path": "路径", "abolished_on": "撤销日期"})
# committee seats are part of an org's change log: their fields read in Chinese too
OFFICER_FIELDS = {f.name: str(f.verbose_name) for f in OrgOfficer._meta.get_fields() if hasattr(f, "verbose_name")}
OFFICER_FIELDS.update({"member": "党员", "org": "党组织", "post": "职务", "started_on": "任职日期", "ended_on": "离任日期", "end_reason": "离任原因"})
VALUE_LABELS = {
    "kind": dict(OrgKind.choices),
    "sector": dict(Sector.choices),
    "gender": dict(Gender.choices),
    "education": dict(Education.choices),
    "category": dict(MemberCategory.choices),
    "standing": dict(Standing.choices),
    "post": dict(OfficerPost.choices),
}


def action_label(action: str) -> str:
    return _(ACTION_LABELS.get(action, action))


def person_name(user) -> str:
    """What users read for a user: the real name (account name, or the linked member's name), never the login."""
    if user is None:
        return ""
    full = (user.get_full_name() or "").strip()
    if full:
        return full
    member = getattr(user, "member", None)
    return getattr(member, "name", "") or _("（账号未登记姓名）")


def label_name(label: str) -> str:
    """A stored actor label ("town_a", "town_a（接收组织关系转接#1）", "system:…") as users read it."""
    label = label or ""
    if not label:
        return ""
    if label.startswith("system"):
        return _("系统")
    login, sep, rest = label.partition("（")
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=login).select_related("member").first()
    if user is None:
        return label
    return person_name(user) + (sep + rest if sep else "")


def _value(field, value, names=None, masked=frozenset()):
    if field in ("org", "parent", "party_group") and names and value in names:
        return names[value]
    if field == "member" and names and ("member", value) in names:
        return names[("member", value)]
    if value in (None, ""):
        return "—"
    if field in masked:
        return privacy.mask(field, value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    labels = VALUE_LABELS.get(field)
    if labels and value in labels:
        return str(labels[value])
    return str(value)


def change_rows(changes: dict, *, labels: dict, names: dict | None = None, masked=frozenset()) -> list[tuple[str, str, str]]:
    rows = []
    for field, pair in (changes or {}).items():
        if field in {"path"}:
            continue
        old, new = ([*pair, None, None])[:2] if isinstance(pair, list) else (None, pair)
        rows.append((labels.get(field, field), _value(field, old, names, masked), _value(field, new, names, masked)))
    return rows


def _ids(pair) -> list[int]:
    values = pair if isinstance(pair, list) else [pair]
    return [v for v in values if isinstance(v, int)]


def present_events(events, *, kind: str, full_fields=()) -> list[dict]:
    """Audit events as rows; ID numbers and phones in changes stay masked unless `full_fields` were revealed."""
    masked = frozenset(privacy.MASKED_FIELDS) - set(full_fields) if kind == "member" else frozenset()
    labels = {**OFFICER_FIELDS, **ORG_FIELDS} if kind == "org" else {**MEMBER_FIELDS, "org": "所在党组织", "standing_since": "状态日期", "party_group": "所在党小组"}
    events = list(events)
    org_ids = {v for ev in events for f in ("org", "parent", "party_group") for v in _ids((ev.changes or {}).get(f))}
    names: dict = org_names(org_ids)
    member_ids = {v for ev in events for v in _ids((ev.changes or {}).get("member"))}
    if member_ids:
        from orgwork.members.models import Member

        names.update({("member", pk): name for pk, name in Member.objects.filter(pk__in=member_ids).values_list("pk", "name")})
    out = []
    for ev in events:
        reason = (ev.data or {}).get("reason", "")
        label = action_label(ev.action)
        if ev.action == "personal.read":
            label = f"{label}（{'、'.join((ev.data or {}).get('labels', []))}）"
        out.append(
            {
                "when": ev.created_at,
                "who": person_name(ev.actor) if ev.actor_id else label_name(ev.actor_label),
                "action": label,
                "object": ev.object_repr if ev.object_type != f"{kind}s.{kind}" else "",
                "changes": change_rows(ev.changes, labels=labels, names=names, masked=masked) if ev.action not in ("member.import", "member.demo") else [],
                "reason": reason,
                "seq": ev.seq,
            }
        )
    return out


def allowed_actions(member) -> list[tuple[str, str]]:
    """The status actions that apply to the member now (the service checks again)."""
    s, c = member.standing, member.category
    codes: list[str] = []
    if s == Standing.NORMAL:
        if c == MemberCategory.PROBATIONARY:
            codes.append(StatusAction.CONFIRM)
        codes += [StatusAction.FOUND_CONTACT if member.lost_contact else StatusAction.LOST_CONTACT, StatusAction.TRANSFER_OUT, StatusAction.SUSPEND]
        codes += [StatusAction.REMOVE, StatusAction.EXIT, StatusAction.DECEASE]
    elif s == Standing.SUSPENDED:
        codes += [StatusAction.RESTORE, StatusAction.REMOVE, StatusAction.EXIT, StatusAction.DECEASE]
    elif s in (Standing.REMOVED, Standing.EXITED):
        codes.append(StatusAction.DECEASE)
    labels = dict(StatusAction.choices)
    return [(str(code), str(labels[code])) for code in codes]
