"""/api/v1/stats/ — the statistics page's figures as JSON (same selector, same scope)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from orgwork.core.errors import NotFound
from orgwork.core.middleware import actor_for_request

from . import selectors


def parse_year(value):
    try:
        year = int(value) if value else None
    except (TypeError, ValueError):
        return None
    return year if year and 1921 <= year <= 2200 else None


class StatsView(APIView):
    """Membership structure of one org's subtree (`org`: id; default: the caller's whole scope)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("org", int, description="党组织 id（默认：本人管理范围）"),
            OpenApiParameter("year", int, description="统计年度（年龄、党龄按该年12月31日计算）"),
        ],
        responses={200: dict},
    )
    def get(self, request):
        actor = actor_for_request(request)
        org = None
        if request.query_params.get("org"):
            org = selectors.stats_org(actor, request.query_params["org"])
        elif not actor.unrestricted and not actor.subtree_paths():
            raise NotFound()
        return Response(selectors.dashboard(actor, org=org, year=parse_year(request.query_params.get("year"))))
