"""/api/v1/stats/ — the statistics page's figures as JSON (same selector, same scope)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from orgwork.core import params
from orgwork.core.errors import NotFound
from orgwork.core.middleware import actor_for_request

from . import selectors


def parse_year(data):
    """The statistics year (`?year=`): 1921–2100, or None for the current year; out of bounds is a 400."""
    return params.year(data, label="统计年度")


def parse_org(actor, data):
    """The org whose subtree is counted (`?org=`): a malformed id is a 400, one outside the scope a 404."""
    pk = params.org_id(data)
    return selectors.stats_org(actor, pk) if pk is not None else None


class StatsView(APIView):
    """Membership structure of one org's subtree (`org`: id; default: the caller's whole scope)."""

    @extend_schema(
        parameters=[
            params.api_org(description="党组织 id（默认：本人管理范围）"),
            params.api_year(description="统计年度（年龄、党龄按该年12月31日计算）"),
        ],
        responses={200: dict},
    )
    def get(self, request):
        actor = actor_for_request(request)
        org = parse_org(actor, request.query_params)
        if org is None and not actor.unrestricted and not actor.subtree_paths():
            raise NotFound()
        return Response(selectors.dashboard(actor, org=org, year=parse_year(request.query_params)))
