"""/api/v1/funds/: the report per scope, the indicator, ledger lines (read and add)."""

from __future__ import annotations

import datetime as dt

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from orgwork.core import params
from orgwork.core.drf import Pagination
from orgwork.core.middleware import actor_for_request

from . import selectors, services


def _row(r: selectors.OrgRow) -> dict:
    return {
        "org_id": r.org_id, "name": r.name, "members": r.members, "income": {k: str(v) for k, v in r.income.items()},
        "income_total": str(r.income_total), "passed_down": str(r.passed_down), "expense": str(r.expense), "balance": str(r.balance),
        "dues_kept": str(r.dues_kept), "dues_remitted": str(r.dues_remitted), "is_branch": r.is_branch,
        "floor": str(r.floor) if r.floor is not None else None, "reached": str(r.reached), "meets_floor": r.meets_floor,
    }  # fmt: skip


def _line(e) -> dict:
    return {
        "id": e.pk, "on": e.on, "kind": e.kind, "kind_label": e.get_kind_display(), "amount": str(e.amount),
        "category": e.category, "purpose": e.purpose, "voucher": e.voucher,
        "counterpart": e.counterpart.name if e.counterpart_id else "", "voided_on": e.voided_on, "void_reason": e.void_reason,
    }  # fmt: skip


class ReportView(APIView):
    """Party-building funds per org of the scope for a year (`org`: a subtree; default the caller's scope)."""

    @extend_schema(parameters=[params.api_org(), params.api_year(description="年度（默认今年）")], responses={200: dict})
    def get(self, request):
        actor = actor_for_request(request)
        under = params.under(actor, request.query_params)
        year = params.year(request.query_params, label=_("年度"), default=dt.date.today().year)
        data = selectors.report(actor, under=under, year=year)
        number, size = params.page(request.query_params, default_size=100, max_size=500)
        start = (number - 1) * size
        return Response(
            {
                "year": data.year,
                "rule_version": data.rule_version,
                "per_member_floor": str(data.per_member_floor),
                "totals": {k: str(v) for k, v in data.totals.items()},
                "expenses": [{"category": label, "amount": str(v)} for label, v in data.expenses],
                "branches": data.branches,
                "branches_reached": data.branches_reached,
                "count": len(data.rows),
                "page": number,
                "rows": [_row(r) for r in data.rows[start : start + size]],
            }
        )


class IndicatorView(APIView):
    """The automatic indicator 党建经费落实到支部 (funds reaching branches) for a scope and year."""

    @extend_schema(parameters=[params.api_org(), params.api_year(description="年度（默认上一年）")], responses={200: dict})
    def get(self, request):
        actor = actor_for_request(request)
        under = params.under(actor, request.query_params)
        year = params.year(request.query_params, label=_("年度"), default=dt.date.today().year - 1)
        return Response(selectors.branch_funding_indicator(actor, under=under, year=year))


class EntriesView(APIView):
    """Ledger lines of one org and year (GET `org`, `year`); add a line (POST)."""

    @extend_schema(parameters=[params.api_org(), params.api_year()], responses={200: dict})
    def get(self, request):
        actor = actor_for_request(request)
        org = params.under(actor, request.query_params)
        if org is None:
            raise params.ParamError("org", "required", _("请指定党组织"), label=_("党组织"))
        year = params.year(request.query_params, label=_("年度"), default=dt.date.today().year)
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.ledger(actor, org=org, year=year), request, view=self)
        return paginator.get_paginated_response([_line(e) for e in page])

    @extend_schema(request=dict, responses={201: dict})
    def post(self, request):
        actor = actor_for_request(request)
        d = request.data
        entry = services.record_entry(
            actor=actor,
            org_id=params.org_id(d, required=True),
            kind=params.text(d, "kind", label=_("经费类别"), required=True, max_length=20),
            amount=d.get("amount"),
            on=params.date(d, "on", label=_("日期"), required=True),
            purpose=params.text(d, "purpose", label=_("事由"), max_length=200),
            category=params.text(d, "category", label=_("支出用途"), max_length=20),
            voucher=params.text(d, "voucher", label=_("凭证号"), max_length=60),
            counterpart_id=params.object_id(d, "counterpart", label=_("下级党组织")),
        )
        return Response({"id": entry.pk, "amount": str(entry.amount), "pair": entry.pair_id}, status=201)


urlpatterns = [
    path("report/", ReportView.as_view(), name="api-funds-report"),
    path("indicator/", IndicatorView.as_view(), name="api-funds-indicator"),
    path("entries/", EntriesView.as_view(), name="api-funds-entries"),
]
