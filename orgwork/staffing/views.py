"""Console page: units against the staffing rule, the staff in post, appoint and end."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from orgwork.core import gate, params
from orgwork.core.errors import ServiceError

from . import forms, selectors, services


@gate.staff
def report(request, actor):
    under = params.under(actor, request.GET)
    if request.method == "POST":
        try:
            if forms.ActForm(request.POST).values()["act"] == "end":
                d = forms.EndForm(request.POST).values()
                services.end(actor=actor, staff_id=d["staff"], ended_on=d["ended_on"], reason=d["reason"])
            else:
                d = forms.AppointForm(request.POST).values()
                services.appoint(
                    actor=actor, org_id=d["org"], name=d["name"], member_id=d["member"], post=d["post"], full_time=d["full_time"], started_on=d["started_on"],
                )
            messages.success(request, _("已保存"))
        except ServiceError as e:
            for err in e.errors:
                messages.error(request, err.message)
        return redirect(request.get_full_path())
    only_gaps = params.flag(request.GET, "gaps")
    rows, rules = selectors.units(actor, under=under)
    shown = [r for r in rows if r.gap] if only_gaps else rows
    page = Paginator(shown, 100).get_page(params.integer(request.GET, "page", label=_("页码"), default=1, min_value=1, max_value=params.PAGE_MAX))
    in_post = selectors.staff(actor).filter(ended_on__isnull=True).order_by("org__path", "-full_time", "name")
    if under is not None:
        in_post = in_post.filter(org__path__startswith=under.path)
    staff_page = Paginator(in_post, 50).get_page(params.integer(request.GET, "spage", label=_("页码"), default=1, min_value=1, max_value=params.PAGE_MAX))
    return render(
        request,
        "staffing/report.html",
        {
            "under": under, "page": page, "rules": rules, "units": len(rows), "short": sum(1 for r in rows if r.gap),
            "missing": sum(r.gap for r in rows), "only_gaps": only_gaps, "staff_page": staff_page, "today": dt.date.today(),
        },
    )  # fmt: skip
