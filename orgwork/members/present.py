"""How a member's records read on screen: audit actions and changed fields in Chinese, the status actions that apply."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgwork.core import privacy
from orgwork.core.present import event_rows
from orgwork.orgs import present as org_present

from .models import Category as MemberCategory
from .models import Education, Gender, Standing, StatusAction
from .validation import FIELD_LABELS as MEMBER_FIELDS

ACTION_LABELS = {
    **org_present.ACTION_LABELS,
    "member.create": gettext_lazy("新增党员"),
    "member.update": gettext_lazy("修改信息"),
    "member.move": gettext_lazy("调整所在党组织"),
    "member.import": gettext_lazy("导入"),
    "member.demo": gettext_lazy("演示数据"),
    "member.link_user": gettext_lazy("关联登录账号"),
    "member.party_group": gettext_lazy("调整所在党小组"),
    "personal.read": gettext_lazy("查看完整个人信息"),
}
for _code, _label in StatusAction.choices:
    ACTION_LABELS[f"member.{_code}"] = str(_label)

VALUE_LABELS = {
    **org_present.VALUE_LABELS,
    "gender": dict(Gender.choices),
    "education": dict(Education.choices),
    "category": dict(MemberCategory.choices),
    "standing": dict(Standing.choices),
}


def present_events(events, *, kind: str = "member", full_fields=()) -> list[dict]:
    """A member's audit events as rows; ID numbers and phones stay masked unless `full_fields` were revealed."""
    events = list(events)
    masked = frozenset(privacy.MASKED_FIELDS) - set(full_fields)
    labels = {k: _(v) for k, v in MEMBER_FIELDS.items()}
    labels.update({"org": _("所在党组织"), "standing_since": _("状态日期"), "party_group": _("所在党小组")})
    return event_rows(
        events, kind="member", action_labels=ACTION_LABELS, labels=labels, value_labels=VALUE_LABELS, names=org_present.names_for(events), masked=masked,
        no_changes=("member.import", "member.demo"),
    )  # fmt: skip


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
