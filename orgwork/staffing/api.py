"""/api/v1/staffing/units/: units against the full-time party-affairs staff rule (rules.md §1)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from orgwork.core import params
from orgwork.core.middleware import actor_for_request

from . import selectors


class UnitsView(APIView):
    """Each unit the rule covers: members, required full-time staff, in post, the gap (`gaps=1`: only short units)."""

    @extend_schema(parameters=[params.api_org(), params.api_int("gaps", 0, 1, "只看未配齐的单位（1）")], responses={200: dict})
    def get(self, request):
        actor = actor_for_request(request)
        under = params.under(actor, request.query_params)
        rows, rules = selectors.units(actor, under=under)
        if params.flag(request.query_params, "gaps"):
            rows = [r for r in rows if r.gap]
        number, size = params.page(request.query_params, default_size=100, max_size=500)
        start = (number - 1) * size
        return Response(
            {
                "rule_version": rules.version,
                "rule_source": rules.source,
                "count": len(rows),
                "page": number,
                "results": [
                    {"org_id": r.org_id, "name": r.name, "members": r.members, "required": r.required, "full_time": r.full_time, "part_time": r.part_time, "gap": r.gap}
                    for r in rows[start : start + size]
                ],
            }
        )


urlpatterns = [path("units/", UnitsView.as_view(), name="api-staffing-units")]
