"""PDF beside Word: HTML rendered by WeasyPrint on A4, in the Noto CJK fonts (fonts-noto-cjk).

Departments file letters and notices on A4 (GB/T 9704 公文格式: 210×297 mm, margins about 37/35/28/26 mm
top/bottom/left/right, 16pt body). `render_pdf(html)` lays out an HTML document under `A4_CSS`; templates add
their own rules after it. WeasyPrint needs pango (libpango-1.0-0, libpangoft2-1.0-0) and the fonts: installed by
`scripts/ensure-pdf-libs.sh`, which `make test` runs.
"""

from __future__ import annotations

A4_CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
html { font-family: "Noto Serif CJK SC", "Noto Serif CJK", "Source Han Serif SC", serif; font-size: 16pt; line-height: 1.75; color: #000; }
h1 { font-family: "Noto Serif CJK SC", serif; font-weight: bold; font-size: 22pt; text-align: center; margin: 0 0 8mm; line-height: 1.4; }
.number { text-align: center; margin: 0 0 6mm; }
.indent { text-indent: 2em; margin: 0; }
.right { text-align: right; margin: 0; }
.small { font-size: 12pt; }
.page { page-break-after: always; }
.page:last-child { page-break-after: auto; }
table { border-collapse: collapse; width: 100%; font-size: 12pt; }
th, td { border: 0.5pt solid #000; padding: 1.5mm 2mm; vertical-align: top; }
"""


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF bytes of an HTML document (its own <style> after the A4 sheet)."""
    from weasyprint import CSS, HTML  # imported here: pango is loaded only when a PDF is asked for

    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=[CSS(string=A4_CSS)])


PDF_CONTENT_TYPE = "application/pdf"
