"""The OpenAPI schema class (settings REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]); apart from core.drf, which DRF's
settings import before its views exist."""

from drf_spectacular.openapi import AutoSchema

UNPREFIXED_APPS = frozenset({"core", "orgs", "members"})


class AppSchema(AutoSchema):
    """Component names carry their app (`ScoresEntry`, `AwardsEntry`): twenty modules each have an `EntrySerializer` or
    a `ReportSerializer`, and two components with one name make a wrong schema. The kernel and the two registries keep
    plain names (`Member`, `Org`). A serializer that sets `Meta.ref_name` keeps that name."""

    def get_serializer_name(self, serializer, direction):
        name = super().get_serializer_name(serializer, direction)
        parts = type(serializer).__module__.split(".")
        if len(parts) >= 2 and parts[0] == "orgwork" and parts[1] not in UNPREFIXED_APPS:
            prefix = "".join(p.capitalize() for p in parts[1].split("_"))
            if not name.startswith(prefix):
                name = prefix + name
        return name
