"""Console pages: the funds report per scope (with the branches' per-member check) and one org's ledger."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from orgwork.core import gate, params
from orgwork.core.errors import ServiceError

from . import forms, selectors, services
from .models import ExpenseCategory, FundKind


def _year(data):
    return params.year(data, label=_("年度"), default=dt.date.today().year)


@gate.staff
def report(request, actor):
    under = params.under(actor, request.GET)
    year = _year(request.GET)
    error = None
    data = None
    try:
        data = selectors.report(actor, under=under, year=year)
    except ServiceError as e:
        error = "；".join(err.message for err in e.errors)
    return render(request, "funds/report.html", {"data": data, "under": under, "year": year, "error": error})


@gate.staff
def ledger(request, actor, org_id):
    org = params.under(actor, {"org": org_id})
    year = _year(request.GET)
    if request.method == "POST":
        try:
            act = forms.ActForm(request.POST).values()["act"]
            if act == "void":
                d = forms.VoidForm(request.POST).values()
                services.void_entry(actor=actor, entry_id=d["entry"], reason=d["reason"])
                messages.success(request, _("已作废"))
            elif act == "dues":
                posted = services.post_dues_kept(actor=actor, org_id=org.pk, year=year)
                messages.success(request, (_("已登记党费留存 %(amount)s 元") % {"amount": posted.amount}) if posted else (_("党费留存已与党费收缴统计一致，无需补登")))
            else:
                d = forms.EntryForm(request.POST).values()
                services.record_entry(
                    actor=actor, org_id=org.pk, kind=d["kind"], amount=d["amount"] or None, on=d["on"], purpose=d["purpose"], category=d["category"],
                    voucher=d["voucher"], counterpart_id=d["counterpart"],
                )
                messages.success(request, _("已登记"))
        except ServiceError as e:
            for err in e.errors:
                messages.error(request, err.message)
        return redirect(f"{request.path}?year={year}")
    page = Paginator(selectors.ledger(actor, org=org, year=year), 50).get_page(params.integer(request.GET, "page", label=_("页码"), default=1, min_value=1, max_value=params.PAGE_MAX))
    return render(
        request,
        "funds/ledger.html",
        {
            "org": org,
            "year": year,
            "page": page,
            "kinds": [(v, label) for v, label in FundKind.choices if v != FundKind.RECEIVED],
            "categories": ExpenseCategory.choices,
            "today": dt.date.today(),
        },
    )
