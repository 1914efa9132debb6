"""Printable one-time code slips (cut along the lines; hand one to each voter, face down, in any order)."""

from __future__ import annotations

from django.utils.html import escape

from ..pdf import render_pdf

SLIP_CSS = """
@page { size: A4; margin: 12mm; }
.slips { display: flex; flex-wrap: wrap; }
.slip { width: 60mm; height: 34mm; border: 0.4pt dashed #000; padding: 3mm; box-sizing: border-box; font-size: 10pt; line-height: 1.4; }
.slip .code { font-family: "Noto Sans Mono CJK SC", monospace; font-size: 15pt; letter-spacing: 1pt; margin-top: 2mm; }
"""


def code_slips_html(ballot, group, codes: list[str], *, url: str = "") -> str:
    slips = "".join(
        f'<div class="slip"><div>{escape(ballot.title)}</div><div>{escape(group.name)}</div>'
        f'<div class="code">{escape(code)}</div><div>{escape(url)}</div><div>仅限使用一次</div></div>'
        for code in codes
    )
    return f'<html><head><meta charset="utf-8"><style>{SLIP_CSS}</style></head><body><div class="slips">{slips}</div></body></html>'


def code_slips_pdf(ballot, group, codes: list[str], *, url: str = "") -> bytes:
    return render_pdf(code_slips_html(ballot, group, codes, url=url))
