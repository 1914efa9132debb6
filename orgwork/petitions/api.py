"""/api/v1/petitions/ — the petition register and statistics for staff (scoped)."""

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
from .models import Petition, Status


class PetitionSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    due_on = serializers.DateField(source="procedure.due_on", read_only=True, default=None)
    repeat_of_reference = serializers.CharField(source="repeat_of.reference", read_only=True, default=None)

    class Meta:
        model = Petition
        fields = ["id", "reference", "org", "org_name", "channel", "category", "category_label", "petitioner_name", "content", "received_on", "status",
                  "status_label", "result", "satisfaction", "repeat_of", "repeat_of_reference", "due_on"]
        read_only_fields = fields


@extend_schema(tags=["petitions"])
class PetitionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = PetitionSerializer

    def get_queryset(self):
        qs = selectors.petitions(self.actor)
        st = self.request.query_params.get("status")
        if st in Status.values:
            qs = qs.filter(status=st)
        return qs.order_by("-received_on", "-id")

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=Status.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


@extend_schema(tags=["petitions"], responses={200: dict})
@api_view(["GET"])
def reception_gaps(request):
    """Leaders' reception periods without a reception day (rule data: city every 2 months, county every month)."""
    out = [{"leader": g.leader.name, "post": g.leader.post, "level": g.leader.level, "start": g.start, "end": g.end, "kind": g.kind, "label": g.label}
           for g in selectors.gaps(actor_for_request(request))]
    return Response({"count": len(out), "results": out})


router = SimpleRouter(trailing_slash=True)
router.register("petitions", PetitionViewSet, basename="petition")

urlpatterns = [path("reception-gaps/", reception_gaps, name="petitions-reception-gaps"), path("", include(router.urls))]
