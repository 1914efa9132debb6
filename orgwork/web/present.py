"""How records read on screen: audit actions and changed fields in Chinese."""

from __future__ import annotations

from django.utils.translation import gettext as _

from orgwork.members.models import Category as MemberCategory
from orgwork.members.models import Education, Gender, Standing, StatusAction
from orgwork.members.validation import FIELD_LABELS as MEMBER_FIELDS
from orgwork.orgs.models import Org, OrgKind, Sector
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
    "role.grant": "授予角色",
    "role.revoke": "撤销角色",
}
for _code, _label in StatusAction.choices:
    ACTION_LABELS[f"member.{_code}"] = str(_label)

ORG_FIELDS = {f.name: str(f.verbose_name) for f in Org._meta.get_fields() if hasattr(f, "verbose_name")}
ORG_FIELDS.update({"parent": "上级党组织", "path": "路径", "abolished_on": "撤销日期"})
VALUE_LABELS = {
    "kind": dict(OrgKind.choices),
    "sector": dict(Sector.choices),
    "gender": dict(Gender.choices),
    "education": dict(Education.choices),
    "category": dict(MemberCategory.choices),
    "standing": dict(Standing.choices),
}


def action_label(action: str) -> str:
    return _(ACTION_LABELS.get(action, action))


def _value(field, value, names=None):
    if field in ("org", "parent") and names and value in names:
        return names[value]
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    labels = VALUE_LABELS.get(field)
    if labels and value in labels:
        return str(labels[value])
    return str(value)


def change_rows(changes: dict, *, labels: dict, names: dict | None = None) -> list[tuple[str, str, str]]:
    rows = []
    for field, pair in (changes or {}).items():
        if field in {"path"}:
            continue
        old, new = ([*pair, None, None])[:2] if isinstance(pair, list) else (None, pair)
        rows.append((labels.get(field, field), _value(field, old, names), _value(field, new, names)))
    return rows


def present_events(events, *, kind: str) -> list[dict]:
    labels = ORG_FIELDS if kind == "org" else {**MEMBER_FIELDS, "org": "所在党组织", "standing_since": "状态日期"}
    events = list(events)
    org_ids = {v for ev in events for f in ("org", "parent") for v in (ev.changes or {}).get(f, []) or []}
    names = org_names(org_ids)
    out = []
    for ev in events:
        reason = (ev.data or {}).get("reason", "")
        out.append(
            {
                "when": ev.created_at,
                "who": ev.actor_label,
                "action": action_label(ev.action),
                "object": ev.object_repr if ev.object_type != f"{kind}s.{kind}" else "",
                "changes": change_rows(ev.changes, labels=labels, names=names) if ev.action not in ("member.import", "member.demo") else [],
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
