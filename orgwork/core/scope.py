"""The one function that filters by what an actor may see.

A model declares how it hangs in the org tree:
    SCOPE_PATH   = "org__path"   the materialized path of the org the row belongs to
    SCOPE_MEMBER = "pk"          (optional) the member a row is about, for the self-only member role
    SCOPE_SELF_ORG = True        (optional) members see rows of their own org node
Out-of-scope rows are simply absent, so a lookup answers 404 and existence does not leak.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .actor import Actor
from .errors import NotFound
from .fields import subtree_q


def scope(queryset: QuerySet, actor: Actor, *, write: bool = False) -> QuerySet:
    model = queryset.model
    path_field = getattr(model, "SCOPE_PATH", None)
    if path_field is None:
        raise TypeError(f"{model.__name__} declares no SCOPE_PATH and cannot be scoped")
    if actor is None or not actor.is_authenticated:
        return queryset.none()
    if actor.unrestricted:
        return queryset
    condition = Q(pk__in=[])
    for path in actor.subtree_paths(write=write):
        condition |= subtree_q(path, path_field)
    if not write:
        member_field = getattr(model, "SCOPE_MEMBER", None)
        if member_field and actor.self_member_ids:
            condition |= Q(**{f"{member_field}__in": actor.self_member_ids})
        if getattr(model, "SCOPE_SELF_ORG", False) and actor.self_org_paths():
            condition |= Q(**{f"{path_field}__in": actor.self_org_paths()})
    return queryset.filter(condition)


def covers(actor: Actor, path: str, *, write: bool = False, model=None, member_id=None) -> bool:
    """Whether `scope()` would admit a row already read (with other data in one query): its org `path`, and with
    `model` also the model's self-only conditions (its SCOPE_MEMBER value `member_id`, SCOPE_SELF_ORG) — the same
    conditions `scope()` puts in SQL. The caller answers NotFound when it does not."""
    if actor is None or not actor.is_authenticated:
        return False
    if actor.unrestricted:
        return True
    if path and any(path.startswith(root) for root in actor.subtree_paths(write=write)):
        return True
    if write or model is None:
        return False
    if getattr(model, "SCOPE_MEMBER", None) and member_id is not None and member_id in actor.self_member_ids:
        return True
    return bool(getattr(model, "SCOPE_SELF_ORG", False) and path and path in actor.self_org_paths())


def get_in_scope(queryset: QuerySet, actor: Actor, *, write: bool = False, **lookup):
    """Fetch one object through the scope; NotFound whether it is missing or out of scope (or its id cannot exist)."""
    for key in ("pk", "id"):
        value = lookup.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and not 0 < value < 2**63:
            raise NotFound()
    try:
        return scope(queryset, actor, write=write).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):  # OverflowError: an id too large for the database
        raise NotFound() from None
