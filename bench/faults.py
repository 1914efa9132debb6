"""Faults survived (issue 22): concurrent writers leave totals exact; a worker killed mid-import leaves nothing.

    python -m bench.faults dues [--database URL] [--writers 64] [--duration 60] [--members 400]
    python -m bench.faults import-kill [--database URL] [--rows 100000]

`import-kill`: queues a roster import of `--rows` new members, starts a real huey worker (`manage.py run_huey`), and
sends it SIGKILL half-way (once the job reports half its rows or its write phase). Then: no member row of the file
exists (the write is one transaction), the job is still "running"; the heartbeat sweep marks it failed; a retry with a
new worker imports every row. Exit status 1 on any difference.

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


def run_import_kill(url: str, rows: int, var_dir: str) -> int:
    import signal
    import subprocess
    from datetime import timedelta

    from django.core.files import File
    from django.utils import timezone

    from bench.roster import people, write_import_file
    from orgwork.core.actor import Actor
    from orgwork.members.models import Member
    from orgwork.orgs.models import Org
    from orgwork.roster import services
    from orgwork.roster.exporter import full_paths
    from orgwork.roster.models import ImportJob, JobStatus

    rng = random.Random(22)
    branches = list(Org.objects.filter(kind="branch"))
    used = set(Member.objects.values_list("id_number", flat=True))
    paths = full_paths()
    data = []
    for r in people(rows, rng, used):
        r["org"] = rng.choice(branches)
        data.append(r)
    xlsx = Path(var_dir) / f"kill-{rows}.xlsx"
    t0 = time.perf_counter()
    write_import_file(xlsx, data, paths)
    print(f"import-kill: wrote {rows} rows to {xlsx.name} in {time.perf_counter() - t0:.0f} s", flush=True)
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="bench-faults", defaults={"is_superuser": True, "is_staff": True})
    system = Actor.for_user(user)
    before = Member.objects.count()
    with xlsx.open("rb") as f:
        job = services.start_import(actor=system, upload=File(f, name=xlsx.name), kind="members", partial=False, update=False)
    env = dict(os.environ, DATABASE_URL=url, ORGWORK_VAR_DIR=var_dir)

    def worker():
        return subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "run_huey", "-w", "1", "-q"], env=env, cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    proc = worker()
    killed_at = None
    deadline = time.monotonic() + 3600
    while time.monotonic() < deadline:
        j = ImportJob.objects.get(pk=job.pk)
        if j.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.REJECTED):
            break
        if j.status == JobStatus.WRITING or (j.rows_total and j.rows_done >= j.rows_total // 2):
            time.sleep(0.5 if j.status == JobStatus.WRITING else 0)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            killed_at = (j.status, j.rows_done, j.rows_total)
            break
        time.sleep(0.2)
    if killed_at is None:
        proc.kill()
        print(f"import-kill: the job ended before it could be killed ({ImportJob.objects.get(pk=job.pk).status}) — no result")
        return 1
    after_kill = Member.objects.count()
    j = ImportJob.objects.get(pk=job.pk)
    print(f"import-kill: SIGKILL at {killed_at[0]} {killed_at[1]}/{killed_at[2]} rows; members before {before}, after the kill {after_kill}; job status {j.status}", flush=True)
    ok = after_kill == before and j.status in (JobStatus.RUNNING, JobStatus.WRITING)
    failed = services.fail_stale_jobs(now=timezone.now() + services.job_timeout() + timedelta(seconds=1))
    j.refresh_from_db()
    ok &= j.status == JobStatus.FAILED and any(x.pk == j.pk for x in failed)
    print(f"import-kill: heartbeat sweep → {j.status}: {j.error}", flush=True)
    services.retry_import(actor=system, job_id=j.pk)
    proc = worker()
    try:
        while True:
            j.refresh_from_db()
            if j.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.REJECTED):
                break
            time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    final = Member.objects.count()
    ok &= j.status == JobStatus.DONE and final == before + rows
    print(f"import-kill: retry → {j.status}, {j.accepted} accepted; members {before} → {final} (+{final - before} of {rows}): {'OK' if ok else 'DIFFERENT'}")
    return 0 if ok else 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("check", choices=["dues", "import-kill"])
    ap.add_argument("--rows", type=int, default=100_000)
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
    import tempfile

    var_dir = tempfile.mkdtemp(prefix="orgwork-faults-")
    os.environ["ORGWORK_VAR_DIR"] = var_dir  # the huey queue file shared with the worker process
    setup(args.database)
    ids = prepare(args.members)
    if args.check == "import-kill":
        return run_import_kill(args.database, args.rows, var_dir)
    return run_dues(args.writers, args.duration, ids)


if __name__ == "__main__":
    raise SystemExit(main())
