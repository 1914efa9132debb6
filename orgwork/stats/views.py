"""The statistics page: charts (vendored ECharts), structure ratios, trend, a table per sub-org, Excel export."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import render

from orgwork.core import gate
from orgwork.orgs.selectors import ancestors

from . import selectors
from .api import parse_org, parse_year
from .excel import write_dashboard


def _context(request, actor):
    org = parse_org(actor, request.GET)
    year = parse_year(request.GET) or dt.date.today().year
    return org, year, selectors.dashboard(actor, org=org, year=year)


@gate.staff
def dashboard(request, actor):
    org, year, data = _context(request, actor)
    allowed = selectors.roots(actor)
    crumbs = []
    if org is not None:
        top_paths = {o.path for o in allowed}
        chain = [*ancestors(org), org]
        visible = False
        for o in chain:
            visible = visible or actor.unrestricted or o.path in top_paths
            if visible:
                crumbs.append(o)
    return render(
        request,
        "stats/dashboard.html",
        {"data": data, "org": org, "year": year, "years": list(range(dt.date.today().year, dt.date.today().year - 10, -1)), "org_trail": crumbs},  # not "crumbs": the shell's breadcrumbs are (label, url) pairs
    )


@gate.staff
def export(request, actor):
    org, year, data = _context(request, actor)
    buf = io.BytesIO()
    write_dashboard(buf, data)
    name = f"党员统计-{(org.name if org else '全部')}-{year}.xlsx"
    response = HttpResponse(buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
