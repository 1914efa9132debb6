"""The distribution column: every member-level table carries the top-level org (`top_org_id`).

A top-level org is the root of an org's materialized path (depth 1: a province for a national deployment, the
county committee for a county's own system). On one PostgreSQL server the column is only an index; on Citus
(docs/scaling.md) it is the distribution column, so a member's rows, their org's rows and the rows of everybody in
the same province live on one shard and every query scoped inside a province stays on that shard.

How it stays right:

- `TopOrgMixin` adds the column. A model names where its value comes from in `TOP_ORG_FROM`: ``"org"`` (the root of
  the row's own org path), or the name of a relation whose object carries `top_org_id` itself (``"member"``,
  ``"trainee"``, ``"meeting"``). `save()` of a new row fills it when the writing service has not; the services that
  insert in bulk call `fill(objs)` (one query per batch) or compute it with `root_ids(paths)`.
- Apps name their member-level tables in `AppConfig.ready()` with `register(model, member=..., path=...)`: the
  lookup from the table to the member id, and the lookup to the org path that decides the row's shard. When a member
  moves to an org under another top-level org, `members.services.move_member` calls `member_moved()`, which sets the
  new top org on the member's rows in every registered table (same transaction). When a subtree moves under another
  root (`orgs.services.move_org`), `subtree_moved()` does the same for every row under the subtree.
- The migrations that added the column filled existing rows (`fill_table`); `mismatches()` counts rows whose stored
  value is not the one they would get now (the test suite asserts zero after moves; `manage.py top_org_check` prints
  it per table).

On Citus a row's distribution column cannot be updated in place: the same two functions become INSERT … SELECT into
the new shard plus removal from the old one in one distributed transaction (a cross-province move is rare — a
transfer of organizational relation — and touches one member's few thousand rows at most).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _

STEP = 4  # characters per tree level (orgs.models.STEP): the kernel reads paths, not the orgs app


def root_path(path: str) -> str:
    return path[:STEP]


def _org_model():
    return apps.get_model("orgs", "Org")


def root_ids(paths) -> dict[str, int]:
    """{root path: root org id} for the roots of the given org paths (one query)."""
    roots = {root_path(p) for p in paths if p}
    if not roots:
        return {}
    return dict(_org_model().objects.filter(path__in=roots).values_list("path", "id"))


def top_org_id_for_path(path: str) -> int | None:
    return root_ids([path]).get(root_path(path)) if path else None


class TopOrgMixin(models.Model):
    """Adds `top_org_id` (the distribution column). Set `TOP_ORG_FROM` on the model."""

    top_org = models.ForeignKey(
        "orgs.Org", verbose_name=_("顶层党组织"), null=True, blank=True, editable=False, db_constraint=False, db_index=True,
        on_delete=models.DO_NOTHING, related_name="+",
    )

    TOP_ORG_FROM = "org"

    class Meta:
        abstract = True

    def resolve_top_org_id(self) -> int | None:
        source = self.TOP_ORG_FROM
        if source == "org":
            org = self.org if self.org_id else None
            return top_org_id_for_path(org.path) if org is not None else None
        related = getattr(self, source, None)
        if related is not None:
            return related.top_org_id
        org = getattr(self, "org", None) if hasattr(type(self), "org") else None  # e.g. a trainee who is not a member
        return top_org_id_for_path(org.path) if org is not None else None

    def save(self, *args, **kwargs):
        if self.top_org_id is None and self._state.adding:
            self.top_org_id = self.resolve_top_org_id()
        super().save(*args, **kwargs)


def fill(objs) -> None:
    """Fill `top_org_id` on unsaved instances before a bulk_create (one query per batch and source). Rows whose
    relation is empty (a message to a user who is no member) take the root of their own org, as `save()` does."""
    objs = [o for o in objs if o.top_org_id is None]
    if not objs:
        return
    source = type(objs[0]).TOP_ORG_FROM
    if source != "org":
        field = type(objs[0])._meta.get_field(source)
        ids = sorted({v for o in objs if (v := getattr(o, field.attname)) is not None})
        tops = {}
        for start in range(0, len(ids), 10000):
            tops.update(field.related_model._base_manager.filter(pk__in=ids[start : start + 10000]).values_list("id", "top_org_id"))
        for o in objs:
            o.top_org_id = tops.get(getattr(o, field.attname))
        objs = [o for o in objs if o.top_org_id is None and getattr(o, field.attname) is None and getattr(o, "org_id", None)]
    _fill_from_org(objs)


def _fill_from_org(objs) -> None:
    org_ids = sorted({o.org_id for o in objs if o.org_id is not None})
    if not org_ids:
        return
    paths = {}
    for start in range(0, len(org_ids), 10000):
        paths.update(_org_model()._base_manager.filter(pk__in=org_ids[start : start + 10000]).values_list("id", "path"))
    roots = root_ids(paths.values())
    for o in objs:
        o.top_org_id = roots.get(root_path(paths.get(o.org_id, "")))


@dataclass(frozen=True)
class Entry:
    model: type
    member: str | None  # lookup from the table to the member id ("member_id", "trainee__member_id", …) or None
    path: str  # lookup from the table to the org path that decides the shard
    where: tuple = ()  # extra filter (("subject_type", "members.member"),)


_registry: dict[str, Entry] = {}


def register(model, *, path: str, member: str | None = None, where: dict | None = None) -> None:
    """Name a table that carries `top_org_id` (in AppConfig.ready())."""
    _registry[model._meta.label_lower] = Entry(model, member, path, tuple(sorted((where or {}).items())))


def registered() -> list[Entry]:
    _register_the_rest()
    return [_registry[k] for k in sorted(_registry)]


def _derived(model) -> Entry | None:
    """The registration a `TopOrgMixin` model gets from its `TOP_ORG_FROM` when its app names none: ``"org"`` → the
    row's own org path; ``"member"`` → follows the member (org path of the row, else of the member); another relation
    → follows what that relation's table follows."""
    source = model.TOP_ORG_FROM
    names = {f.name for f in model._meta.get_fields()}
    if source == "org":
        return Entry(model, None, "org__path")
    if source == "member":
        return Entry(model, "member_id", "org__path" if "org" in names else "member__org__path")
    target = _registry.get(model._meta.get_field(source).related_model._meta.label_lower)
    if target is None:
        return None
    member = f"{source}__{target.member}" if target.member else None
    return Entry(model, member, f"{source}__{target.path}", tuple((f"{source}__{k}", v) for k, v in target.where))


def _register_the_rest() -> None:
    """Every concrete model with the column is a registered table: those their app did not name are registered from
    `TOP_ORG_FROM` (relations last, once what they follow is registered)."""
    pending = [m for m in apps.get_models() if issubclass(m, TopOrgMixin) and m._meta.label_lower not in _registry]
    while pending:
        left = []
        for m in pending:
            e = _derived(m)
            if e is None:
                left.append(m)
            else:
                _registry[m._meta.label_lower] = e
        if len(left) == len(pending):
            raise RuntimeError(f"top_org: cannot derive the registration of {[m._meta.label_lower for m in left]}")
        pending = left


# Tables keyed by a member or an org that deliberately do NOT carry the column, and why (docs/scaling.md, "Tables on
# the cluster"). Any other project table with a key to a member or an org must carry `top_org_id`: the test
# `orgwork/members/tests/test_top_org.py` and `manage.py top_org_check` fail on a table that is in neither place.
REFERENCE_TABLES = {
    "orgs.org": "the org tree itself: every scoped query joins a row's org for its path",
    "orgs.orgofficer": "officers of orgs, joined by scoped reads of any province",
    "core.roleassignment": "users' role assignments, read at sign-in before the province is known",
    "core.indicatorset": "rule data (indicator sets and their versions)",
    "core.proceduresetting": "per-org procedure settings (configuration, small)",
    "core.escalationsetting": "per-org escalation settings (configuration, small)",
    "dues.branchduessetting": "per-branch dues settings (configuration, small)",
    "notifications.smstariff": "SMS tariffs (configuration)",
    "notifications.smstemplate": "SMS templates (configuration)",
    "tipoffs.office": "the tip-off offices (configuration, one per committee)",
}
COORDINATOR_TABLES = {
    "notifications.notification": "a user's inbox: read by the user across orgs, like sessions and API tokens",
    "lifecycle.transfer": "a transfer spans two orgs that may sit under two top-level orgs; both sides read it",
}


def keyed_tables() -> dict[str, type]:
    """The project's concrete tables with a key to a member or an org (foreign key or one-to-one), or that name their
    member (`SCOPE_MEMBER`)."""
    member_model, org_model = apps.get_model("members", "Member"), _org_model()
    out = {}
    for m in apps.get_models():
        if not m.__module__.startswith("orgwork.") or m._meta.proxy:
            continue
        keys = [f for f in m._meta.concrete_fields if f.is_relation and f.name != "top_org" and f.related_model in (member_model, org_model)]
        if keys or getattr(m, "SCOPE_MEMBER", None):
            out[m._meta.label_lower] = m
    return out


def unclassified() -> list[str]:
    """Tables keyed by a member or an org that neither carry the column (registered) nor say why not."""
    names = {e.model._meta.label_lower for e in registered()}
    return sorted(k for k in keyed_tables() if k not in names and k not in REFERENCE_TABLES and k not in COORDINATOR_TABLES)


def member_moved(*, member_id: int, top_org_id: int | None) -> dict[str, int]:
    """A member now sits under another top-level org: their rows follow them (call inside the move's transaction)."""
    out = {}
    for e in registered():
        if e.member is None:
            continue
        qs = e.model._base_manager.filter(**{e.member: member_id}, **dict(e.where)).exclude(top_org_id=top_org_id)
        out[e.model._meta.label_lower] = qs.update(top_org_id=top_org_id)
    return out


def subtree_moved(*, new_path: str) -> dict[str, int]:
    """A subtree now sits under another root: its members and every row decided by it follow (call inside the
    move's transaction, after the paths changed)."""
    top = top_org_id_for_path(new_path)
    member_model = apps.get_model("members", "Member")
    out = {}
    for e in sorted(registered(), key=lambda e: e.model is not member_model):  # the members first
        out[e.model._meta.label_lower] = _under(e, member_model, new_path, top).exclude(top_org_id=top).update(top_org_id=top)
    return out


def _under(e: Entry, member_model, path: str, top_id, model=None):
    """The rows of a table that belong under the org path `path` (whose root is `top_id`): rows of members who carry
    `top_id` (members are updated first), and rows without a member whose own org sits under the path."""
    model = model or e.model
    manager = model._base_manager
    if e.member is None:
        return manager.filter(**{f"{e.path}__startswith": path})
    members = member_model._base_manager.filter(top_org_id=top_id, org__path__startswith=path).values("pk")
    by_member = models.Q(**{f"{e.member}__in": members}, **dict(e.where))
    if e.where:  # e.g. score entries about an org, not a member
        other = ~models.Q(**dict(e.where)) & models.Q(**{f"{e.path}__startswith": path})
    else:  # rows whose member is empty (a trainee who is not a member)
        other = models.Q(**{f"{e.member}__isnull": True, f"{e.path}__startswith": path})
    return manager.filter(by_member | other)


def fill_table(model, *, path: str, member: str | None = None, where: dict | None = None, member_model=None, org_model=None) -> int:
    """Set `top_org_id` on every row of a table, root by root (data migrations pass their historical models; the
    members table must be filled before the tables that follow their member)."""
    member_model = member_model or apps.get_model("members", "Member")
    org_model = org_model or _org_model()
    e = Entry(model, member, path, tuple(sorted((where or {}).items())))
    n = 0
    for root_id, rpath in org_model._base_manager.filter(depth=1).values_list("id", "path"):
        n += _under(e, member_model, rpath, root_id, model).update(top_org_id=root_id)
    return n


def mismatches(model) -> int:
    """Rows of a registered table whose `top_org_id` is not the one they would get now (rows with neither a member nor
    an org — a message to a bare phone number — belong to no top-level org and are right without one)."""
    _register_the_rest()
    e = _registry[model._meta.label_lower]
    member_model = apps.get_model("members", "Member")
    right = 0
    for root_id, rpath in _org_model()._base_manager.filter(depth=1).values_list("id", "path"):
        right += _under(e, member_model, rpath, root_id).filter(top_org_id=root_id).count()
    nowhere = {f"{e.path}__isnull": True, **({f"{e.member}__isnull": True} if e.member else {})}
    right += model._base_manager.filter(top_org_id__isnull=True, **nowhere).count()
    return model._base_manager.count() - right


def filler(app_label: str, tables: list[tuple]) -> callable:
    """A RunPython function that fills `top_org_id` of existing rows: tables as (model name, path lookup, member
    lookup or None, extra filter or None), in order (members before the tables that follow them)."""

    def run(apps_, schema_editor):
        member_model = apps_.get_model("members", "Member")
        org_model = apps_.get_model("orgs", "Org")
        for name, path, member, where in tables:
            fill_table(apps_.get_model(app_label, name), path=path, member=member, where=where, member_model=member_model, org_model=org_model)

    return run
