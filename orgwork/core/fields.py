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
