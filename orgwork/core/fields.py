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
