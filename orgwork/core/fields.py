from django.db import models


class BytewiseCharField(models.CharField):
    """A column compared byte-wise on every database, so a prefix is one b-tree range scan.

    On PostgreSQL the column uses the "C" collation whatever the cluster's locale; SQLite compares
    bytes already. Used for materialized paths and for search keys (pinyin, reversed ID digits).
    """

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class PathField(BytewiseCharField):
    """A materialized path (see BytewiseCharField)."""


def prefix_q(field: str, prefix: str) -> models.Q:
    """`field` starts with `prefix`, as a range both databases answer from an index (LIKE does not on SQLite)."""
    high = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return models.Q(**{f"{field}__gte": prefix, f"{field}__lt": high})


def subtree_bounds(path: str) -> tuple[str, str]:
    """[low, high) covering path and all its descendants; paths use only 0-9A-Z."""
    return path, path[:-1] + chr(ord(path[-1]) + 1)


def subtree_q(path: str, field: str = "path") -> models.Q:
    low, high = subtree_bounds(path)
    return models.Q(**{f"{field}__gte": low, f"{field}__lt": high})


class SparseOneToOneField(models.OneToOneField):
    """A one-to-one link most rows leave empty (a member's login account: most members have none): unique where set,
    through a partial unique index the model declares (`sparse_unique`), so an empty link is no index entry at all —
    a roster import of 100,000 members without accounts adds 100,000 NULL entries to a plain UNIQUE column's index.

    Python sees a one-to-one link as before (`user.member`); the one thing it loses is a reverse `select_related`
    through it, which Django allows only through a unique column."""

    def __init__(self, *args, **kwargs):
        kwargs["db_index"] = False
        super().__init__(*args, **kwargs)
        self._unique = False  # the partial unique index (sparse_unique) enforces it where set

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("db_index", None)
        return name, path, args, kwargs


def sparse_unique(field: str, name: str) -> models.UniqueConstraint:
    """The partial unique index of a SparseOneToOneField: unique among the rows where it is set."""
    return models.UniqueConstraint(fields=[field], condition=models.Q(**{f"{field}__isnull": False}), name=name)


class ReversedCopyField(BytewiseCharField):
    """Another column's text reversed, written by every save (`source`): “ends with …” becomes a prefix, one range of
    this column's index. Declared unique, its index is also the source's unique index: see ReversedLookupCharField."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = (getattr(model_instance, self.model._meta.get_field(self.source).attname) or "")[::-1]
        setattr(model_instance, self.attname, value)
        return value


class ReversedLookupCharField(models.CharField):
    """A text column with no index of its own, unique through its reversed copy (`reversed_in`, a unique
    ReversedCopyField of the same model): an equality test on it (`=`, `IN` a list of values) is asked of the copy's
    unique index with the values reversed, so one B-tree serves the uniqueness, the look-up by value and the search by
    its last characters (a member's ID number: a roster import writes one index entry per row fewer). Anything else
    (a range, a pattern, a subquery) reads this column itself."""

    def __init__(self, *args, reversed_in: str, **kwargs):
        self.reversed_in = reversed_in
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["reversed_in"] = self.reversed_in
        return name, path, args, kwargs


def _on_reversed_copy(lookup):
    """The same test on the reversed copy's column, or None when it cannot be moved there."""
    from django.db.models.expressions import Col

    lhs = lookup.lhs
    if not isinstance(lhs, Col) or not lookup.rhs_is_direct_value():
        return None
    copy = Col(lhs.alias, lhs.target.model._meta.get_field(lhs.target.reversed_in))
    if isinstance(lookup, models.lookups.In):
        values = list(lookup.rhs)
        if not all(v.__class__ is str for v in values):
            return None
        return models.lookups.In(copy, [v[::-1] for v in values])
    if lookup.rhs.__class__ is not str:
        return None
    return models.lookups.Exact(copy, lookup.rhs[::-1])


class _OnReversedCopy:
    """A look-up answered on the reversed copy's column when it can be (see _on_reversed_copy)."""

    def as_sql(self, compiler, connection):
        moved = _on_reversed_copy(self)
        if moved is None:
            return super().as_sql(compiler, connection)
        return moved.as_sql(compiler, connection)


@ReversedLookupCharField.register_lookup
class _ExactOnReversedCopy(_OnReversedCopy, models.lookups.Exact):
    pass


@ReversedLookupCharField.register_lookup
class _InOnReversedCopy(_OnReversedCopy, models.lookups.In):
    pass
