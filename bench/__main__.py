"""`make bench`: the roster benchmarks on SQLite and on PostgreSQL, each figure beside its ceiling and the ratio.

    python -m bench [--size 100000] [--duration 6] [--only sqlite|postgres] [--no-api] [--no-portal] [--no-compliance]

`--size N` (make bench BENCH_SIZE=N, default 100000, the size issue 13 measures at): N members registered, then N rows
imported (twice, each a new file, alternating with the ceiling); the compliance scan runs at 60,000 orgs when
N >= 100000, else at 6,000. BENCH_SIZE=20000 is a quicker run (its import ratios are lower: the fixed costs of an
import weigh more on 20,000 rows).

Each database runs in its own process (bench/roster.py); then the portal page (bench/portal.py, skip with --no-portal). The compliance scan has its own: python -m bench.compliance.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASES = {
    "sqlite": f"sqlite:///{ROOT / 'var' / 'bench' / 'roster.sqlite3'}",
    "postgres": os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/orgwork_bench"),
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=int(os.environ.get("BENCH_SIZE") or 100_000))
    ap.add_argument("--duration", type=float, default=6.0)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--only", choices=sorted(DATABASES))
    ap.add_argument("--no-api", action="store_true")
    ap.add_argument("--no-portal", action="store_true", help="skip the portal page benchmark (bench/portal.py)")
    ap.add_argument("--no-compliance", action="store_true", help="skip the compliance-scan benchmark (bench/compliance.py)")
    ap.add_argument("--no-scores", action="store_true", help="skip the scoring benchmark (bench/scores.py: ranking from counters, 64 concurrent writers)")
    args = ap.parse_args(argv)
    failed = 0
    for name, url in DATABASES.items():
        if args.only and name != args.only:
            continue
        cmd = [sys.executable, "-m", "bench.roster", "--database", url, "--members", str(args.size), "--import-rows", str(args.size),
               "--duration", str(args.duration), "--concurrency", str(args.concurrency), "--json", str(ROOT / "var" / "bench" / f"roster-{name}.json")]
        if args.no_api:
            cmd.append("--no-api")
        print(f"\n### {name}: {' '.join(cmd[1:])}", flush=True)
        failed |= subprocess.call(cmd, cwd=str(ROOT))
    if not args.no_portal:
        print("\n### portal article page: bench.portal", flush=True)
        failed |= subprocess.call([sys.executable, "-m", "bench.portal"], cwd=str(ROOT))
    if not args.no_compliance:
        orgs = 60000 if args.size >= 100_000 else 6000
        for name, url in DATABASES.items():
            if args.only and name != args.only:
                continue
            cmd = [sys.executable, "-m", "bench.compliance", "--orgs", str(orgs)]
            if name == "postgres":
                cmd += ["--database", url.rsplit("/", 1)[0] + f"/{url.rsplit('/', 1)[1]}_compliance_{orgs}"]
            print(f"\n### compliance scan ({name}): {' '.join(cmd[1:])}", flush=True)
            failed |= subprocess.call(cmd, cwd=str(ROOT))
    if not args.no_scores:
        for name, url in DATABASES.items():
            if args.only and name != args.only:
                continue
            # PostgreSQL: the size (100,000 members, 5,000,000 entries); SQLite: 1,000,000 entries keeps the
            # one-time build near a minute on a loaded machine (the ranking reads only the 100,000 counter rows either way)
            cmd = [sys.executable, "-m", "bench.scores", "--members", "100000", "--entries", "5000000" if name == "postgres" else "1000000"]
            if name == "postgres":
                cmd += ["--database", url + "_scores"]
            print(f"\n### scores ranking + concurrency ({name}): {' '.join(cmd[1:])}", flush=True)
            failed |= subprocess.call(cmd, cwd=str(ROOT))
    return failed


if __name__ == "__main__":
    raise SystemExit(main())
