"""One line per figure: figure · ceiling · ratio · target · database · size · load, so every run reads the same way."""

from __future__ import annotations

import os


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f}/{five:.1f} on {os.cpu_count()} CPUs"


def line(name: str, figure: str, ceiling: str, ratio: float, *, db: str, size: str, target: str, met: bool | None, load_at: str, note: str = "") -> str:
    verdict = "" if met is None else ("MET" if met else "NOT MET")
    out = f"{name}: {figure} · ceiling {ceiling} · ratio {ratio:.2f} · target {target} {verdict} · db {db} · size {size} · load {load_at}"
    return out + (f"   [{note}]" if note else "")
