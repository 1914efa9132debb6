"""Benchmark: the county dashboard API and the member detail API, each against its ceiling measured in the same run.

    python -m bench.api --database URL [--members 20000] [--duration 6] [--concurrency 32] [--workers 4] [--reuse]

1. County dashboard: GET /api/v1/stats/?org=<county> as a county-scope token user, in-process through the whole
   stack (middleware, gate, token, actor, scope, selector, JSON), vs its ceiling: one raw read of the counter rows
   the dashboard uses (the county's and its children's). Median of `--repeat` calls, best of 3 alternating rounds.
2. Member detail: /api/v1/members/<id>/ under N concurrent connections (a threaded http.client load generator in
   2 processes on loopback, bounded in time) against gunicorn, vs a bare Django view reading the same row with one
   query in the same server (bench/urls.py). Two cases: a masked read (系统管理员 token) and a full read
   (组织部管理员 token: full ID number and phone, one audit event written per read).

The database is built once (members registered in bulk, no import files) and kept with --reuse; bench.roster runs
the import benchmark and, unless --no-api, the same two figures on its own database.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from bench import common

ROOT = Path(__file__).resolve().parent.parent


def build(members: int, rng: random.Random) -> dict:
    from django.core.management import call_command

    from bench.roster import build_tree, people
    from orgwork.core.actor import Actor
    from orgwork.members.services import bulk_create_members

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    tree = build_tree(members, rng)
    branches = tree["branches"]
    used: set = set()
    actor = Actor.system_actor("bench")
    batch = []
    for row in people(members, rng, used):
        row["org"] = rng.choice(branches)
        batch.append(row)
        if len(batch) == 20000:
            bulk_create_members(actor=actor, rows=batch, action="member.bench")
            batch = []
    if batch:
        bulk_create_members(actor=actor, rows=batch, action="member.bench")
    return {"tree": tree, "seconds": time.perf_counter() - t0}


def bench_county_api(county, repeat: int) -> dict:
    """GET /api/v1/stats/?org=<county> as a county-scope user with a token, through the whole stack in-process
    (middleware, gate, token authentication, scope, selector, JSON), each call preceded by what Django does at the
    start of every real request on a persistent connection (`close_old_connections`: the connection health check is
    due again — Django's test client skips this, a server does not). Ceiling: one raw read of the counter rows the
    dashboard uses. Also timed in the same rounds: Django's stock health check (`SELECT 1`), which the project's
    PostgreSQL backend skips while the socket is quiet (orgwork/core/postgresql)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.roster import timed
    from orgwork.core import tokens
    from orgwork.core.actor import Actor
    from orgwork.core.models import Role
    from orgwork.core.services import grant_role
    from orgwork.stats.models import OrgStats

    system = Actor.system_actor("bench")
    user = get_user_model().objects.create_user(username=f"bench-county-{time.time_ns()}", password="Bench#2026x", is_staff=True)
    grant_role(actor=system, user=user, org=county, role=Role.DEPT_ADMIN)
    _t, token = tokens.issue(actor=system, user=user, name="bench-county", read_only=True, second_factor_verified=True)
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    url = f"/api/v1/stats/?org={county.pk}"

    def api():
        connection.close_if_unusable_or_obsolete()  # request_started in a server: the health check is due again
        resp = client.get(url)
        assert resp.status_code == 200, (resp.status_code, resp.content[:300])
        return resp.content

    sql = f"SELECT org_id, own, total FROM {OrgStats._meta.db_table} WHERE org_id IN (SELECT id FROM orgs_org WHERE id = %s OR parent_id = %s)"

    def counters():
        with connection.cursor() as cur:
            cur.execute(sql, [county.pk, county.pk])
            return cur.fetchall()

    def ping():  # Django's stock health check (what the stock backend sends before a request's first query)
        connection.ensure_connection()
        return connection.is_usable()

    api()  # the first use stamps the token and writes its audit event
    with CaptureQueriesContext(connection) as q:
        api()
    queries = len(q.captured_queries)
    rounds = [(timed(api, repeat), timed(counters, repeat), timed(ping, repeat)) for _ in range(3)]  # alternating
    ms, ceiling_ms, ping_ms = (min(r[i] for r in rounds) for i in range(3))
    return {"ms": ms, "ceiling_ms": ceiling_ms, "ping_ms": ping_ms, "ratio": ceiling_ms / ms, "rows": len(counters()), "queries": queries, "load": common.load()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database", required=True)
    ap.add_argument("--members", type=int, default=20_000)
    ap.add_argument("--duration", type=float, default=6.0)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    ap.add_argument("--repeat", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=2, help="alternating load rounds per case (the best counts)")
    ap.add_argument("--no-load", action="store_true", help="only the in-process dashboard figure")
    ap.add_argument("--reuse", action="store_true", help="keep the database of the last run")
    args = ap.parse_args(argv)
    from bench import roster

    if not args.reuse:
        roster.prepare_database(args.database)
    roster.setup_django(args.database)
    from django.contrib.auth import get_user_model
    from django.db import connection

    from orgwork.members.models import Member
    from orgwork.orgs.models import Org

    db = connection.vendor
    if args.reuse and Org.objects.filter(depth=1).exists():
        ctx = {"tree": {"city": Org.objects.get(depth=1), "counties": list(Org.objects.filter(depth=2).order_by("path"))}}
        for u in get_user_model().objects.filter(username__in=["bench-dept_admin", "bench-sysadmin"]):
            u.username = f"{u.username}-{time.time_ns()}"
            u.save(update_fields=["username"])
        built = "reused"
    else:
        if args.reuse:
            roster.prepare_database(args.database)
        print(f"[{db}] building {args.members:,} members …", flush=True)
        ctx = build(args.members, random.Random(20261123))
        built = f"built in {ctx['seconds']:.0f} s"
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    members = Member.objects.count()
    size = f"{members:,} members"
    print(f"== {db}: {size}, {Org.objects.count():,} orgs ({built}) ==", flush=True)
    county = Org.objects.get(pk=ctx["tree"]["counties"][0].pk)
    capi = bench_county_api(county, args.repeat)
    print(common.line(
        "county dashboard API", f"{capi['ms']:.2f} ms", f"{capi['ceiling_ms']:.2f} ms (raw read of the {capi['rows']} counter rows)", capi["ratio"],
        db=db, size=size, target="<= 5 ms", met=capi["ms"] <= 5, load_at=capi["load"],
        note=f"GET /api/v1/stats/?org=<county>, county-scope token, in-process (middleware, gate, token, actor, scope, selector, JSON; no socket), each call a new request for the connection (health check due); {capi['queries']} queries; a stock health check (SELECT 1) would add {capi['ping_ms']:.2f} ms; best of 3 alternating medians of {args.repeat}",
    ), flush=True)
    if args.no_load:
        return 0
    api = roster.bench_api(ctx, args.database, args.duration, args.concurrency, args.workers, rounds=args.rounds)
    bare = api["bare"]
    for case, label in (("detail", "member detail API (masked read, 系统管理员 token)"), ("detail_full", "member detail API (full ID/phone, audited read, 组织部管理员 token)")):
        a = api[case]
        ratio = a["rps"] / bare["rps"] if bare["rps"] else 0
        p99_ok = a["p99_ms"] <= 1.5 * bare["p99_ms"]
        print(common.line(
            label, f"{a['rps']:,.0f} req/s (p99 {a['p99_ms']:.1f} ms)", f"{bare['rps']:,.0f} req/s (bare view of the same row, same server, p99 {bare['p99_ms']:.1f} ms)",
            ratio, db=db, size=size, target=">= 0.60 and p99 <= 1.5x bare", met=ratio >= 0.6 and p99_ok, load_at=api["load"],
            note=f"gunicorn {api['workers']} sync workers, {args.concurrency} connections, best of {args.rounds} alternating rounds; queries/request {api['queries'][case]} vs {api['queries']['bare']}; errors {a['errors']}/{bare['errors']}; p99 ratio {a['p99_ms'] / bare['p99_ms']:.2f}",
        ), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
