"""Faults survived (issue 22): concurrent writers leave totals exact.

    python -m bench.faults dues [--database URL] [--writers 64] [--duration 60] [--members 400]

`dues`: builds a small county (once per database), declares every member's base, then `--writers` threads record
payments for `--duration` seconds through the real service (`dues.services.record_payment`), all aiming at the same
few hundred members and months so they collide on purpose. Each thread keeps what the service accepted. Afterwards:
- every (member, month) has at most one ledger row (the unique guard),
- the ledger's sum equals the payments' sum equals what the threads were told was accepted,
- the only refusals are the service's own `already_paid` (no deadlock, no integrity error, no 5xx-class exception).
Exit status 1 on any difference. Printed with writers, duration, accepted/refused counts and throughput.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orgwork.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def prepare(members: int) -> list[int]:
    from orgwork.core.actor import Actor
    from orgwork.demo.generator import build_county
    from orgwork.dues import services as dues
    from orgwork.dues.models import DuesBase
    from orgwork.members.models import Member, Standing
    from orgwork.orgs.models import Org

    if not Org.objects.exists():
        build_county(members=members, users=False, activity=False, seed=22)
    system = Actor.system_actor("bench-faults")
    ids = [m.pk for m in Member.objects.filter(standing=Standing.NORMAL).order_by("pk") if dues.dues_start(m) <= dt.date(2026, 7, 1)]
    based = set(DuesBase.objects.values_list("member_id", flat=True))
    for pk in ids:
        if pk not in based:
            dues.set_base(actor=system, member_id=pk, category="farmer", declared_on=dt.date(2025, 12, 1), amount=Decimal("1.00"))
    return ids


def run_dues(writers: int, duration: float, member_ids: list[int]) -> int:
    from django.db import connections
    from django.db.models import Sum

    from orgwork.core.actor import Actor
    from orgwork.core.errors import ServiceError
    from orgwork.dues import services as dues
    from orgwork.dues.models import DuesMonth, DuesPayment

    system = Actor.system_actor("bench-faults")
    before_ledger = DuesMonth.objects.aggregate(s=Sum("paid"))["s"] or Decimal("0")
    before_payments = DuesPayment.objects.aggregate(s=Sum("amount"))["s"] or Decimal("0")
    hot = member_ids[: max(20, min(len(member_ids), writers * 4))]
    months = [dt.date(2026, m, 1) for m in range(7, 13)]  # within the 6-month back-payment limit on 2026-12-03
    results = []
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def writer(seed: int):
        rng = random.Random(seed)
        accepted, amount, refused, errors = 0, Decimal("0"), 0, []
        try:
            while time.monotonic() < stop:
                member_id = rng.choice(hot)
                month = rng.choice(months)
                try:
                    p = dues.record_payment(actor=system, member_id=member_id, from_month=month, months=1, paid_on=dt.date(2026, 12, 1), today=dt.date(2026, 12, 3))
                    accepted += 1
                    amount += p.amount
                except ServiceError as exc:
                    codes = {e.code for e in exc.errors}
                    if codes <= {"already_paid"}:
                        refused += 1
                    else:
                        errors.append(f"ServiceError {sorted(codes)}")
                except Exception as exc:  # the point of the check: nothing else may escape the service
                    errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()
        with lock:
            results.append((accepted, amount, refused, errors))

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    accepted = sum(r[0] for r in results)
    told = sum((r[1] for r in results), Decimal("0"))
    refused = sum(r[2] for r in results)
    errors = [e for r in results for e in r[3]]
    ledger = (DuesMonth.objects.aggregate(s=Sum("paid"))["s"] or Decimal("0")) - before_ledger
    payments = (DuesPayment.objects.aggregate(s=Sum("amount"))["s"] or Decimal("0")) - before_payments
    from django.db.models import Count

    doubles = DuesMonth.objects.values("member_id", "month").annotate(n=Count("id")).filter(n__gt=1).count()
    ok = not errors and doubles == 0 and ledger == payments == told
    print(
        f"dues, {writers} writers × {duration:.0f} s: {accepted} payments accepted, {refused} refused as already paid, "
        f"{accepted / elapsed:.0f} payments/s; ledger +{ledger} = payments +{payments} = accepted {told}: {'exact' if ledger == payments == told else 'DIFFERENT'}; "
        f"double rows {doubles}; unexpected errors {len(errors)}{' — ' + '; '.join(sorted(set(errors))[:5]) if errors else ''}"
    )
    return 0 if ok else 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("check", choices=["dues"])
    ap.add_argument("--database", default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/orgwork_faults"))
    ap.add_argument("--writers", type=int, default=64)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--members", type=int, default=400)
    args = ap.parse_args(argv)
    if args.database.startswith("postgres"):
        import psycopg

        base, name = args.database.rsplit("/", 1)
        with psycopg.connect(base + "/postgres", autocommit=True) as c:
            if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                c.execute(f'CREATE DATABASE "{name}"')
    setup(args.database)
    ids = prepare(args.members)
    return run_dues(args.writers, args.duration, ids)


if __name__ == "__main__":
    raise SystemExit(main())
