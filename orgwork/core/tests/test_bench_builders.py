"""The benchmarks build their data with raw inserts (COPY / executemany) for speed, so a new NOT NULL column in the
schema breaks them without any app test noticing (a bench that cannot build is a `make bench` that prints nothing).
Each builder runs here at a tiny size, in its own process and database, and must get as far as its figures."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _run(args, tmp_path):
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_the_compliance_bench_builds_and_measures(tmp_path):
    r = _run(["bench.compliance", "--orgs", "300", "--repeat", "1", "--database", f"sqlite:///{tmp_path / 'c.sqlite3'}"], tmp_path)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr[-3000:]
    assert "monthly compliance scan:" in r.stdout and "ratio" in r.stdout


def test_the_roster_bench_builds_imports_and_measures(tmp_path):
    r = _run(["bench.roster", "--database", f"sqlite:///{tmp_path / 'r.sqlite3'}", "--members", "300", "--import-rows", "200", "--import-repeat", "1", "--repeat", "1", "--no-api"], tmp_path)
    assert "Traceback" not in r.stderr, r.stderr[-3000:]
    assert "roster import:" in r.stdout and "county dashboard API:" in r.stdout, r.stdout[-2000:]
