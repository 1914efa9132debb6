"""Issue 22, faults survived: PostgreSQL restarted (cleanly, then as a crash) in the middle of a roster import's write.

Runs `bench/faults.py pg-restart` at a small size against a throwaway cluster of its own (initdb under /tmp on a free
loopback port, started as the postgres user; the shared server is never touched), copying this test run's migrated
database into it. The script checks, and exits 1 on any difference: after each restart no member row of the file
exists, the real huey worker survived and marked the job failed with a clear message, the upload is kept; the retry on
the same worker imports every row; the audit chain verifies. PostgreSQL only, and only as root or postgres.
"""

import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
from glob import glob
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


def _can_run_a_cluster() -> str | None:
    if connection.vendor != "postgresql":
        return "PostgreSQL only"
    if pwd.getpwuid(os.geteuid()).pw_name not in ("root", "postgres"):
        return "needs root or the postgres user to start a throwaway cluster"
    if not glob("/usr/lib/postgresql/*/bin/initdb") or not shutil.which("pg_dump") or not shutil.which("psql"):
        return "no PostgreSQL server binaries here"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db  # for the migrated test database it copies (this test writes nothing to it)
def test_a_postgres_restart_mid_import_leaves_no_partial_rows_and_the_retry_imports_all():
    reason = _can_run_a_cluster()
    if reason:
        pytest.skip(reason)
    s = connection.settings_dict
    clone = f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ORGWORK_VAR_DIR")}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    run = subprocess.run(
        [sys.executable, "-m", "bench.faults", "pg-restart", "--rows", "2000", "--members", "200", "--hold", "--clone", clone, "--port", str(_free_port())],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    for mode in ("fast", "immediate"):
        assert f"`pg_ctl restart -m {mode}`" in out, out
    assert out.count("(0 partial rows); job failed by the worker") == 2, out
    assert re.search(r"members (\d+) → (\d+) \(\+2000 of 2000\): OK", out), out
    assert "audit chain OK" in out and "members with a wrong top_org_id: 0" in out, out
