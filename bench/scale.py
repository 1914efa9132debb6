"""The size curve (issue 22): load N members with their orgs, meetings, dues and score entries into PostgreSQL, then
measure the everyday reads and the roster import at that size, each beside a ceiling measured in the same run.

    python -m bench.scale --sizes "1e4 1e5 1e6" [--prefix postgres://postgres@127.0.0.1:5432/scale_] [--no-api] [--drop]
    python -m bench.scale --sizes 1e7 --lean-from 1e7        # without the score entries and the dues (disk, time)
    make bench-scale SIZES="1e4 1e5 1e6"

Each size runs in its own process and database (`<prefix><size>`, dropped and re-created). The data, for N members:

- a province (the top-level org) → counties of 25,000 members → 12 towns + an agency working committee each →
  branches of ~40 members (N/40 branches); orgs and members go in with COPY (names, pinyin, ID numbers, phones
  generated; ID numbers from regions the import files never use);
- 2025: per branch a committee meeting every month, a general meeting and a party lecture every quarter (20
  meetings a branch), attendance of the Q2 general meeting for every member;
- dues paid for January–June 2025 (two quarterly payments and six ledger months per member), inserted server-side;
- five score entries per member in 2025 on the default member-points set and the year counters (core_scoretotal),
  as bench/scores.py builds them; the per-org counters by `stats.services.recount_counters`.

Then, at that size: the roster import of a 10,000-row file (roster.importer.import_members; ceiling: calamine + COPY
into an unindexed table, bench.roster.import_ceiling), the county and province dashboards (stats.selectors.dashboard;
baseline: the aggregate SQL over the members), the county dashboard API (ceiling: raw read of the counter rows),
member search by pinyin prefix and by a name character (members.selectors.search_members, first page; ceiling: the
same SQL run bare), the monthly compliance scan of June 2025 (meetings.compliance.monthly_check; ceiling:
bench.compliance.floor_sql), the ranking of points in a county (core.scoring.selectors.ranking; ceiling:
bench.scores.bare_sql) and the member detail API under load through gunicorn (ceiling: the bare primary-key view,
bench.roster.bench_api). The table at the end is the one docs/scaling.md shows.

The load is built for 10^7: the members come from one INSERT … SELECT over generate_series (names drawn from the full
pool of generator names with their pinyin, ID numbers with their check character, phones, dates — all from hashes of
the member's number; a sample is checked against the application's own functions); the secondary indexes and the
unique and foreign-key constraints of the big tables are dropped before and rebuilt after (the same definitions, the
foreign keys validated over all rows); each table is ANALYZEd after its insert; the load session runs with
synchronous_commit off and 1 GB maintenance_work_mem; each table is TRUNCATEd in the transaction that fills it, so a
cluster at wal_level=minimal writes the load without WAL (fsynced at commit).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from bench import common

ROOT = Path(__file__).resolve().parent.parent
PER_COUNTY = 25_000
PER_BRANCH = 40
TOWNS = 12
YEAR = 2025
REGIONS = ("110101", "110102", "110105", "110106")  # never used by the import files (bench.roster.people)


def size_of(text: str) -> int:
    return int(float(text))


def label_of(n: int) -> str:
    e = len(str(n)) - 1
    return f"1e{e}" if n == 10**e else str(n)


# --- loading -----------------------------------------------------------------------------------------------------
def _defaults(model, now):
    """Every concrete column's value when the generator does not set it (other helpers' new columns stay valid)."""
    from django.db import models

    out = {}
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
            out[f.column] = now
        elif f.has_default() or f.null or f.empty_strings_allowed:
            v = f.get_default()
            out[f.column] = json.dumps(v) if isinstance(f, models.JSONField) and v is not None else v
        else:
            out[f.column] = None
    return out


def copy_rows(model, rows, *, with_id: bool = True) -> int:
    """COPY dicts (column → value) into the model's table; missing columns take the model's defaults."""
    from django.db import connection
    from django.utils import timezone

    defaults = _defaults(model, timezone.now())
    cols = (["id"] if with_id else []) + list(defaults)
    n = 0
    qn = connection.ops.quote_name
    with connection.cursor() as cur, cur.cursor.copy(f"COPY {qn(model._meta.db_table)} ({', '.join(qn(c) for c in cols)}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row([r.get(c, defaults.get(c)) for c in cols])
            n += 1
    return n


def insert_select(model, exprs: dict[str, str], from_sql: str, params=()) -> int:
    """INSERT … SELECT server-side; columns not in `exprs` take the model's defaults as parameters."""
    from django.db import connection
    from django.utils import timezone

    defaults = {c: v for c, v in _defaults(model, timezone.now()).items() if c not in exprs}
    types = {f.column: f.db_type(connection) for f in model._meta.concrete_fields}
    cols = list(exprs) + list(defaults)
    qn = connection.ops.quote_name
    marks = "".join(f", %s::{types[c]}" for c in defaults)  # typed: an untyped NULL in a SELECT list would be text
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in cols)}) SELECT {', '.join(exprs.values())}{marks} {from_sql}"
    with connection.cursor() as cur:
        cur.execute(sql, [*defaults.values(), *params])
        return cur.rowcount


def _setval(table: str) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)", [table])


# --- fast bulk load: secondary indexes and constraints off during the load, members generated server-side ----------
BIG_TABLES = ("members_member", "meetings_meeting", "meetings_attendance", "dues_duespayment", "dues_duesmonth", "core_scoreentry", "core_scoretotal")


def strip(tables) -> list[tuple[str, str, str]]:
    """Drop the secondary indexes, unique and foreign-key constraints of `tables` (primary keys and CHECKs stay);
    return what `restore` needs to build them again, exactly as they were (same names, same definitions)."""
    from django.db import connection

    saved = []
    with connection.cursor() as cur:
        for t in tables:
            cur.execute(
                "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('f', 'u') AND coninhcount = 0 ORDER BY contype DESC, conname",
                [t],
            )
            cons = cur.fetchall()
            cur.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')) ORDER BY 1",
                [t],
            )
            idx = cur.fetchall()
            for name, definition, _kind in cons:
                cur.execute(f'ALTER TABLE {t} DROP CONSTRAINT "{name}"')
                saved.append(("constraint", t, f'ALTER TABLE {t} ADD CONSTRAINT "{name}" {definition}'))
            for name, definition in idx:
                cur.execute(f"DROP INDEX {name}")
                saved.append(("index", t, definition.replace(" ON ONLY ", " ON ")))  # a partitioned index: built on every partition
    return saved


def restore(saved) -> dict:
    """Indexes first, then the unique constraints (they build their index), then the foreign keys (validated by one
    join each over the loaded rows). Returns seconds per table."""
    from django.db import connection

    took: dict[str, float] = {}
    order = [s for s in saved if s[0] == "index"] + [s for s in saved if s[0] == "constraint" and " UNIQUE " in f" {s[2]} "] + [s for s in saved if s[0] == "constraint" and "FOREIGN KEY" in s[2]]
    with connection.cursor() as cur:
        for _kind, t, sql in order:
            t0 = time.perf_counter()
            cur.execute(sql)
            took[t] = took.get(t, 0.0) + time.perf_counter() - t0
    return took


def fresh(*tables: str) -> None:
    """TRUNCATE the (empty) tables inside the load's transaction: new files, so a cluster at wal_level=minimal writes
    the load without WAL (fsynced at commit); at wal_level=replica it changes nothing."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {', '.join(tables)} CASCADE")


def analyze(table: str) -> None:
    """Statistics right after a bulk insert: the next INSERT … SELECT joins this table, and without them the planner
    takes a fresh table for a few rows (a nested loop over the orgs made the score counters quadratic in N)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {table}")


def session_for_load() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("SET work_mem = '256MB'")
        cur.execute("SET max_parallel_maintenance_workers = 2")


def name_pool() -> tuple[list[tuple], int, int]:
    """Every name the per-row generator could draw (surname + one given character, surname + two), with pinyin:
    (rows, n1, n2). Drawing k uniformly in [0, n1) or in [n1, n1 + n2) with equal odds is the same distribution as
    `surname + choice((1, 2)) given characters`."""
    from orgwork.core.pinyin import name_pinyin
    from orgwork.demo.generator import GIVEN, SURNAMES

    rows = []
    for s in SURNAMES:
        for a in GIVEN:
            rows.append(s + a)
    n1 = len(rows)
    for s in SURNAMES:
        for a in GIVEN:
            for b in GIVEN:
                rows.append(s + a + b)
    out = []
    for k, name in enumerate(rows):
        py = name_pinyin(name)
        out.append((k, name, py[0], py[1]))
    return out, n1, len(rows) - n1


def load_members(n: int, branch_ids: list[int], province: int) -> int:
    """N members by one INSERT … SELECT over generate_series: the same columns and distributions as the per-row
    generator (bench history: `members()` in Python), drawn from hashes of the member's number instead of random."""
    from django.db import connection

    from orgwork.core import idcard
    from orgwork.demo.generator import ETHNICITIES
    from orgwork.members.models import Member

    pool, n1, n2 = name_pool()
    first_birth = dt.date(1940, 1, 1)
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_names, bench_branch, bench_birth")
        cur.execute("CREATE TEMP TABLE bench_names (k int PRIMARY KEY, name text, py text, ini text)")
        cur.execute("CREATE TEMP TABLE bench_branch (pos int PRIMARY KEY, id int)")
        cur.execute("CREATE TEMP TABLE bench_birth (d int PRIMARY KEY, birth date, ymd text, wsum int)")
        with cur.cursor.copy("COPY bench_names FROM STDIN") as cp:
            for r in pool:
                cp.write_row(r)
        with cur.cursor.copy("COPY bench_branch FROM STDIN") as cp:
            for pos, bid in enumerate(branch_ids):
                cp.write_row((pos, bid))
        with cur.cursor.copy("COPY bench_birth FROM STDIN") as cp:  # weighted digit sum of the birth date (ID positions 7–14)
            for d in range(21900):
                b = first_birth + dt.timedelta(days=d)
                ymd = f"{b:%Y%m%d}"
                cp.write_row((d, b, ymd, sum(int(c) * w for c, w in zip(ymd, idcard.WEIGHTS[6:14], strict=True))))
        cur.execute("ANALYZE bench_names; ANALYZE bench_branch; ANALYZE bench_birth")
    w15, w16, w17 = idcard.WEIGHTS[14:17]
    region_sums = [sum(int(c) * w for c, w in zip(r, idcard.WEIGHTS[:6], strict=True)) for r in REGIONS]

    def arr(values) -> str:
        return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"

    def r(salt: int, m: int) -> str:  # a uniform draw in [0, m) from the member's number
        return f"(((hashint8extended(s.i, {salt}) % {m}) + {m}) % {m})"

    edu = ["bachelor", "college", "high_school", "junior_high", "secondary", "master", "primary"]
    jobs = ["农牧渔民", "公务员", "教师", "工人", "离退休人员"]
    number = "x.first17 || substr('" + idcard.CHECK_CHARS + "', (x.wsum % 11) + 1, 1)"
    joined = f"LEAST(make_date(GREATEST(extract(year FROM b.birth)::int + 20, 1960), {r(4, 12)}::int + 1, 1), DATE '{YEAR}-12-31')"
    exprs = {
        "id": "s.i + 1", "name": "nm.name", "name_pinyin": "nm.py", "name_initials": "nm.ini",
        "gender": "CASE WHEN q.seq % 2 = 1 THEN 'M' ELSE 'F' END", "id_number": number, "id_tail": f"reverse({number})",
        "ethnicity": f"({arr(ETHNICITIES)})[{r(8, len(ETHNICITIES))} + 1]", "birth_date": "b.birth",
        "education": f"({arr(edu)})[{r(9, len(edu))} + 1]",
        "category": f"CASE WHEN {joined} >= DATE '{YEAR - 1}-01-01' THEN 'probationary' ELSE 'full' END", "org_id": "br.id",
        "joined_on": joined, "confirmed_on": f"CASE WHEN {joined} >= DATE '{YEAR - 1}-01-01' THEN NULL ELSE ({joined} + interval '1 year')::date END",
        "job": f"({arr(jobs)})[{r(10, len(jobs))} + 1]", "phone": "ph.phone", "phone_tail": "reverse(ph.phone)",
        "address": f"'第' || ({r(11, 99)} + 1) || '镇' || ({r(12, 99)} + 1) || '号'", "standing": "'normal'", "lost_contact": "false",
        "top_org_id": str(province),
    }  # fmt: skip
    from_sql = (
        f"FROM (SELECT g - 1 AS i, (g - 1) / {len(REGIONS)} AS j FROM generate_series(1, {n}) AS g) s "
        f"JOIN bench_birth b ON b.d = s.j % 21900 "
        f"JOIN bench_branch br ON br.pos = s.i % {len(branch_ids)} "
        f"JOIN bench_names nm ON nm.k = CASE WHEN {r(1, 2)} = 0 THEN {r(2, n1)} ELSE {n1} + {r(3, n2)} END "
        f"CROSS JOIN LATERAL (SELECT s.j / 21900 + 1 AS seq) q "
        f"CROSS JOIN LATERAL (SELECT ({arr(REGIONS)})[s.i % {len(REGIONS)} + 1] || b.ymd || lpad(q.seq::text, 3, '0') AS first17, "
        f"(ARRAY{region_sums})[s.i % {len(REGIONS)} + 1] + b.wsum + (q.seq / 100) * {w15} + (q.seq / 10 % 10) * {w16} + (q.seq % 10) * {w17} AS wsum) x "
        f"CROSS JOIN LATERAL (SELECT '1' || substr('3578', {r(5, 4)}::int + 1, 1) || {r(6, 10)} || (10000000 + {r(7, 90000000)}) AS phone) ph"
    )
    esc = {k: v.replace("%", "%%") for k, v in exprs.items()}  # insert_select passes parameters: % is the placeholder sign
    return insert_select(Member, esc, from_sql.replace("%", "%%"))


def build(n: int, rng: random.Random, lean: frozenset = frozenset()) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction

    from orgwork.core import partitions
    from orgwork.dues.models import DuesMonth, DuesPayment
    from orgwork.meetings.models import Attendance, Meeting
    from orgwork.orgs.models import Org, encode_step

    timing: dict = {}
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    timing["migrate_s"] = time.perf_counter() - t0
    session_for_load()
    with connection.cursor() as cur:  # the year's partitions, as the daily job keeps them for the current year
        for table in ("dues_duesmonth", "core_scoreentry"):
            if partitions.is_partitioned(cur, table):
                partitions._create_partition(cur, table, dt.date(YEAR, 1, 1), "year")
    saved = strip(BIG_TABLES)
    t0 = time.perf_counter()
    counties = max(1, round(n / PER_COUNTY))
    branches_total = max(TOWNS + 1, n // PER_BRANCH)
    per_town = max(1, branches_total // (counties * (TOWNS + 1)))
    orgs, branch_ids = [], []
    next_id = [0]

    def org(path, depth, parent, code, name, kind, sector, child_seq=0):
        next_id[0] += 1
        orgs.append({"id": next_id[0], "path": path, "depth": depth, "parent_id": parent, "code": code, "name": name, "kind": kind, "sector": sector,
                     "child_seq": child_seq, "name_pinyin": "", "name_initials": ""})  # fmt: skip
        return next_id[0]

    root_path = encode_step(1)
    province = org(root_path, 1, None, "P", "中共基准省委员会", "committee", "agency", counties)
    county_ids = []
    villages = ["红旗村", "团结村", "新民村", "先锋村", "和平村", "光明村", "胜利村", "建设村", "幸福村", "前进村", "长安村", "兴隆村"]
    for c in range(counties):
        cpath = root_path + encode_step(c + 1)
        cid = org(cpath, 2, province, f"C{c}", f"中共第{c + 1}县委员会", "committee", "agency", TOWNS + 1)
        county_ids.append(cid)
        for t in range(TOWNS + 1):
            tpath = cpath + encode_step(t + 1)
            agency = t == TOWNS
            tid = org(tpath, 3, cid, f"C{c}T{t}", "县直机关工作委员会" if agency else f"中共第{t + 1}镇委员会", "working_committee" if agency else "committee", "agency" if agency else "rural", per_town)
            for b in range(per_town):
                name = f"第{b + 1}机关党支部" if agency else f"{villages[b % 12]}{'' if b < 12 else b // 12 + 1}党支部"
                branch_ids.append(org(tpath + encode_step(b + 1), 4, tid, f"C{c}T{t}B{b}", name, "branch", "agency" if agency else "rural"))
    with transaction.atomic():
        copy_rows(Org, orgs)
    _setval("orgs_org")
    analyze("orgs_org")
    timing["orgs"] = len(orgs)
    timing["orgs_s"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    with transaction.atomic():
        fresh("members_member")
        load_members(n, branch_ids, province)
    _setval("members_member")
    analyze("members_member")
    timing["members_s"] = time.perf_counter() - t1
    check_members(n)

    t1 = time.perf_counter()
    with transaction.atomic():
        fresh("meetings_meeting", "meetings_attendance")
        # meetings: per branch 12 committee meetings, 4 general meetings, 4 lectures in 2025, all held
        for kind, months in (("committee_meeting", range(1, 13)), ("general_meeting", (3, 6, 9, 12)), ("lecture", (3, 6, 9, 12))):
            for mo in months:
                day = dt.date(YEAR, mo, 10 if kind != "lecture" else 20)
                insert_select(
                    Meeting,
                    {"org_id": "o.id", "kind": f"'{kind}'", "topic": "'学习贯彻'", "status": "'held'", "planned_on": f"DATE '{day}'", "held_on": f"DATE '{day}'",
                     "signin_token": f"md5(o.id::text || '{kind}{mo}')", "top_org_id": str(province)},
                    "FROM orgs_org o WHERE o.kind = 'branch'",
                )  # fmt: skip
        analyze("meetings_meeting")
        # attendance of the Q2 general meeting: every member of the branch, present
        insert_select(
            Attendance, {"meeting_id": "mt.id", "member_id": "m.id", "status": "'present'", "top_org_id": str(province)},
            f"FROM members_member m JOIN meetings_meeting mt ON mt.org_id = m.org_id AND mt.kind = 'general_meeting' AND mt.held_on = DATE '{YEAR}-06-10'",
        )
    timing["meetings_s"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    with transaction.atomic():
        fresh("dues_duespayment", "dues_duesmonth")
        # dues: two quarterly payments per member, then the six ledger months
        for paid_on in () if "dues" in lean else (f"{YEAR}-03-20", f"{YEAR}-06-20"):
            insert_select(
                DuesPayment,
                {"member_id": "m.id", "org_id": "m.org_id", "kind": "'regular'", "paid_on": f"DATE '{paid_on}'", "amount": "6.00", "months": "3",
                 "payer": "'self'", "method": "'cash'", "actor_label": "'基准数据'", "top_org_id": str(province)},
                "FROM members_member m",
            )  # fmt: skip
        analyze("dues_duespayment")
        insert_select(  # nothing to insert when the payments were left out
            DuesMonth,
            {"member_id": "p.member_id", "month": "(date_trunc('quarter', p.paid_on) + k * interval '1 month')::date", "org_id": "p.org_id", "due": "2.00",
             "paid": "2.00", "paid_on": "p.paid_on", "payment_id": "p.id", "rule_version": "'2008'", "top_org_id": str(province)},
            "FROM dues_duespayment p CROSS JOIN generate_series(0, 2) AS k",
        )  # fmt: skip
    timing["dues_s"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    scores_built = build_scores(n, province, entries="scores" not in lean)
    timing["scores_s"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    timing["indexes_by_table_s"] = restore(saved)
    timing["indexes_s"] = time.perf_counter() - t1
    finish(timing, t0)
    return {"province": province, "county": county_ids[0], "counties": counties, "branches": len(branch_ids), "timing": timing, "counts": counts_of(timing), "scores": scores_built}


def store_counters() -> None:
    """The per-org counters of a freshly loaded database: `stats.recount.compute()` (the application's count) stored
    as it comes. `stats.services.recount_counters` does the same and also lists every counter that differs from the
    stored one — in a fresh database every key of every org, one object each: at 10^7 members that list took over
    11 GB of memory and the run was stopped (2026-12-03). A database that already has counters takes the service."""
    from django.db import transaction

    from orgwork.stats.models import OrgStats
    from orgwork.stats.recount import _clean, compute

    if OrgStats.objects.exists():
        from orgwork.stats.services import recount_counters

        recount_counters(fix=True)
        return
    own, total = compute()
    with transaction.atomic():
        OrgStats.objects.bulk_create((OrgStats(org_id=oid, own=_clean(own.get(oid, {})), total=_clean(total.get(oid, {}))) for oid in sorted(set(own) | set(total))), batch_size=2000)


def finish(timing: dict, t0: float) -> None:
    from django.db import connection

    t1 = time.perf_counter()
    store_counters()
    timing["counters_s"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    timing["analyze_s"] = time.perf_counter() - t1
    timing["load_s"] = time.perf_counter() - t0


def counts_of(timing: dict) -> dict:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("CHECKPOINT")  # the load's dirty pages written before anything is measured
        cur.execute("SELECT pg_database_size(current_database())")
        timing["db_bytes"] = cur.fetchone()[0]
        counts, sizes = {}, {}
        for t in ("orgs_org", "members_member", "meetings_meeting", "meetings_attendance", "dues_duespayment", "dues_duesmonth", "core_scoreentry", "core_scoretotal", "stats_orgstats"):
            cur.execute(f"SELECT COUNT(*) FROM {t}")
            counts[t] = cur.fetchone()[0]
            cur.execute(
                "SELECT CASE WHEN c.relkind = 'p' THEN (SELECT SUM(pg_total_relation_size(relid)) FROM pg_partition_tree(c.oid) WHERE isleaf) "
                "ELSE pg_total_relation_size(c.oid) END FROM pg_class c WHERE c.oid = %s::regclass",
                [t],
            )
            sizes[t] = int(cur.fetchone()[0] or 0)
        timing["table_bytes"] = sizes
    return counts


def check_members(n: int) -> None:
    """The server-side generator's rows are what the application accepts: a sample of 2,000 members checked in
    Python (ID number check character and birth date, gender from the ID number, pinyin, phone tail)."""
    from orgwork.core import idcard
    from orgwork.core.pinyin import name_pinyin
    from orgwork.members.models import Member
    from orgwork.members.validation import phone_tail

    step = max(1, n // 2000)
    bad = []
    for m in Member.objects.filter(id__in=range(1, n + 1, step)).only("id", "name", "name_pinyin", "name_initials", "id_number", "id_tail", "gender", "birth_date", "phone", "phone_tail"):
        ok = (
            idcard.check_char(m.id_number[:17]) == m.id_number[17]
            and m.id_number[6:14] == f"{m.birth_date:%Y%m%d}"
            and m.gender == ("M" if int(m.id_number[16]) % 2 else "F")
            and name_pinyin(m.name) == (m.name_pinyin, m.name_initials)
            and m.id_tail == m.id_number[::-1]
            and m.phone_tail == phone_tail(m.phone)
            and len(m.phone) == 11
        )
        if not ok:
            bad.append(m.pk)
    if bad:
        raise SystemExit(f"generated members fail the checks: {bad[:10]} …")


def build_scores(n: int, province: int, *, entries: bool = True) -> dict:
    """Five entries per member in 2025 on the default member-points set, then the year counters (as bench.scores).

    Without `entries` (a lean run, where 5 N entry rows would not fit the disk or the time) only the year counters are
    written, with exactly the totals those five entries give (the ranking reads the counters, never the entries)."""
    from django.db import connection, transaction

    from orgwork.core.scoring.models import Indicator, IndicatorSet, ScoreEntry
    from orgwork.scores import rules, services

    services.ensure_defaults()
    s = IndicatorSet.objects.get(code=rules.MEMBER_POINTS)
    study = Indicator.objects.get(version__indicator_set=s, code="study_daily")
    with transaction.atomic(), connection.cursor() as cur:
        fresh("core_scoreentry", "core_scoretotal")
        if not entries:
            cur.execute(
                "INSERT INTO core_scoretotal (indicator_set_id, bucket, subject_type, subject_id, subject_label, org_id, org_path, total, added, deducted, entries, updated_at) "
                f"SELECT %s, 'Y{YEAR}', 'members.member', m.id, m.name, m.org_id, o.path, t.total, t.total, 0, 5, CURRENT_TIMESTAMP "
                "FROM members_member m JOIN orgs_org o ON o.id = m.org_id "
                "CROSS JOIN LATERAL (SELECT SUM((mod(m.id + k, 4) + 1) * 0.5) AS total FROM generate_series(0, 4) AS k) t",
                [s.pk],
            )
            return {"set_id": s.pk, "entries": 0}
        insert_select(
            ScoreEntry,
            {"indicator_set_id": str(s.pk), "version_id": str(study.version_id), "indicator_id": str(study.pk), "indicator_code": "'study_daily'",
             "subject_type": "'members.member'", "subject_id": "m.id", "subject_label": "m.name", "org_id": "m.org_id",
             "occurred_on": f"DATE '{YEAR}-01-05' + (k * 70 + mod(m.id, 60))::int", "units": "1", "points": "(mod(m.id + k, 4) + 1) * 0.5",
             "state": "'approved'", "source": "'self'", "submitted_label": "'基准数据'", "submitted_at": "CURRENT_TIMESTAMP",
             "decided_label": "'基准数据'", "decided_at": "CURRENT_TIMESTAMP", "top_org_id": str(province)},
            "FROM members_member m CROSS JOIN generate_series(0, 4) AS k",
        )  # fmt: skip
        analyze("core_scoreentry")
        cur.execute(
            "INSERT INTO core_scoretotal (indicator_set_id, bucket, subject_type, subject_id, subject_label, org_id, org_path, total, added, deducted, entries, updated_at) "
            f"SELECT e.indicator_set_id, 'Y{YEAR}', e.subject_type, e.subject_id, MIN(e.subject_label), MIN(e.org_id), MIN(o.path), SUM(e.points), "
            "SUM(CASE WHEN e.points > 0 THEN e.points ELSE 0 END), SUM(CASE WHEN e.points < 0 THEN -e.points ELSE 0 END), COUNT(*), CURRENT_TIMESTAMP "
            "FROM core_scoreentry e JOIN orgs_org o ON o.id = e.org_id WHERE e.indicator_set_id = %s GROUP BY e.indicator_set_id, e.subject_type, e.subject_id",
            [s.pk],
        )
    return {"set_id": s.pk, "entries": 5 * n}


# --- measuring -----------------------------------------------------------------------------------------------------
def best_of(fn, repeat: int) -> float:
    """Best milliseconds of `repeat` calls after one warm-up."""
    fn()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return min(out)


def paired(fig, ceil, repeat: int, rounds: int = 3) -> tuple[float, float]:
    """Figure and ceiling alternated (load hits both alike); the best of each."""
    f, c = [], []
    for _ in range(rounds):
        f.append(best_of(fig, repeat))
        c.append(best_of(ceil, repeat))
    return min(f), min(c)


def bare(qs):
    """The SQL the ORM sends for `qs`, executed on the raw cursor (no model instances)."""
    from django.db import connection

    sql, params = qs.query.sql_with_params()

    def run():
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    return run


def measure(info: dict, args, url: str) -> dict:
    from django.db import connection

    from bench import compliance as bcompliance
    from bench import roster as broster
    from bench import scores as bscores
    from orgwork.core.actor import Actor
    from orgwork.core.fields import subtree_bounds
    from orgwork.core.scoring import selectors as scoring
    from orgwork.meetings import compliance
    from orgwork.members.selectors import search_members
    from orgwork.orgs.models import Org
    from orgwork.roster.exporter import full_paths
    from orgwork.scores import rules as score_rules

    out: dict = {}
    actor = Actor.system_actor("bench-scale")
    province = Org.objects.get(pk=info["province"])
    county = Org.objects.get(pk=info["county"])
    rng = random.Random(11)

    # 1. roster import: two 10,000-row files of new people, import and ceiling alternating
    if not args.no_import:
        branches = list(Org.objects.filter(kind="branch", path__startswith=county.path)[:2000])
        paths = full_paths()
        used: set = set()
        files = []
        for k in range(2):
            rows = []
            for row in broster.people(args.import_rows, rng, used):
                row["org"] = rng.choice(branches)
                rows.append(row)
            path = Path(args.workdir) / f"scale-import-{k}.xlsx"
            broster.write_import_file(path, rows, paths)
            files.append(path)
        out["import"] = broster.bench_import({"files": files})
        connection.close()

    # 2. dashboards (county, province) and the county dashboard API
    out["dashboard"] = broster.bench_dashboards({"tree": {"city": province, "counties": [county]}}, args.repeat)

    # 3. member search: first page (20) by pinyin prefix and by one name character, within the county
    for label, q in (("search_pinyin", "zhang"), ("search_name", "建")):
        qs = search_members(actor, q=q, under=county)[:20]
        fig, ceil = paired(lambda qs=qs: list(qs.all()), bare(qs), args.repeat)
        out[label] = {"ms": fig, "ceiling_ms": ceil, "rows": len(list(qs.all()))}

    # 4. monthly compliance scan of June 2025, the whole tree
    scans, floors = [], []
    results = []
    for _ in range(2):
        t0 = time.perf_counter()
        results = compliance.monthly_check(year=YEAR, month=6, as_of=dt.date(YEAR, 7, 1))
        scans.append(time.perf_counter() - t0)
        floors.append(bcompliance.floor_sql())
    out["compliance"] = {"s": min(scans), "floor_s": min(floors), "orgs": len(results)}

    # 5. ranking of points in the county (page 1 of 50 with count and ties)
    low, high = subtree_bounds(county.path)
    set_id = info["scores"]["set_id"]
    bscores.YEAR = YEAR
    fig, ceil = paired(
        lambda: scoring.ranking(actor, set_code=score_rules.MEMBER_POINTS, bucket=f"Y{YEAR}", under=county, page=1, page_size=50),
        lambda: bscores.bare_sql(set_id, low, high),
        args.repeat,
    )
    out["ranking"] = {"ms": fig, "ceiling_ms": ceil}

    # 6. member detail API under load (gunicorn), against the bare primary-key view
    if not args.no_api:
        out["api"] = broster.bench_api({"tree": {"city": province}}, url, args.duration, args.concurrency, args.workers, rounds=1)
    out["load"] = common.load()
    return out


def _from_template(url: str, template: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template.rsplit("/", 1)[1]}"')


def drop_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def resume(before: str) -> dict:
    """Finish a load whose process stopped after the indexes (the per-org counters, ANALYZE) and rebuild `info`.
    `before` = seconds the stopped run had spent, taken from its log or observation (the table marks it)."""
    from orgwork.core.scoring.models import IndicatorSet
    from orgwork.orgs.models import Org
    from orgwork.scores import rules
    from orgwork.stats.models import OrgStats

    before, _, counters = before.partition(",")
    timing: dict = {"resumed": True, "before_counters_s": float(before)}
    if counters and OrgStats.objects.exists():  # a second resume: the counters were stored (seconds given), measure only
        timing["counters_s"] = float(counters)
        timing["load_s"] = float(before) + float(counters)
    else:
        finish(timing, time.perf_counter())
        timing["load_s"] += float(before)
    province = Org.objects.get(depth=1)
    county = Org.objects.filter(depth=2).order_by("pk").first()
    return {"province": province.pk, "county": county.pk, "counties": Org.objects.filter(depth=2).count(), "branches": Org.objects.filter(kind="branch").count(),
            "timing": timing, "counts": counts_of(timing), "scores": {"set_id": IndicatorSet.objects.get(code=rules.MEMBER_POINTS).pk}}  # fmt: skip


def one(args) -> int:
    from bench.roster import prepare_database, setup_django

    n = size_of(args.one)
    url = f"{args.prefix}{label_of(n)}"
    template = f"{args.prefix}template"
    if args.template:  # a migrated empty database, copied for each size (migrating takes minutes on a busy machine)
        prepare_database(template)
        setup_django(template)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return 0
    lean = frozenset(args.lean.split(",")) - {""} if n >= size_of(args.lean_from) else frozenset()
    t0 = time.perf_counter()
    if args.resume:  # a loaded database whose run stopped before the per-org counters: finish the load, then measure
        setup_django(url)
        info = resume(args.resume)
    else:
        _from_template(url, template)
        setup_django(url)
        rng = random.Random(7)
        t0 = time.perf_counter()
        info = build(n, rng, lean)
    info["lean"] = sorted(lean)
    print(f"[{label_of(n)}] loaded in {time.perf_counter() - t0:.0f} s: {info['counts']} · {info['timing']}", flush=True)
    results = measure(info, args, url)
    Path(args.json).write_text(json.dumps({"n": n, "info": info, "results": results}, default=str, indent=1))
    for ln in lines(n, info, results):
        print(ln, flush=True)
    return 0


def lines(n: int, info: dict, r: dict) -> list[str]:
    db, size, load_at = "postgresql", f"{n:,} members", r["load"]
    out = []
    if "import" in r:
        i = r["import"]
        out.append(common.line("roster import (10k rows into the loaded db)", f"{i['rate']:,.0f} rows/s", f"{i['ceiling']:,.0f} rows/s (calamine + COPY, unindexed)", i["ratio"], db=db, size=size, target="-", met=None, load_at=i["load"]))
    d = r["dashboard"]
    for k, name in (("county", "county dashboard"), ("city", "province dashboard")):
        out.append(common.line(name, f"{d[k]['ms']:.2f} ms", f"{d[k]['raw_ms']:.1f} ms (aggregate SQL over the members)", d[k]["raw_ms"] / d[k]["ms"], db=db, size=f"{d[k]['members']:,} in subtree", target="-", met=None, load_at=load_at))
    c = d["county_api"]
    out.append(common.line("county dashboard API", f"{c['ms']:.2f} ms", f"{c['ceiling_ms']:.2f} ms (raw read of the counter rows)", c["ratio"], db=db, size=size, target="-", met=None, load_at=c["load"]))
    for k, name in (("search_pinyin", "member search 'zhang' (page 1)"), ("search_name", "member search '建' (page 1)")):
        s = r[k]
        out.append(common.line(name, f"{s['ms']:.2f} ms", f"{s['ceiling_ms']:.2f} ms (the same SQL, bare)", s["ceiling_ms"] / s["ms"], db=db, size=size, target="-", met=None, load_at=load_at))
    cp = r["compliance"]
    out.append(common.line("monthly compliance scan (June)", f"{cp['s']:.2f} s", f"{cp['floor_s']:.2f} s (bare grouped SQL)", cp["floor_s"] / cp["s"], db=db, size=f"{cp['orgs']:,} orgs", target="-", met=None, load_at=load_at))
    rk = r["ranking"]
    out.append(common.line("ranking of points (county, page 1)", f"{rk['ms']:.2f} ms", f"{rk['ceiling_ms']:.2f} ms (bare SQL on the counters)", rk["ceiling_ms"] / rk["ms"], db=db, size=size, target="-", met=None, load_at=load_at))
    if "api" in r:
        a = r["api"]
        out.append(common.line("member detail API", f"{a['detail']['rps']:,.0f} req/s p50 {a['detail']['p50_ms']:.1f} ms", f"{a['bare']['rps']:,.0f} req/s (bare pk view)", a["detail"]["rps"] / max(1, a["bare"]["rps"]), db=db, size=size, target="-", met=None, load_at=a["load"]))
    return out


def table(rows: list[dict]) -> str:
    """The markdown table for docs/scaling.md: one column per size, figure (ceiling)."""

    def cell(r, key):
        x = r["results"]
        if key == "load":
            t = r["info"]["timing"]
            lean = r["info"].get("lean") or []
            left = f" (lean: without {' and '.join({'scores': 'score entries', 'dues': 'dues'}[x] for x in lean)})" if lean else ""
            return f"{'≈' if t.get('resumed') else ''}{t['load_s']:.0f} s, {t['db_bytes'] / 2**30:.1f} GiB{left}"
        if key == "phases":
            t = r["info"]["timing"]
            if t.get("resumed"):
                return f"≈{t['before_counters_s']:.0f} before the counters (not logged: the run was stopped in them and resumed) / counters {t['counters_s']:.0f}"
            return " / ".join(f"{t.get(k, 0):.0f}" for k in ("members_s", "meetings_s", "dues_s", "scores_s", "indexes_s", "counters_s"))
        if key == "machine":
            return x["load"].split(" on ")[0]
        if key == "import":
            i = x.get("import")
            return f"{i['rate']:,.0f} rows/s ({i['ceiling']:,.0f})" if i else "–"
        if key in ("county", "city"):
            d = x["dashboard"][key]
            return f"{d['ms']:.1f} ms ({d['raw_ms']:.0f} ms)"
        if key == "county_api":
            c = x["dashboard"]["county_api"]
            return f"{c['ms']:.1f} ms ({c['ceiling_ms']:.1f} ms)"
        if key in ("search_pinyin", "search_name", "ranking"):
            return f"{x[key]['ms']:.1f} ms ({x[key]['ceiling_ms']:.1f} ms)"
        if key == "compliance":
            return f"{x['compliance']['s']:.2f} s ({x['compliance']['floor_s']:.2f} s)"
        if key == "api":
            a = x.get("api")
            return f"{a['detail']['rps']:,.0f} req/s, p50 {a['detail']['p50_ms']:.0f} ms ({a['bare']['rps']:,.0f} req/s)" if a else "–"
        return ""

    names = [
        ("load", "load (COPY + server-side inserts + counters), database size"),
        ("phases", "of which, s: members / meetings + attendance / dues / score entries and their year counters / indexes + constraints / per-org counters"),
        ("import", "roster import, 10k rows (ceiling: calamine + COPY)"),
        ("county", "county dashboard selector (aggregate SQL over members)"),
        ("city", "province dashboard selector (aggregate SQL over members)"),
        ("county_api", "county dashboard API in-process (raw counter read)"),
        ("search_pinyin", "member search “zhang”, page 1 (same SQL bare)"),
        ("search_name", "member search “建”, page 1 (same SQL bare)"),
        ("compliance", "monthly compliance scan, whole tree (bare grouped SQL)"),
        ("ranking", "ranking of points, county page 1 (bare SQL)"),
        ("api", "member detail API under load (bare pk view)"),
        ("machine", "machine load average (1 / 5 min) at the end of the figures"),
    ]
    head = "| measure (ceiling) | " + " | ".join(f"{r['n']:,} members" for r in rows) + " |"
    sep = "|---|" + "---|" * len(rows)
    body = [f"| {label} | " + " | ".join(cell(r, k) for r in rows) + " |" for k, label in names]
    return "\n".join([head, sep, *body])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=os.environ.get("SIZES", "1e4 1e5 1e6"))
    ap.add_argument("--prefix", default=os.environ.get("BENCH_SCALE_PREFIX", "postgres://postgres@127.0.0.1:5432/scale_"))
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--json", help=argparse.SUPPRESS)
    ap.add_argument("--template", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--import-rows", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--duration", type=float, default=4.0)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-api", action="store_true")
    ap.add_argument("--no-import", action="store_true")
    ap.add_argument("--resume", help=argparse.SUPPRESS)
    ap.add_argument("--drop", action="store_true", help="drop each size's database once its figures are taken (frees the disk)")
    ap.add_argument("--lean-from", default="1e99", help="from this size on, leave out the parts named by --lean (disk/time) and say so in the table")
    ap.add_argument("--lean", default="scores,dues", help="parts a lean size leaves out: scores (the 5 N score entries; the year counters are written with their totals), dues (payments and ledger)")
    ap.add_argument("--workdir", default=str(ROOT / "var" / "bench"))
    args = ap.parse_args(argv)
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    if args.one:
        return one(args)
    rows, failed = [], 0
    print("### migrating the template database", flush=True)
    if subprocess.call([sys.executable, "-m", "bench.scale", "--one", "0", "--template", "--prefix", args.prefix], cwd=str(ROOT)):
        return 1
    for s in args.sizes.split():
        n = size_of(s)
        js = Path(args.workdir) / f"scale-{label_of(n)}.json"
        cmd = [sys.executable, "-m", "bench.scale", "--one", s, "--json", str(js), "--prefix", args.prefix, "--import-rows", str(args.import_rows),
               "--repeat", str(args.repeat), "--duration", str(args.duration), "--concurrency", str(args.concurrency), "--workers", str(args.workers), "--workdir", args.workdir]  # fmt: skip
        cmd += ["--no-api"] if args.no_api else []
        cmd += ["--no-import"] if args.no_import else []
        cmd += ["--lean-from", args.lean_from, "--lean", args.lean]
        print(f"\n### {label_of(n)} members: {' '.join(cmd[1:])}", flush=True)
        rc = subprocess.call(cmd, cwd=str(ROOT))
        failed |= rc
        if args.drop:
            drop_database(f"{args.prefix}{label_of(n)}")
        if rc == 0:
            rows.append(json.loads(js.read_text()))
    if rows:
        print("\n" + table(rows))
    return failed


if __name__ == "__main__":
    raise SystemExit(main())
