"""Benchmark: a published portal article page under gunicorn, 64 connections, against a bare view that serves the
same cached HTML in the same server run (target: ratio >= 0.6).

    python -m bench.portal [--duration 5] [--concurrency 64] [--workers 2] [--rounds 2] [--json PATH]

Both URLs pass the whole middleware stack (sessions, locale, CSRF, auth, the gate). The portal view reads the
article's cached page and answers; the bare view (bench/urls.py) reads the same cache entry and answers with no
view logic at all. The load generator is our own: asyncio HTTP/1.1 keep-alive clients in 2 processes on loopback.
Rounds alternate portal / bare so background load on a shared machine hits both alike; the best round of each counts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.6


def setup(db_path: Path) -> int:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from orgwork.core.actor import Actor
    from orgwork.orgs import services as org_services
    from orgwork.orgs.models import Org, OrgKind, Sector
    from orgwork.portal import services
    from orgwork.portal.models import Article, Column, State, SubSite

    a = Article.objects.filter(state=State.PUBLISHED).first()
    if a:
        return a.pk
    actor = Actor.system_actor("bench")
    root = Org.objects.filter(depth=1).first() or org_services.create_org(actor=actor, parent_id=None, name="中共基准县委员会", kind=OrgKind.COMMITTEE, sector=Sector.AGENCY, code="B001")
    services.ensure_sites(actor=actor, root_org_id=root.pk)
    site = SubSite.objects.get(slug="main")
    body = "\n\n".join(f"第{i}段：全县各级党组织认真贯彻落实基层党建工作要求，推动党建工作与中心工作深度融合。" for i in range(1, 25))
    a = services.create_article(actor=actor, site_id=site.pk, column_id=Column.objects.get(site=site, slug="news").pk, org_id=root.pk,
                                title="全县基层党建工作推进会召开", summary="会议部署下一阶段重点任务。", body=body)  # fmt: skip
    services.submit(actor=actor, article_id=a.pk)
    services.review(actor=actor, article_id=a.pk, approve=True, secrecy_checked=True, comment="同意")
    services.publish(actor=actor, article_id=a.pk)
    return a.pk


# --- the load generator ------------------------------------------------------------------------------------
async def _conn(port, path, stop_at, counts):
    req = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n".encode()
    reader = writer = None
    while time.monotonic() < stop_at:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(req)
            status = await reader.readline()
            length, close = 0, False
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                k, _, v = line.decode("latin-1").partition(":")
                k = k.strip().lower()
                if k == "content-length":
                    length = int(v)
                elif k == "connection" and v.strip().lower() == "close":
                    close = True
            await reader.readexactly(length)
            if status.split(b" ", 2)[1:2] == [b"200"]:
                counts[0] += 1
            else:
                counts[1] += 1
            if close:
                writer.close()
                writer = None
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            counts[1] += 1
            if writer is not None:
                writer.close()
            writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


def _client(port, path, duration, conns, q):
    counts = [0, 0]
    stop_at = time.monotonic() + duration

    async def main():
        await asyncio.gather(*(_conn(port, path, stop_at, counts) for _ in range(conns)))

    asyncio.run(main())
    q.put(counts)


def load(port, path, duration, concurrency, procs=2) -> dict:
    q = multiprocessing.Queue()
    ps = [multiprocessing.Process(target=_client, args=(port, path, duration, concurrency // procs, q)) for _ in range(procs)]
    for p in ps:
        p.start()
    ok = bad = 0
    for _ in ps:
        a, b = q.get()
        ok, bad = ok + a, bad + b
    for p in ps:
        p.join()
    return {"rps": ok / duration, "requests": ok, "errors": bad}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=5.0)
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--json", default=str(ROOT / "var" / "bench" / "portal.json"))
    args = ap.parse_args(argv)
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    db = ROOT / "var" / "bench" / "portal.sqlite3"
    pk = setup(db)
    from django.db import connections

    connections.close_all()
    port = 19000 + os.getpid() % 1000
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "bench.settings", "DEBUG": "0"}
    cmd = [sys.executable, "-m", "gunicorn", "bench.wsgi", "-w", str(args.workers), "-k", "gthread", "--threads", str(args.threads),
           "--keep-alive", "30", "-b", f"127.0.0.1:{port}", "--log-level", "warning", "--backlog", "2048"]  # fmt: skip
    server = subprocess.Popen(cmd, cwd=str(ROOT), env=env)
    try:
        import http.client

        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.returncode}")
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", f"/portal/a/{pk}/")
                r = c.getresponse()
                body = r.read()
                if r.status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.3)
        paths = {"portal": f"/portal/a/{pk}/", "bare": f"/bench/portal-bare/{pk}/"}
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", paths["bare"])
        same = c.getresponse().read() == body
        for path in paths.values():
            load(port, path, 1.0, args.concurrency)  # warm every worker's cache entry
        runs = {"portal": [], "bare": []}
        for _ in range(args.rounds):
            for name, path in paths.items():
                runs[name].append(load(port, path, args.duration, args.concurrency))
        best = {k: max(v, key=lambda r: r["rps"]) for k, v in runs.items()}
        ratio = best["portal"]["rps"] / best["bare"]["rps"] if best["bare"]["rps"] else 0.0
        errors = sum(r["errors"] for v in runs.values() for r in v)
        print(
            f"portal article page: {best['portal']['rps']:,.0f} req/s · bare cached-HTML view {best['bare']['rps']:,.0f} req/s · ratio {ratio:.2f}"
            f"   target >= {TARGET}   [gunicorn {args.workers}×{args.threads} gthread, {args.concurrency} connections, {args.duration:.0f} s × {args.rounds} rounds each,"
            f" same HTML: {'yes' if same else 'NO'}, errors {errors}, {len(body):,} bytes]"
        )
        Path(args.json).write_text(json.dumps({"runs": runs, "ratio": ratio, "same_html": same, "errors": errors}, indent=1))
        return 0 if ratio >= TARGET and same and not errors else 1
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    raise SystemExit(main())
