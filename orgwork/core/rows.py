"""One row by primary key with plain SQL, turned into a model instance as the ORM would — for the hottest API reads,
where building the ORM query costs more than running it (members/api.py: the member detail).

The SQL is built once per model from its metadata; values pass through the same converters the ORM applies (aware
datetimes, SQLite booleans and decimals, JSON). A related row (a foreign key) comes in the same query with the
columns named; its other fields are deferred (reading one later costs a query, as with `.only()`).

The caller checks the scope on the row read (`core.scope.covers`): this module reads, it does not decide who may.
"""

from __future__ import annotations

import threading

from django.db import connections, router
from django.db.models.expressions import Col

_PLANS: dict = {}
_LOCK = threading.Lock()


def converters(conn, model, fields) -> list:
    """(column, converter functions) per field: what the ORM applies to each raw value read from `conn`."""
    out = []
    for f in fields:
        col = Col(model._meta.db_table, f)
        out.append((col, conn.ops.get_db_converters(col) + col.get_db_converters(conn)))
    return out


def convert(conn, convs, values) -> list:
    """Raw values as the model's fields hold them."""
    out = []
    for value, (col, fns) in zip(values, convs, strict=True):
        for fn in fns:
            value = fn(value, col, conn)
        out.append(value)
    return out


def _plan(alias: str, model, related: tuple[tuple[str, tuple[str, ...]], ...]):
    key = (alias, model, related)
    plan = _PLANS.get(key)
    if plan is not None:
        return plan
    conn = connections[alias]
    q = conn.ops.quote_name
    own = list(model._meta.concrete_fields)
    cols = [f"t.{q(f.column)}" for f in own]
    joins = []
    rel_plans = []
    for i, (name, wanted) in enumerate(related):
        fk = model._meta.get_field(name)
        rel_model = fk.related_model
        wanted_set = {rel_model._meta.pk.attname, *wanted}
        rel_fields = [f for f in rel_model._meta.concrete_fields if f.attname in wanted_set]  # in model order (from_db)
        alias_i = f"r{i}"
        cols += [f"{alias_i}.{q(f.column)}" for f in rel_fields]
        joins.append(f"LEFT JOIN {q(rel_model._meta.db_table)} {alias_i} ON {alias_i}.{q(fk.target_field.column)} = t.{q(fk.column)}")
        pk_at = [f.attname for f in rel_fields].index(rel_model._meta.pk.attname)
        rel_plans.append((name, rel_model, [f.attname for f in rel_fields], converters(conn, rel_model, rel_fields), pk_at))
    sql = f"SELECT {', '.join(cols)} FROM {q(model._meta.db_table)} t {' '.join(joins)} WHERE t.{q(model._meta.pk.column)} = %s"
    plan = (sql, [f.attname for f in own], converters(conn, model, own), rel_plans)
    with _LOCK:
        _PLANS[key] = plan
    return plan


def by_pk(model, pk: int, *, related: dict[str, tuple[str, ...]] | None = None):
    """The instance with this primary key (None if there is none), with each `related` foreign key's object holding
    the named columns, in one query on the database the router picks for reading the model."""
    alias = router.db_for_read(model)
    rel = tuple((name, tuple(cols)) for name, cols in (related or {}).items())
    sql, names, convs, rel_plans = _plan(alias, model, rel)
    conn = connections[alias]
    with conn.cursor() as cur:
        cur.execute(sql, [pk])
        row = cur.fetchone()
    if row is None:
        return None
    n = len(names)
    obj = model.from_db(alias, names, convert(conn, convs, row[:n]))
    for name, rel_model, rel_names, rel_convs, pk_at in rel_plans:
        values = row[n : n + len(rel_names)]
        n += len(rel_names)
        if values[pk_at] is None:
            continue
        setattr(obj, name, rel_model.from_db(alias, rel_names, convert(conn, rel_convs, values)))
    return obj
