"""Every write to the org tree: keyword-only arguments, one transaction, one audit event each."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from orgwork.core import audit, distribution, params, registry
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, ServiceError
from orgwork.core.fields import subtree_q
from orgwork.core.normalize import clean_name, clean_text
from orgwork.core.pinyin import name_pinyin
from orgwork.core.scope import scope

from .models import ALLOWED_PARENTS, STEP, Org, OrgKind, OrgOfficer, Sector, encode_step

EDITABLE_FIELDS = (
    "name",
    "short_name",
    "kind",
    "sector",
    "unit_name",
    "founded_on",
    "contact",
    "phone",
    "address",
    "term_started_on",
    "term_years",
    "code",
)


def _writable(actor: Actor, org_id) -> Org:
    """An org the actor may change; NotFound otherwise (no existence leak)."""
    return params.writable_org(actor, org_id, active=False, missing="not_found", lock=True)


def _validate(values: dict, *, parent: Org | None, instance: Org | None = None) -> dict:
    errors: list[FieldError] = []
    out = dict(values)
    if "name" in out:
        out["name"] = clean_name(out["name"])
        if not out["name"]:
            errors.append(FieldError("name", "required", _("党组织名称不能为空")))
        elif len(out["name"]) > 120:
            errors.append(FieldError("name", "bad_value", _("党组织名称不能超过120个字")))
    for key in ("short_name", "unit_name", "contact", "phone", "address"):
        if key in out:
            out[key] = clean_text(out[key])
    if "kind" in out and out["kind"] not in OrgKind.values:
        errors.append(FieldError("kind", "bad_value", _("党组织类别“%(kind)s”无效") % {"kind": out['kind']}))
    if "sector" in out:
        if not out["sector"]:
            out["sector"] = Sector.OTHER
        elif out["sector"] not in Sector.values:
            errors.append(FieldError("sector", "bad_value", _("单位所属领域“%(sector)s”无效") % {"sector": out['sector']}))
    today = dt.date.today()
    for key, label in (("founded_on", "成立日期"), ("term_started_on", "本届任期开始日期")):
        value = out.get(key)
        if value and value > today:
            errors.append(FieldError(key, "future_date", _("%(label)s不能晚于今天") % {"label": label}))
    if out.get("term_years") is not None and not (1 <= int(out["term_years"]) <= 10):
        errors.append(FieldError("term_years", "bad_value", _("任期年限应在1到10年之间")))
    kind = out.get("kind", instance.kind if instance else None)
    if kind in OrgKind.values:
        parent_kind = parent.kind if parent else None
        if parent_kind not in ALLOWED_PARENTS[OrgKind(kind)]:
            where = parent.get_kind_display() if parent else "顶层"
            errors.append(
                FieldError("parent", "bad_parent", _("%(label)s不能设在%(where)s之下") % {"label": OrgKind(kind).label, "where": where})
            )
    if parent is not None and not parent.is_active:
        errors.append(FieldError("parent", "bad_parent", _("上级党组织“%(name)s”已撤销") % {"name": parent.name}))
    code = out.get("code")
    if code is not None:
        out["code"] = clean_name(code)
        if out["code"]:
            clash = Org.objects.filter(code=out["code"])
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists():
                errors.append(FieldError("code", "duplicate_existing", _("组织代码“%(code)s”已被使用") % {"code": out['code']}))
    if errors:
        raise ServiceError(errors)
    return out


def _next_child_path(parent: Org | None) -> tuple[str, int]:
    if parent is None:
        last = Org.objects.filter(depth=1).order_by("-path").values_list("path", flat=True).first()
        n = (int(last, 36) if last else 0) + 1
        return encode_step(n), 1
    Org.objects.filter(pk=parent.pk).update(child_seq=F("child_seq") + 1)
    parent.refresh_from_db(fields=["child_seq"])
    return parent.path + encode_step(parent.child_seq), parent.depth + 1


@transaction.atomic
def create_org(*, actor: Actor, parent_id: int | None, name: str, kind: str, **fields) -> Org:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown org fields: {sorted(unknown)}")
    if parent_id is None:
        if not actor.unrestricted:
            raise ServiceError.single("parent", "required", _("请选择上级党组织"))
        parent = None
    else:
        try:
            parent = _writable(actor, parent_id)
        except NotFound:
            raise ServiceError.single("parent", "unknown_org", _("上级党组织不存在或不在您的管理范围内")) from None
    values = _validate({"name": name, "kind": kind, **fields}, parent=parent)
    path, depth = _next_child_path(parent)
    if not values.get("code"):
        values["code"] = f"O{path}"
    pinyin, initials = name_pinyin(values["name"])
    org = Org.objects.create(
        path=path, depth=depth, parent=parent, name_pinyin=pinyin, name_initials=initials, **values
    )
    audit.record(actor, "org.create", org, changes=audit.diff({}, {k: getattr(org, k) for k in values} | {"parent": parent.pk if parent else None}))
    return org


@transaction.atomic
def update_org(*, actor: Actor, org_id: int, **fields) -> Org:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown org fields: {sorted(unknown)}")
    org = _writable(actor, org_id)
    if not org.is_active:
        raise ServiceError.single("org", "abolished", _("已撤销的党组织不能修改"))
    values = _validate(fields, parent=org.parent, instance=org)
    if values.get("code") == "":
        values.pop("code")
    before = audit.snapshot(org, values)
    for key, value in values.items():
        setattr(org, key, value)
    if "name" in values:
        org.name_pinyin, org.name_initials = name_pinyin(org.name)
    changes = audit.diff(before, audit.snapshot(org, values))
    if not changes:
        return org
    org.save()
    if "sector" in changes:
        registry.counters().sector_changed(org=org, old=before["sector"], new=org.sector)
    action = "org.rename" if set(changes) == {"name"} else "org.update"
    audit.record(actor, action, org, changes=changes)
    return org


def rename_org(*, actor: Actor, org_id: int, name: str, short_name: str | None = None) -> Org:
    fields = {"name": name}
    if short_name is not None:
        fields["short_name"] = short_name
    return update_org(actor=actor, org_id=org_id, **fields)


@transaction.atomic
def move_org(*, actor: Actor, org_id: int, new_parent_id: int) -> Org:
    """Move an org with its whole subtree under a new parent (one UPDATE of the paths)."""
    org = _writable(actor, org_id)
    try:
        new_parent = _writable(actor, new_parent_id)
    except NotFound:
        raise ServiceError.single("parent", "unknown_org", _("目标上级党组织不存在或不在您的管理范围内")) from None
    if new_parent.path.startswith(org.path):
        raise ServiceError.single("parent", "bad_parent", _("不能把党组织移到它自己或它的下级之下"))
    if new_parent.pk == org.parent_id:
        raise ServiceError.single("parent", "bad_parent", _("党组织已在该上级之下"))
    _validate({}, parent=new_parent, instance=org)
    old_path, old_parent_id = org.path, org.parent_id
    new_path, new_depth = _next_child_path(new_parent)
    delta = new_depth - org.depth
    Org.objects.filter(subtree_q(old_path)).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + delta,
    )
    Org.objects.filter(pk=org.pk).update(parent=new_parent)
    org.refresh_from_db()
    registry.counters().subtree_moved(org_id=org.pk, old_path=old_path, new_path=new_path)
    if distribution.root_path(old_path) != distribution.root_path(new_path):  # under another top-level org now
        distribution.subtree_moved(new_path=new_path)
    moved = Org.objects.filter(subtree_q(new_path)).count()
    audit.record(
        actor,
        "org.move",
        org,
        changes={"parent": [old_parent_id, new_parent.pk], "path": [old_path, new_path]},
        data={"subtree_size": moved},
    )
    return org


@transaction.atomic
def abolish_org(*, actor: Actor, org_id: int, on: dt.date, reason: str) -> Org:
    org = _writable(actor, org_id)
    errors = []
    reason = clean_text(reason)
    if not reason:
        errors.append(FieldError("reason", "required", _("请填写撤销原因")))
    if on is None:
        errors.append(FieldError("on", "required", _("请填写撤销日期")))
    elif on > dt.date.today():
        errors.append(FieldError("on", "future_date", _("撤销日期不能晚于今天")))
    elif org.founded_on and on < org.founded_on:
        errors.append(FieldError("on", "date_order", _("撤销日期不能早于成立日期")))
    if not org.is_active:
        errors.append(FieldError("org", "abolished", _("该党组织已撤销")))
    if errors:
        raise ServiceError(errors)
    active_children = Org.objects.filter(subtree_q(org.path), abolished_on__isnull=True).exclude(pk=org.pk).count()
    if active_children:
        raise ServiceError.single("org", "has_children", _("该党组织下还有%(active_children)s个未撤销的下级党组织，请先撤销或移走") % {"active_children": active_children})
    from django.apps import apps

    Member = apps.get_model("members", "Member")
    members = Member.objects.filter(org=org).in_good_standing().count()
    if members:
        raise ServiceError.single("org", "has_members", _("该党组织还有%(members)s名党员，请先转出") % {"members": members})
    org.abolished_on = on
    org.abolish_reason = reason
    org.save(update_fields=["abolished_on", "abolish_reason", "updated_at"])
    audit.record(actor, "org.abolish", org, changes={"abolished_on": [None, on.isoformat()]}, data={"reason": reason})
    return org


def _grant_post_role(actor: Actor, officer: OrgOfficer) -> None:
    """The post's console role over its org, for the member's account (if the member has one). Audited."""
    from orgwork.core.services import grant_role

    from .models import post_role

    role = post_role(officer.org.kind, officer.post)
    if role is None or officer.member_id is None or officer.role_assignment_id is not None:
        return
    from django.apps import apps
    from django.contrib.auth import get_user_model

    user_id = apps.get_model("members", "Member").objects.filter(pk=officer.member_id).values_list("user_id", flat=True).first()
    if user_id is None:
        return  # no account yet: granted when one is linked (`grant_post_roles`)
    ra = grant_role(actor=actor, user=get_user_model().objects.get(pk=user_id), org=officer.org, role=role)
    officer.role_assignment = ra
    officer.save(update_fields=["role_assignment"])
    audit.record(actor, "org.officer_role", officer, org_path=officer.org.path, data={"post": officer.post, "role": role, "assignment": ra.pk, "granted": True})


@transaction.atomic
def appoint_officer(*, actor: Actor, org_id: int, name: str, post: str, member_id: int | None = None, started_on: dt.date | None = None) -> OrgOfficer:
    """A seat on the org's committee; a seat that runs the org's work grants the matching console role
    over the org to the member's account (`models.post_role`), ended with the post."""
    org = _writable(actor, org_id)
    from .models import OfficerPost

    errors = []
    name = clean_name(name)
    if not name:
        errors.append(FieldError("name", "required", _("请填写姓名")))
    if post not in OfficerPost.values:
        errors.append(FieldError("post", "bad_value", _("职务无效")))
    if errors:
        raise ServiceError(errors)
    officer = OrgOfficer.objects.create(org=org, name=name, post=post, member_id=member_id, started_on=started_on)
    audit.record(actor, "org.officer_appoint", officer, org_path=org.path, changes=audit.diff({}, {"name": name, "post": post, "started_on": started_on}))
    _grant_post_role(actor, officer)
    return officer


@transaction.atomic
def grant_post_roles(*, actor: Actor, member_id: int) -> list[OrgOfficer]:
    """When a member's account is linked: the console roles of the member's current posts."""
    officers = list(OrgOfficer.objects.select_related("org").filter(member_id=member_id, ended_on__isnull=True, role_assignment__isnull=True))
    for officer in officers:
        _grant_post_role(actor, officer)
    return officers


@transaction.atomic
def end_officer(*, actor: Actor, officer_id: int, on: dt.date, reason: str = "") -> OrgOfficer:
    """The post ends; the console role it granted ends with it (unless another current post holds the same grant)."""
    from orgwork.core.services import revoke_role

    try:
        officer = scope(OrgOfficer.objects.select_related("org"), actor, write=True).get(pk=officer_id)
    except OrgOfficer.DoesNotExist:
        raise NotFound() from None
    if officer.ended_on:
        raise ServiceError.single("officer", "ended", _("该任职已结束"))
    officer.ended_on = on
    officer.end_reason = clean_text(reason)
    officer.save(update_fields=["ended_on", "end_reason"])
    revoked = None
    if officer.role_assignment_id is not None:
        still_held = OrgOfficer.objects.filter(role_assignment_id=officer.role_assignment_id, ended_on__isnull=True).exclude(pk=officer.pk).exists()
        if not still_held:
            revoked = revoke_role(actor=actor, assignment_id=officer.role_assignment_id).pk
    audit.record(actor, "org.officer_end", officer, changes={"ended_on": [None, on.isoformat()]}, data={"reason": officer.end_reason, "role_revoked": revoked})
    return officer


def descendants_count(org: Org) -> int:
    return Org.objects.filter(subtree_q(org.path)).exclude(pk=org.pk).count()


__all__ = [
    "STEP",
    "abolish_org",
    "appoint_officer",
    "create_org",
    "end_officer",
    "grant_post_roles",
    "move_org",
    "rename_org",
    "update_org",
]
