from django.db import models


class PathField(models.CharField):
    """A materialized-path column compared byte-wise on every database.

    On PostgreSQL the column uses the "C" collation so that a subtree (a prefix range) is one
    ordinary b-tree range scan whatever the cluster's locale; SQLite compares bytes already.
    """

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


def subtree_bounds(path: str) -> tuple[str, str]:
    """[low, high) covering path and all its descendants; paths use only 0-9A-Z."""
    return path, path[:-1] + chr(ord(path[-1]) + 1)


def subtree_q(path: str, field: str = "path") -> models.Q:
    low, high = subtree_bounds(path)
    return models.Q(**{f"{field}__gte": low, f"{field}__lt": high})
