"""/api/v1/tipoffs/ — the register for the organization department: metadata only (content is read in the console,
unlocked and audited), and statistics without content."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from orgwork.core.api import ScopedViewSet
from orgwork.core.middleware import actor_for_request

from . import selectors
from .models import Category, Channel, Report, Status


class ReportSerializer(serializers.ModelSerializer):
    office_name = serializers.CharField(source="office.name", read_only=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    step = serializers.CharField(source="procedure.step", read_only=True, default="")
    due_on = serializers.DateField(source="procedure.due_on", read_only=True, default=None)

    class Meta:
        model = Report
        fields = ["id", "reference", "office", "office_name", "channel", "channel_label", "category", "category_label", "in_scope", "anonymous",
                  "received_on", "status", "status_label", "outcome", "attachment_count", "step", "due_on"]
        read_only_fields = fields


@extend_schema(tags=["tipoffs"])
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = ReportSerializer

    def get_queryset(self):
        qs = selectors.reports(self.actor)
        for name, values in (("status", Status.values), ("category", Category.values), ("channel", Channel.values)):
            value = self.request.query_params.get(name)
            if value in values:
                qs = qs.filter(**{name: value})
        return qs.order_by("-received_on", "-id")

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=Status.values), OpenApiParameter("category", str, enum=Category.values), OpenApiParameter("channel", str, enum=Channel.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


@extend_schema(tags=["tipoffs"], parameters=[OpenApiParameter("year", int)], responses={200: dict})
@api_view(["GET"])
def statistics(request):
    """Counts by category, office, channel, status and outcome (no content)."""
    year = request.query_params.get("year")
    year = int(year) if year and year.isdigit() and 2000 <= int(year) <= 2100 else None
    return Response(selectors.statistics(actor_for_request(request), year=year))


router = SimpleRouter(trailing_slash=True)
router.register("reports", ReportViewSet, basename="tipoff-report")

urlpatterns = [
    path("statistics/", statistics, name="tipoffs-statistics"),
    path("", include(router.urls)),
]
