"""Faults survived (issue 22): concurrent writers leave totals exact; a worker killed mid-import leaves nothing.

    python -m bench.faults dues [--database URL] [--writers 64] [--duration 60] [--members 400]
    python -m bench.faults import-kill [--database URL] [--rows 100000]
    python -m bench.faults pg-restart [--rows 100000] [--port 5434] [--modes fast,immediate] [--clone URL] [--hold]

`import-kill`: queues a roster import of `--rows` new members, starts a real huey worker (`manage.py run_huey`), and
sends it SIGKILL half-way (once the job reports half its rows or its write phase). Then: no member row of the file
exists (the write is one transaction), the job is still "running"; the heartbeat sweep marks it failed; a retry with a
new worker imports every row. Exit status 1 on any difference.

`pg-restart`: starts a throwaway PostgreSQL cluster of its own (initdb as the postgres user into /tmp, port `--port`;
the shared server on 5432 is never touched), migrates a database there (or copies an already migrated one with
pg_dump, `--clone`), builds a small county, starts a real huey worker and queues a roster import of `--rows` new
members. Each time the job reaches its write phase (the one transaction that inserts the rows) the cluster is
restarted with `pg_ctl restart -m <mode>` for each mode of `--modes` in turn (fast = clean shutdown that terminates
the sessions, immediate = a crash followed by WAL recovery), and the job is retried after each. Checked after every
restart: no member row of the file exists, the worker is still alive and marked the job failed with a clear message
(or, if it could not, the heartbeat sweep does), the upload is kept. After the last retry: every row imported, the
audit chain verifies (`manage.py audit_verify`) and the members' distribution column is right. Exit status 1 on any
difference; the cluster is removed afterwards. `--hold`: the bench holds the audit head's row lock, so each write stops
with every row inserted and nothing committed, and the restart comes exactly then (the test uses it at 2,000 rows).

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


class Cluster:
    """A throwaway PostgreSQL server of our own (initdb under /tmp, loopback only, trust), run as the postgres user."""

    def __init__(self, port: int):
        import glob
        import tempfile

        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
        if not bins:
            raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql")
        self.bin = bins[-1]
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="orgwork-pgfault-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"

    @staticmethod
    def as_postgres(cmd: list[str]) -> list[str]:
        import pwd

        if pwd.getpwuid(os.geteuid()).pw_name == "postgres":
            return cmd
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *cmd]
        raise RuntimeError("pg-restart needs root or the postgres user (the server binaries refuse to run as root)")

    def pg(self, *args: str, check: bool = True):
        import subprocess

        return subprocess.run(self.as_postgres([f"{self.bin}/{args[0]}", *args[1:]]), check=check, capture_output=True, text=True)

    def start(self) -> None:
        import shutil

        shutil.chown(self.dir, "postgres")
        os.chmod(self.dir, 0o700)
        self.pg("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        with (self.data / "postgresql.conf").open("a") as f:
            f.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.dir}'\n"
                    "shared_buffers = 128MB\nmax_connections = 40\n")
        self.pg("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "start")

    def restart(self, mode: str) -> float:
        t0 = time.perf_counter()
        self.pg("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", mode, "-w", "-t", "120", "restart")
        return time.perf_counter() - t0

    def stop(self) -> None:
        import shutil

        self.pg("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop", check=False)
        if not os.environ.get("KEEP_FAULT_CLUSTER"):
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str, clone: str | None) -> str:
        import subprocess

        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        if clone:  # a migrated database copied with pg_dump: seconds instead of a minute of migrations
            t0 = time.perf_counter()
            dump = subprocess.Popen(["pg_dump", "--no-owner", "--no-privileges", clone], stdout=subprocess.PIPE)
            subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null", self.url(name)], stdin=dump.stdout, check=True,
                           env=dict(os.environ, PGOPTIONS="-c client_min_messages=warning"))
            if dump.wait() != 0:
                raise RuntimeError(f"pg_dump of {clone} failed")
            print(f"pg-restart: copied the migrated database {clone.rsplit('/', 1)[-1]} in {time.perf_counter() - t0:.1f} s", flush=True)
        return self.url(name)


def _import_file(rows: int, var_dir: str, tag: str) -> Path:
    from bench.roster import people, write_import_file
    from orgwork.members.models import Member
    from orgwork.orgs.models import Org
    from orgwork.roster.exporter import full_paths

    rng = random.Random(22)
    branches = list(Org.objects.filter(kind="branch"))
    used = set(Member.objects.values_list("id_number", flat=True))
    data = []
    for r in people(rows, rng, used):
        r["org"] = rng.choice(branches)
        data.append(r)
    xlsx = Path(var_dir) / f"{tag}-{rows}.xlsx"
    t0 = time.perf_counter()
    write_import_file(xlsx, data, full_paths())
    print(f"{tag}: wrote {rows} rows to {xlsx.name} in {time.perf_counter() - t0:.0f} s", flush=True)
    return xlsx


def _retrying(fn, timeout: float = 180):
    """Run a read of the bench's own connection, reconnecting while the server restarts."""
    from django.db import DatabaseError, connections

    deadline = time.monotonic() + timeout
    while True:
        try:
            return fn()
        except DatabaseError:
            connections.close_all()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _open_write(url: str, holder=None) -> str:
    """The oldest open transaction on the import's database other than ours: the import's write (what it runs now)."""
    import psycopg

    skip = holder.info.backend_pid if holder is not None else 0
    with psycopg.connect(url, autocommit=True) as c:
        row = c.execute(
            "SELECT round(extract(epoch FROM now() - xact_start)::numeric, 1), coalesce(wait_event_type || ' wait, ', '') || state, "
            "left(regexp_replace(query, '\\s+', ' ', 'g'), 60) "
            "FROM pg_stat_activity WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), %s) AND xact_start IS NOT NULL "
            "AND backend_type = 'client backend' ORDER BY xact_start LIMIT 1", [skip]
        ).fetchone()
    return f"transaction open {row[0]} s, {row[1]}: {row[2]}" if row else "NO open transaction"


def _hold_audit_head(url: str):
    """Take the audit head's row lock in an open transaction: the import's write, which appends its audit event after
    inserting the rows, stops there with every row inserted and nothing committed (a deterministic "half-way")."""
    import psycopg

    c = psycopg.connect(url)
    c.execute("SELECT seq FROM core_audithead WHERE id = 1 FOR UPDATE")
    return c


def _waiting_on_lock(url: str) -> bool:
    import psycopg

    with psycopg.connect(url, autocommit=True) as c:
        return bool(c.execute(
            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND wait_event_type = 'Lock' AND backend_type = 'client backend'"
        ).fetchone())


def run_pg_restart(cluster: Cluster, url: str, rows: int, var_dir: str, modes: list[str], delay: float | None, hold: bool = False) -> int:
    import subprocess
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.core.files import File
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from bench.common import load
    from orgwork.core import distribution
    from orgwork.core.actor import Actor
    from orgwork.members.models import Member
    from orgwork.roster import services
    from orgwork.roster.models import ImportJob, JobStatus

    xlsx = _import_file(rows, var_dir, "pg-restart")
    user, _ = get_user_model().objects.get_or_create(username="bench-faults", defaults={"is_superuser": True, "is_staff": True})
    system = Actor.for_user(user)
    before = Member.objects.count()
    with xlsx.open("rb") as f:
        job = services.start_import(actor=system, upload=File(f, name=xlsx.name), kind="members", partial=False, update=False)
    env = dict(os.environ, DATABASE_URL=url, ORGWORK_VAR_DIR=var_dir, ORGWORK_IMPORT_HEARTBEAT_SECONDS="2")
    worker_log = Path(var_dir) / "worker.log"
    logf = worker_log.open("ab")
    proc = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "run_huey", "-w", "1"], env=env, cwd=str(ROOT), stdout=logf, stderr=logf)
    delay = (0.3 + rows / 50_000) if delay is None else delay
    ok = True
    t_start = time.perf_counter()
    try:
        for attempt, mode in enumerate(modes, 1):
            # wait for the write phase of this attempt, then a little into it (or until it waits for our lock)
            holder = _hold_audit_head(url) if hold else None
            deadline = time.monotonic() + 3600
            while True:
                j = _retrying(lambda: ImportJob.objects.get(pk=job.pk))
                if j.finished or time.monotonic() > deadline:
                    print(f"pg-restart: attempt {attempt} ended ({j.status}) before the restart — no result")
                    return 1
                if j.status == JobStatus.WRITING:
                    break
                time.sleep(0.05)
            if hold:
                # the write has inserted every row and waits for the audit head we hold: restart right there
                while not _waiting_on_lock(url):
                    if _retrying(lambda: ImportJob.objects.get(pk=job.pk)).finished:
                        break
                    time.sleep(0.05)
            else:
                time.sleep(delay)
            open_tx = _open_write(url, holder)
            took = cluster.restart(mode)
            if holder is not None:  # its session died with the server
                holder.close()
            connections.close_all()
            where = "once the write had inserted every row and waited for the audit head (held by the bench)" if hold else f"{delay:.1f} s into the write phase"
            print(f"pg-restart: attempt {attempt}: `pg_ctl restart -m {mode}` {where} ({open_tx}); "
                  f"the server was back in {took:.1f} s · load {load()}", flush=True)
            # the worker should notice, wait for the server and mark the job failed on its own
            deadline = time.monotonic() + 180
            while not (j := _retrying(lambda: ImportJob.objects.get(pk=job.pk))).finished and time.monotonic() < deadline:
                time.sleep(0.5)
            after = _retrying(lambda: Member.objects.count())
            alive = proc.poll() is None
            swept = services.fail_stale_jobs(now=timezone.now() + services.job_timeout() + timedelta(seconds=1))
            by = "the worker"
            if any(x.pk == job.pk for x in swept):
                by = "the heartbeat sweep (the worker did not)"
            j.refresh_from_db()
            kept = bool(j.file) and j.file.storage.exists(j.file.name)
            good = after == before and j.status == JobStatus.FAILED and by == "the worker" and alive and kept
            ok &= good
            print(f"pg-restart: attempt {attempt}: members before {before}, after the restart {after} ({after - before} partial rows); "
                  f"job {j.status} by {by}: {j.error}; worker alive: {alive}; upload kept: {kept} → {'OK' if good else 'DIFFERENT'}", flush=True)
            if not alive:
                proc = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "run_huey", "-w", "1"], env=env, cwd=str(ROOT), stdout=logf, stderr=logf)
            services.retry_import(actor=system, job_id=job.pk)
        # the last retry runs to the end on the same worker
        while not (j := _retrying(lambda: ImportJob.objects.get(pk=job.pk))).finished:
            time.sleep(0.5)
        final = Member.objects.count()
        good = j.status == JobStatus.DONE and final == before + rows and proc.poll() is None
        ok &= good
        print(f"pg-restart: retry {j.attempts} on the same worker → {j.status}, {j.accepted} accepted; members {before} → {final} "
              f"(+{final - before} of {rows}): {'OK' if good else 'DIFFERENT'} · {time.perf_counter() - t_start:.0f} s in all", flush=True)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        logf.close()
    import io

    out = io.StringIO()
    try:
        call_command("audit_verify", stdout=out)
        chain = True
    except Exception as exc:
        out.write(str(exc))
        chain = False
    wrong = distribution.mismatches(Member)
    ok &= chain and wrong == 0
    print(f"pg-restart: audit_verify: {out.getvalue().strip().splitlines()[0] if out.getvalue().strip() else '?'}; members with a wrong top_org_id: {wrong}")
    if not ok:
        print(f"pg-restart: worker log {worker_log}")
    print(f"pg-restart: {'OK' if ok else 'DIFFERENT'}")
    return 0 if ok else 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("check", choices=["dues", "import-kill", "pg-restart"])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--database", default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/orgwork_faults"))
    ap.add_argument("--writers", type=int, default=64)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--members", type=int, default=400)
    ap.add_argument("--port", type=int, default=5434, help="pg-restart: the throwaway cluster's port")
    ap.add_argument("--modes", default="fast,immediate", help="pg-restart: pg_ctl restart modes, one restart each")
    ap.add_argument("--clone", help="pg-restart: copy this migrated database (pg_dump) instead of migrating")
    ap.add_argument("--delay", type=float, help="pg-restart: seconds into the write phase (default 0.3 + rows/50,000)")
    ap.add_argument("--hold", action="store_true", help="pg-restart: restart once the write has inserted every row (hold the audit head's lock)")
    args = ap.parse_args(argv)
    if args.check == "pg-restart":
        return main_pg_restart(args)
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


def main_pg_restart(args) -> int:
    import tempfile

    var_dir = tempfile.mkdtemp(prefix="orgwork-faults-")
    os.environ["ORGWORK_VAR_DIR"] = var_dir
    cluster = Cluster(args.port)
    cluster.start()
    try:
        url = cluster.create_database("orgwork_pgfault", args.clone)
        t0 = time.perf_counter()
        setup(url)
        print(f"pg-restart: own cluster on 127.0.0.1:{args.port} ({cluster.dir}); migrate {time.perf_counter() - t0:.0f} s", flush=True)
        prepare(args.members)
        return run_pg_restart(cluster, url, args.rows, var_dir, [m.strip() for m in args.modes.split(",") if m.strip()], args.delay, args.hold)
    finally:
        from django.db import connections

        connections.close_all()
        cluster.stop()


if __name__ == "__main__":
    raise SystemExit(main())
