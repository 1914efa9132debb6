"""Where the audit log files a record: one rule for every registry and record model (core.models.NoDeleteModel).

A model's SCOPE_PATH already says which org a record belongs to for reads; the audit event of a change to it is
filed under the same org path, walked on the instance, instead of each model repeating the walk by hand.
"""

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from orgwork.core.models import NoDeleteModel


def _walk(model, path: str):
    """The fields SCOPE_PATH names, relation by relation; FieldDoesNotExist on a typo."""
    parts = path.split("__")
    for part in parts[:-1]:
        field = model._meta.get_field(part)
        assert field.is_relation, f"{model.__name__}.SCOPE_PATH: {part} is not a relation"
        model = field.related_model
    return model._meta.get_field(parts[-1])


def test_every_scope_path_names_real_fields():
    """A misspelt SCOPE_PATH would file audit events under no org (and scope reads wrongly): every one resolves."""
    checked = 0
    for model in apps.get_models():
        path = getattr(model, "SCOPE_PATH", None)
        if not path or not issubclass(model, NoDeleteModel):
            continue
        try:
            _walk(model, path)
        except FieldDoesNotExist as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{model.__name__}.SCOPE_PATH = {path!r}: {exc}")
        checked += 1
    assert checked > 80


@pytest.mark.django_db
def test_audit_org_path_walks_scope_path(tree, system):
    from orgwork.cadres.models import Cadre, TalkProblem, Unit  # SCOPE_PATH = "cadre__org__path"
    from orgwork.core.models import AuditEvent

    unit = Unit(org=tree.village_a, name="甲镇人民政府")
    assert unit.audit_org_path == tree.village_a.path
    assert Unit(name="无组织").audit_org_path == ""  # an empty link on the way: filed under no org, not an error
    # a record scoped through another record walks both links
    assert TalkProblem(cadre=Cadre(org=tree.town_b, name="张三")).audit_org_path == tree.town_b.path
    assert TalkProblem().audit_org_path == ""
    # the audit service files the event under the walked path
    from orgwork.core import audit

    unit.save()
    audit.record(system, "cadres.unit_create", unit, changes={"name": [None, unit.name]})
    ev = AuditEvent.objects.filter(action="cadres.unit_create").latest("seq")
    assert ev.org_path == tree.village_a.path
