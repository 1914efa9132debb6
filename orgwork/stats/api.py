"""/api/v1/stats/ — the statistics page's figures as JSON (same selector, same scope)."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from orgwork.core import params, tokens
from orgwork.core.errors import NotFound
from orgwork.core.middleware import actor_for_request

from . import selectors


def parse_year(data):
    """The statistics year (`?year=`): 1921–2100, or None for the current year; out of bounds is a 400."""
    return params.year(data, label=_("统计年度"))


def parse_org(actor, data):
    """The org whose subtree is counted (`?org=`): a malformed id is a 400, one outside the scope a 404."""
    pk = params.org_id(data)
    return selectors.stats_org(actor, pk) if pk is not None else None


def _json(data) -> bytes:
    """The API's JSON rendering (DRF's JSONRenderer, as a Response would get it), memoized with the figures."""
    return JSONRenderer().render(data, "application/json", {})


_json.memo_key = "json"


class StatsView(APIView):
    """Membership structure of one org's subtree (`org`: id; default: the caller's whole scope)."""

    def read_with_token(self, request):
        """The counter rows of `?org=`, read in the token lookup's round trip (core.tokens; used after the scope check)."""
        try:
            pk = params.org_id(request.query_params)
        except Exception:  # a malformed id: the view answers it (400) and reads nothing
            return None
        return selectors.counter_rows_sql(pk) if pk is not None else None

    @extend_schema(
        parameters=[
            params.api_org(description="党组织 id（默认：本人管理范围）"),
            params.api_year(description="统计年度（年龄、党龄按该年12月31日计算）"),
        ],
        responses={200: dict},
    )
    def get(self, request):
        actor = actor_for_request(request)
        pk = params.org_id(request.query_params)
        year = parse_year(request.query_params)
        if pk is not None:  # the org's row, its counters and its children's in one query, then the scope check
            rows = tokens.prefetched(request, selectors.counter_rows_sql(pk))  # read with the token (PostgreSQL)
            if getattr(request.accepted_renderer, "format", None) != "json":
                return Response(selectors.dashboard_of(actor, pk, year=year, rows=rows))
            _data, body = selectors.dashboard_of(actor, pk, year=year, render=_json, rows=rows)
            return HttpResponse(body, content_type="application/json")
        if not actor.unrestricted and not actor.subtree_paths():
            raise NotFound()
        return Response(selectors.dashboard(actor, year=year))


PROBLEMS_PAGE_SIZE = 100


class AnnualReportView(APIView):
    """The annual statistics report (党内统计年报) as of 31 December: tables, checks, and a page of failing records."""

    @extend_schema(
        parameters=[
            params.api_org(description="党组织 id（默认：本人管理范围）"),
            params.api_year(description="统计年度（1921至今年；默认上一年）"),
            params.api_int("page", 1, params.PAGE_MAX, "问题记录页码（每页100条）"),
        ],
        responses={200: dict},
    )
    def get(self, request):
        import datetime as dt

        actor = actor_for_request(request)
        org = parse_org(actor, request.query_params)
        year = params.year(request.query_params, label=_("统计年度"), default=dt.date.today().year - 1)
        page = params.integer(request.query_params, "page", label=_("页码"), default=1, min_value=1, max_value=params.PAGE_MAX)
        report = selectors.annual_report(actor, org=org, year=year)
        start = (page - 1) * PROBLEMS_PAGE_SIZE
        data = report.summary()
        data["problems"] = [p.as_dict() for p in report.problems[start : start + PROBLEMS_PAGE_SIZE]]
        data["problems_page"] = {"page": page, "page_size": PROBLEMS_PAGE_SIZE, "count": len(report.problems)}
        return Response(data)


class AnnualFilingView(APIView):
    """File the annual report of an org's subtree: its closing figures open the next year's report."""

    @extend_schema(request=dict, responses={201: dict})
    def post(self, request):
        from .services import file_annual_report

        actor = actor_for_request(request)
        org_id = params.org_id(request.data, required=True)
        year = params.year(request.data, label=_("统计年度"), required=True)
        filing = file_annual_report(actor=actor, org_id=org_id, year=year)
        return Response({"id": filing.pk, "org": filing.org_id, "year": filing.year, "closing": filing.closing, "filed_at": filing.filed_at}, status=201)


# --- /api/v1/stats/… -----------------------------------------------------------------------
urlpatterns = [
    path("", StatsView.as_view(), name="api-stats"),
    path("annual/", AnnualReportView.as_view(), name="api-stats-annual"),
    path("annual/filings/", AnnualFilingView.as_view(), name="api-stats-annual-filings"),
]
