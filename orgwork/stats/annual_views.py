"""The annual statistics report page (党内统计年报): tables, checks, failing records, Excel, filing."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import quote

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgwork.core import gate, params
from orgwork.core.errors import ServiceError

from . import forms, selectors, services
from .api import parse_org
from .excel import write_annual

PROBLEMS_PER_PAGE = 50
PROBLEM_LABELS = {"probation": gettext_lazy("预备期核实"), "age_at_joining": gettext_lazy("入党年龄核实")}


def _params(request, actor):
    org = parse_org(actor, request.GET)
    if org is None:
        tops = selectors.roots(actor)
        if len(tops) == 1:
            org = tops[0]  # one subtree in scope: the report is that org's (and can be filed)
    year = params.year(request.GET, label=_("统计年度"), default=dt.date.today().year - 1)
    return org, year


@gate.staff
def annual(request, actor):
    org, year = _params(request, actor)
    if request.method == "POST":
        try:
            d = forms.FileAnnualForm(request.POST).values()
            filing = services.file_annual_report(actor=actor, org_id=d["org"], year=d["year"])
        except ServiceError as e:
            messages.error(request, "；".join(err.message for err in e.errors))
        else:
            messages.success(request, _("%(year)s年统计年报已报送（年末党员%(closing)s名）") % {"year": filing.year, "closing": filing.closing})
        return redirect(request.get_full_path())
    error = None
    report = None
    try:
        report = selectors.annual_report(actor, org=org, year=year)
    except ServiceError as e:
        error = "；".join(err.message for err in e.errors)
    page = params.paginate(request.GET, report.problems if report else [], size=PROBLEMS_PER_PAGE)
    labels = {c["code"]: c["label"] for c in report.checks} if report else {}
    labels.update(PROBLEM_LABELS)
    for p in page.object_list:
        p.label = labels.get(p.check, p.check)
    this_year = dt.date.today().year
    return render(
        request,
        "stats/annual.html",
        {
            "report": report,
            "error": error,
            "org": org,
            "year": year,
            "years": list(range(this_year, this_year - 12, -1)),
            "page": page,
            "filings": params.paginate(request.GET, selectors.filings(actor, org) if org is not None else [], size=10, name="fpage"),
        },
    )


@gate.staff
def annual_export(request, actor):
    org, year = _params(request, actor)
    report = selectors.annual_report(actor, org=org, year=year)
    buf = io.BytesIO()
    write_annual(buf, report)
    name = f"党内统计年报-{'、'.join(report.scope)}-{report.year}.xlsx"
    response = HttpResponse(buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
