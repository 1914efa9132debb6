"""/api/v1/polls/: polls in scope (list), a poll's turnout, and its results once closed (sealed before)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from orgwork.core.drf import page_schema, paginated
from orgwork.core.errors import NotFound
from orgwork.core.middleware import actor_for_request

from . import selectors


class PollSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    org = serializers.CharField(source="org.name")
    audience = serializers.CharField()
    audience_label = serializers.CharField(source="get_audience_display")
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    closes_at = serializers.DateTimeField(allow_null=True)


class PollsView(APIView):
    @extend_schema(tags=["polls"], responses=page_schema(PollSerializer, "PollPage"))
    def get(self, request):
        return paginated(request, selectors.polls(actor_for_request(request)), PollSerializer, view=self)


class PollResultsView(APIView):
    @extend_schema(tags=["polls"], responses={200: dict})
    def get(self, request, pk):
        poll = selectors.get_poll(actor_for_request(request), pk)
        if poll is None:
            raise NotFound()
        return Response({"poll": PollSerializer(poll).data, "turnout": selectors.turnout(poll), "results": selectors.results(poll)})


urlpatterns = [
    path("", PollsView.as_view(), name="api-polls"),
    path("<int:pk>/results/", PollResultsView.as_view(), name="api-poll-results"),
]
