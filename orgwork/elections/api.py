"""/api/v1/elections/ — read the elections in scope and the term board; writes go through the console and services."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from orgwork.core.drf import page_schema, paginated
from orgwork.core.middleware import actor_for_request

from . import selectors
from .models import Candidate, Election


class CandidateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Candidate
        fields = ["id", "member", "name", "nominated_by", "recommendation_votes", "vetted", "on_ballot", "votes_for", "elected", "post"]


class ElectionSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    step = serializers.CharField(source="procedure.step", read_only=True)
    status = serializers.CharField(source="procedure.status", read_only=True)
    candidates = CandidateSerializer(many=True, read_only=True)

    class Meta:
        model = Election
        fields = [
            "id", "org", "org_name", "status", "step", "seats", "open_nomination", "term_ends_on", "planned_on", "held_on", "voters_entitled",
            "voters_present", "ballots_issued", "ballots_returned", "ballots_invalid", "valid", "validity_notes", "candidates",
        ]


@extend_schema(tags=["elections"], responses=page_schema(ElectionSerializer, "ElectionPage"))
@api_view(["GET"])
def election_list(request):
    qs = selectors.elections(actor_for_request(request)).prefetch_related("candidates")
    return paginated(request, qs, ElectionSerializer)


@extend_schema(tags=["elections"], responses={200: dict})
@api_view(["GET"])
def term_board(request):
    """Orgs with a term reminder in force today (6 / 3 months before expiry, overdue, or no term date)."""
    rows, total = selectors.term_board(actor_for_request(request))
    return Response(
        {
            "count": total,
            "results": [{"org": o.pk, "name": o.name, "term_ends_on": o.term_ends_on(), "reminder": ms.key, "message": ms.message, "severity": ms.severity} for o, ms in rows],
        }
    )


urlpatterns = [
    path("", election_list, name="elections-list"),
    path("terms/", term_board, name="elections-terms"),
]
