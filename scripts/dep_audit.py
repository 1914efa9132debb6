#!/usr/bin/env python3
"""Dependency audit: pip-audit over the project's installed (pinned) packages, reported honestly.

    python scripts/dep_audit.py [--python .venv/bin/python] [--audit-venv .venv-audit]

pip-audit runs from its own virtualenv (`.venv-audit`, created on first use) so its dependencies never mix with the
project's. It asks PyPI's per-release advisory API first and OSV second. Outcomes (exit status):
  0  every package was looked up and none has a known vulnerability;
  1  a known vulnerability was found (the package, version, advisory and fixed versions are printed): bump the pin;
  0  with "AUDIT INCOMPLETE": the advisory database could not be reached or does not know some packages — the
     packages not looked up are listed; this is reported, not hidden, and does not fail CI (nothing was found, but
     nothing is proven either). Set DEP_AUDIT_STRICT=1 to fail on an incomplete audit.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PIP_AUDIT = "pip-audit==2.10.1"
ROOT = Path(__file__).resolve().parent.parent


def ensure_audit_venv(path: Path) -> Path:
    exe = path / "bin" / "pip-audit"
    if exe.exists():
        return exe
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    proc = subprocess.run([str(path / "bin" / "pip"), "install", "-q", PIP_AUDIT], capture_output=True, text=True)
    if proc.returncode != 0:
        raise OSError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "pip install failed")
    return exe


def run_audit(exe: Path, requirements: Path, service: str) -> tuple[list[dict] | None, str]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        report = Path(out.name)
    cmd = [str(exe), "-r", str(requirements), "--no-deps", "--disable-pip", "--progress-spinner", "off", "-s", service, "-f", "json", "-o", str(report)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    try:
        data = json.loads(report.read_text() or "{}")
    except json.JSONDecodeError:
        data = {}
    finally:
        report.unlink(missing_ok=True)
    if "dependencies" not in data:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"{service}: pip-audit could not run ({last[:200]})"
    return data["dependencies"], ""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", default=str(ROOT / ".venv" / "bin" / "python"))
    ap.add_argument("--audit-venv", default=str(ROOT / ".venv-audit"))
    args = ap.parse_args()
    frozen = subprocess.run([args.python, "-m", "pip", "freeze", "--exclude-editable"], capture_output=True, text=True, check=True).stdout
    pins = [line for line in frozen.splitlines() if line and not line.startswith("#") and "==" in line]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(pins) + "\n")
        requirements = Path(f.name)
    try:
        exe = ensure_audit_venv(Path(args.audit_venv))
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"AUDIT INCOMPLETE: pip-audit could not be installed ({exc}); {len(pins)} packages not audited")
        return 1 if os.environ.get("DEP_AUDIT_STRICT") == "1" else 0
    best, notes = None, []
    for service in ("pypi", "osv"):
        deps, note = run_audit(exe, requirements, service)
        if note:
            notes.append(note)
        if deps is None:
            continue
        audited = [d for d in deps if "skip_reason" not in d]
        if best is None or len(audited) > len([d for d in best[1] if "skip_reason" not in d]):
            best = (service, deps)
        if len(audited) == len(deps):
            break
    requirements.unlink(missing_ok=True)
    for n in notes:
        print(n)
    if best is None:
        print(f"AUDIT INCOMPLETE: no advisory database reachable; {len(pins)} packages not audited")
        return 1 if os.environ.get("DEP_AUDIT_STRICT") == "1" else 0
    service, deps = best
    audited = [d for d in deps if "skip_reason" not in d]
    skipped = [d for d in deps if "skip_reason" in d]
    vulnerable = [d for d in audited if d.get("vulns")]
    print(f"pip-audit ({service}): {len(deps)} packages, {len(audited)} looked up, {len(skipped)} not looked up, {len(vulnerable)} with known vulnerabilities")
    for d in vulnerable:
        for v in d["vulns"]:
            print(f"  VULNERABLE {d['name']}=={d['version']}: {v['id']} {' '.join(v.get('aliases', []))} fixed in {', '.join(v.get('fix_versions', [])) or '—'}")
    if vulnerable:
        return 1
    if skipped:
        print(f"AUDIT INCOMPLETE: the advisory database ({service}) did not answer for {len(skipped)} of {len(deps)} packages — nothing found, nothing proven:")
        print("  " + ", ".join(f"{d['name']}" for d in skipped))
        return 1 if os.environ.get("DEP_AUDIT_STRICT") == "1" else 0
    print("no known vulnerabilities in the pinned packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
