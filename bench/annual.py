"""Benchmark: the annual statistics report (党内统计年报) over a generated county.

    python -m bench.annual [--members 20000] [--database URL] [--repeat 3] [--rebuild]

Builds (once, cached under var/bench/) the demo county generator's county with the given number of members,
gives a few hundred members standing changes and in-system transfers in the year, then times the whole report
(one streamed pass over the members, the org table, the year's transfers and standing changes) and the Excel
workbook, for the county and for one town.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(database: str | None, members: int) -> str:
    sys.path.insert(0, str(ROOT))
    if database:
        url = database
    else:
        (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{ROOT / 'var' / 'bench' / f'annual-{members}.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orgwork.settings")
    import django

    django.setup()
    return url


def build(members: int) -> dict:
    from django.core.management import call_command

    from orgwork.core.actor import Actor
    from orgwork.demo.generator import build_county
    from orgwork.lifecycle import transfers
    from orgwork.members import services as member_services
    from orgwork.members.models import Member
    from orgwork.orgs.models import Org, OrgKind

    call_command("migrate", verbosity=0)
    if Org.objects.exists():
        return {"members": Member.objects.count(), "built": False}
    t0 = time.perf_counter()
    build_county(members=members, users=False)
    system = Actor.system_actor("bench")
    today = dt.date.today()
    root = Org.objects.get(depth=1)
    towns = list(Org.objects.filter(parent=root, kind=OrgKind.COMMITTEE).order_by("path"))
    ids = list(Member.objects.filter(category="full").order_by("?").values_list("pk", flat=True)[:400])
    actions = ["decease", "exit", "suspend", "remove"]
    for i, pk in enumerate(ids[:200]):
        member_services.change_status(actor=system, member_id=pk, action=actions[i % 4], on=today, reason="基准测试")
    for i, pk in enumerate(ids[200:]):
        target = Org.objects.filter(path__startswith=towns[i % len(towns)].path, kind=OrgKind.BRANCH).exclude(members__pk=pk).order_by("path").first()
        t = transfers.start_within(actor=system, member_id=pk, to_org_id=target.pk, reason="基准测试", on=today)
        transfers.receive(actor=system, transfer_id=t.pk, on=today)
    return {"members": Member.objects.count(), "built": True, "build_s": round(time.perf_counter() - t0, 1)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=20000)
    ap.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args(argv)
    if args.rebuild and not args.database:
        path = ROOT / "var" / "bench" / f"annual-{args.members}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    url = setup_django(args.database, args.members)
    info = build(args.members)
    print(f"database: {url.split('@')[-1]}  data: {info}")

    from django.db import connection, reset_queries

    from orgwork.orgs.models import Org, OrgKind
    from orgwork.stats import annual
    from orgwork.stats.excel import write_annual

    root = Org.objects.get(depth=1)
    town = Org.objects.filter(parent=root, kind=OrgKind.COMMITTEE).order_by("path").first()
    year = dt.date.today().year
    for label, roots in (("county", [root]), ("one town", [town])):
        times, xlsx = [], []
        for _ in range(args.repeat):
            reset_queries()
            t0 = time.perf_counter()
            report = annual.compute(roots=roots, year=year)
            times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            buf = io.BytesIO()
            write_annual(buf, report)
            xlsx.append(time.perf_counter() - t0)
        bad = [c["code"] for c in report.checks if not c["ok"]]
        print(
            f"{label}: {report.member_count} member records read, closing {report.movements['closing']}, movements {report.movements};"
            f" report best {min(times):.2f} s (median {statistics.median(times):.2f}), Excel best {min(xlsx):.2f} s"
            f" ({len(buf.getvalue()) // 1024} KiB); failing checks {bad}, {len(report.problems)} records listed"
        )
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; queries are counted only with DEBUG ({len(connection.queries)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
