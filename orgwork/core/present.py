"""How records read on screen — the generic part: people by their real names, audit changes as rows of Chinese
labels and readable values. The registries add their own labels (orgs/present.py, members/present.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import privacy


def day_text(d) -> str:
    """A date as a message writes it (2024年3月5日 in Chinese), in the reader's language; "" for none."""
    return _("%(year)s年%(month)s月%(day)s日") % {"year": d.year, "month": d.month, "day": d.day} if d else ""


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

    user = get_user_model().objects.filter(username=login).first()  # the member (person_name) only when the account has no name
    if user is None:
        return label
    return person_name(user) + (sep + rest if sep else "")


def value_text(field, value, *, value_labels: dict, names=None, masked=frozenset()):
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
    labels = value_labels.get(field)
    if labels and value in labels:
        return str(labels[value])
    return str(value)


def change_rows(changes: dict, *, labels: dict, value_labels: dict, names: dict | None = None, masked=frozenset()) -> list[tuple[str, str, str]]:
    rows = []
    for field, pair in (changes or {}).items():
        if field in {"path"}:
            continue
        old, new = ([*pair, None, None])[:2] if isinstance(pair, list) else (None, pair)
        rows.append((labels.get(field, field), value_text(field, old, value_labels=value_labels, names=names, masked=masked), value_text(field, new, value_labels=value_labels, names=names, masked=masked)))
    return rows


def ids_in(pair) -> list[int]:
    values = pair if isinstance(pair, list) else [pair]
    return [v for v in values if isinstance(v, int)]


def event_rows(events, *, kind: str, action_labels: dict, labels: dict, value_labels: dict, names: dict, masked=frozenset(), no_changes=()) -> list[dict]:
    """Audit events as rows for a record's history."""
    out = []
    for ev in events:
        reason = (ev.data or {}).get("reason", "")
        label = _(action_labels.get(ev.action, ev.action))
        if ev.action == "personal.read":
            label = f"{label}（{'、'.join((ev.data or {}).get('labels', []))}）"
        out.append(
            {
                "when": ev.created_at,
                "who": person_name(ev.actor) if ev.actor_id else label_name(ev.actor_label),
                "action": label,
                "object": ev.object_repr if ev.object_type != f"{kind}s.{kind}" else "",
                "changes": change_rows(ev.changes, labels=labels, value_labels=value_labels, names=names, masked=masked) if ev.action not in no_changes else [],
                "reason": reason,
                "seq": ev.seq,
            }
        )
    return out
