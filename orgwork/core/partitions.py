"""Range partitions by time for the large append-only tables, on PostgreSQL (SQLite keeps plain tables).

`partition_table()` turns an existing table into a table partitioned by a date/time column, in one migration step:
rename → create the partitioned parent (same columns, defaults, identity) → one partition per month or year covering
the rows present and the months ahead, plus a DEFAULT partition → copy the rows → drop the old table → recreate its
indexes, foreign keys and constraints under their original names, so Django's migration state stays true.

PostgreSQL requires every unique constraint (and the primary key) of a partitioned table to include the partition
column. The primary key becomes (id, column). A unique constraint that already includes the column is kept; one that
does not becomes a plain index, and its guarantee must come from the writer (the audit chain's `seq` is assigned under
the head row's lock, and `audit_verify` fails on any duplicate or gap) — `partition_table` refuses unless the caller
names the constraint's columns in `relax_unique`. Tables referenced by foreign keys from other tables are refused.

`ensure_partitions()` (daily job) creates the partitions for the coming periods ahead of time.
"""

from __future__ import annotations

import datetime as dt
import logging

log = logging.getLogger(__name__)

AHEAD = 3  # periods created ahead of today


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _period_start(d: dt.date, interval: str) -> dt.date:
    return dt.date(d.year, 1, 1) if interval == "year" else dt.date(d.year, d.month, 1)


def _next(d: dt.date, interval: str) -> dt.date:
    if interval == "year":
        return dt.date(d.year + 1, 1, 1)
    return dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def partition_name(table: str, start: dt.date, interval: str) -> str:
    return f"{table}_p{start:%Y}" if interval == "year" else f"{table}_p{start:%Y%m}"


def is_partitioned(cursor, table: str) -> bool:
    cursor.execute("SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname = %s", [table])
    row = cursor.fetchone()
    return bool(row and row[0] == "p")


def partitions(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s ORDER BY c.relname",
        [table],
    )
    return [r[0] for r in cursor.fetchall()]


def _create_partition(cursor, table: str, start: dt.date, interval: str) -> bool:
    name = partition_name(table, start, interval)
    cursor.execute("SELECT 1 FROM pg_class WHERE relname = %s", [name])
    if cursor.fetchone():
        return False
    end = _next(start, interval)
    cursor.execute(f"CREATE TABLE {_q(name)} PARTITION OF {_q(table)} FOR VALUES FROM (%s) TO (%s)", [start.isoformat(), end.isoformat()])
    return True


def partition_table(schema_editor, table: str, column: str, *, interval: str = "month", relax_unique: tuple[str, ...] = (), today: dt.date | None = None) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    assert interval in ("month", "year")
    today = today or dt.date.today()
    with schema_editor.connection.cursor() as cur:
        if is_partitioned(cur, table):
            return
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid), contype, conrelid::regclass::text FROM pg_constraint WHERE conrelid = %s::regclass OR confrelid = %s::regclass",
            [table, table],
        )
        constraints = cur.fetchall()
        incoming = [c for c in constraints if c[2] == "f" and c[3] != table]
        if incoming:
            raise RuntimeError(f"{table} is referenced by foreign keys ({', '.join(c[0] for c in incoming)}); it cannot be partitioned")
        own = [c for c in constraints if c[3] == table]
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s", [table])
        constraint_names = {c[0] for c in own}
        indexes = [(n, d) for n, d in cur.fetchall() if n not in constraint_names]
        pk = [c for c in own if c[2] == "p"]
        uniques = [c for c in own if c[2] == "u"]
        def cols_of(definition: str) -> str:
            return definition[definition.index("(") + 1 : definition.index(")")]

        for name, definition, _t, _r in uniques:
            cols = [c.strip().strip('"') for c in cols_of(definition).split(",")]
            if column not in cols and tuple(cols) not in {tuple(r.split(",")) for r in relax_unique}:
                raise RuntimeError(f"unique constraint {name} ({definition}) lacks {column}; name its columns in relax_unique to turn it into an index")
        cur.execute(f"SELECT MIN({_q(column)}) FROM {_q(table)}")
        first = cur.fetchone()[0]
        old = f"{table}__unpartitioned"
        cur.execute(f"ALTER TABLE {_q(table)} RENAME TO {_q(old)}")
        cur.execute(f"CREATE TABLE {_q(table)} (LIKE {_q(old)} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED) PARTITION BY RANGE ({_q(column)})")
        start = _period_start(first.date() if isinstance(first, dt.datetime) else first, interval) if first else _period_start(today, interval)
        stop = _period_start(today, interval)
        for _ in range(AHEAD):
            stop = _next(stop, interval)
        d = start
        while d <= stop:
            _create_partition(cur, table, d, interval)
            d = _next(d, interval)
        cur.execute(f"CREATE TABLE {_q(table + '_pdefault')} PARTITION OF {_q(table)} DEFAULT")
        cur.execute(f"INSERT INTO {_q(table)} SELECT * FROM {_q(old)}")
        cur.execute(f"DROP TABLE {_q(old)}")
        # Constraints and indexes back under their own names.
        for name, definition, _t, _r in pk:
            cols = cols_of(definition)
            cur.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} PRIMARY KEY ({cols}, {_q(column)})")
        for name, definition, _t, _r in uniques:
            cols = cols_of(definition)
            if column in [c.strip().strip('"') for c in cols.split(",")]:
                cur.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}")
            else:
                cur.execute(f"CREATE INDEX {_q(name)} ON {_q(table)} ({cols})")
        for name, definition, contype, _r in own:
            if contype in ("f", "c"):
                cur.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}")
        for _name, indexdef in indexes:
            cur.execute(indexdef.replace(f" ON {_q(old)} ", f" ON {table} ").replace(f" ON public.{old} ", f" ON public.{table} ").replace(f" ON {old} ", f" ON {table} "))
        cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        seq = cur.fetchone()[0]
        if seq:
            cur.execute(f"SELECT setval(%s, COALESCE((SELECT MAX(id) FROM {_q(table)}), 0) + 1, false)", [seq])


def ensure_partitions(connection, table: str, interval: str = "month", *, today: dt.date | None = None) -> list[str]:
    """Create the partitions for the next AHEAD periods (idempotent). A period whose rows already sit in the DEFAULT
    partition is skipped and logged (PostgreSQL would refuse the new partition)."""
    from django.db import DatabaseError, transaction

    if connection.vendor != "postgresql":
        return []
    today = today or dt.date.today()
    made = []
    with connection.cursor() as cur:
        if not is_partitioned(cur, table):
            return []
    d = _period_start(today, interval)
    for _ in range(AHEAD + 1):
        try:
            with transaction.atomic(using=connection.alias), connection.cursor() as cur:
                if _create_partition(cur, table, d, interval):
                    made.append(partition_name(table, d, interval))
        except DatabaseError as exc:  # rows for the period already in the default partition
            log.error("partition %s for %s not created: %s", partition_name(table, d, interval), table, exc)
        d = _next(d, interval)
    return made


_registry: dict[str, tuple[str, str]] = {}


def register(table: str, column: str, interval: str) -> None:
    """Apps name their partitioned tables (in AppConfig.ready()) so the daily job keeps partitions ahead."""
    _registry[table] = (column, interval)


def registered() -> dict[str, tuple[str, str]]:
    return dict(_registry)


def ensure_all(connection=None, *, today: dt.date | None = None) -> list[str]:
    from django.db import connection as default

    made = []
    for table, (_column, interval) in sorted(_registry.items()):
        made += ensure_partitions(connection or default, table, interval, today=today)
    return made
