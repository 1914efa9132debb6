"""/api/v1/discipline/ — sanctions (restricted: others get 404) and the voting basis of an org on a day."""

from __future__ import annotations

import datetime as dt

from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action, api_view
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from orgwork.core.api import ScopedViewSet
from orgwork.core.errors import NotFound
from orgwork.core.middleware import actor_for_request
from orgwork.orgs import selectors as org_selectors

from . import selectors, services
from .models import Sanction, SanctionKind


class SanctionSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    org = serializers.IntegerField(source="member.org_id", read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = Sanction
        fields = [
            "id", "member", "member_name", "org", "org_name", "kind", "kind_label", "probation_years", "decided_on", "effective_on", "ends_on",
            "decided_by", "document", "reason", "extended_on", "extension_document", "lifted_on", "lift_reason", "lift_document",
            "exit_procedure", "rule_version", "state",
        ]
        read_only_fields = fields

    def get_state(self, obj) -> str:
        return obj.state(dt.date.today())


class SanctionWriteSerializer(serializers.Serializer):
    member = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=SanctionKind.choices)
    probation_years = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=9)
    decided_on = serializers.DateField()
    effective_on = serializers.DateField(required=False, allow_null=True)
    decided_by = serializers.CharField(max_length=120)
    document = serializers.CharField(max_length=120)
    reason = serializers.CharField(max_length=5000)


class ExtendSerializer(serializers.Serializer):
    decided_on = serializers.DateField()
    document = serializers.CharField(max_length=120)
    reason = serializers.CharField(max_length=500)


class RevokeSerializer(serializers.Serializer):
    on = serializers.DateField()
    document = serializers.CharField(max_length=120)
    reason = serializers.CharField(max_length=500)


@extend_schema(tags=["discipline"])
class SanctionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = SanctionSerializer

    def get_queryset(self):
        qs = selectors.sanctions(self.actor)
        kind = self.request.query_params.get("kind")
        if kind in SanctionKind.values:
            qs = qs.filter(kind=kind)
        state = self.request.query_params.get("state")
        if state in ("in_force", "ended", "revoked"):
            qs = selectors.filter_state(qs, state, dt.date.today())
        member = self.request.query_params.get("member")
        if member and member.isdigit():
            qs = qs.filter(member_id=int(member))
        return qs.order_by("-effective_on", "-id")

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=SanctionKind.values),
            OpenApiParameter("state", str, enum=["in_force", "ended", "revoked"]),
            OpenApiParameter("member", int),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=SanctionWriteSerializer, responses={201: SanctionSerializer})
    def create(self, request):
        ser = SanctionWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        s = services.record_sanction(actor=self.actor, member_id=d.pop("member"), **d)
        return Response(SanctionSerializer(s).data, status=201)

    @extend_schema(request=ExtendSerializer, responses=SanctionSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        ser = ExtendSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return Response(SanctionSerializer(services.extend_probation(actor=self.actor, sanction_id=self._pk(pk), **ser.validated_data)).data)

    @extend_schema(request=RevokeSerializer, responses=SanctionSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        ser = RevokeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return Response(SanctionSerializer(services.revoke_sanction(actor=self.actor, sanction_id=self._pk(pk), **ser.validated_data)).data)

    @staticmethod
    def _pk(pk):
        if not str(pk).isdigit():
            raise NotFound()
        return int(pk)


class BasisQuery(serializers.Serializer):
    org = serializers.IntegerField(min_value=1)
    on = serializers.DateField(required=False)


@extend_schema(tags=["discipline"], parameters=[OpenApiParameter("org", int, required=True), OpenApiParameter("on", dt.date)], responses={200: dict})
@api_view(["GET"])
def voting_basis(request):
    """Those entitled to vote in an org on a day: full members in good standing less those under 留党察看 (党章第四十条)."""
    q = BasisQuery(data=request.query_params)
    q.is_valid(raise_exception=True)
    org = org_selectors.get_org(actor_for_request(request), q.validated_data["org"])
    basis = selectors.voting_basis(org, on=q.validated_data.get("on"))
    return Response({**basis.as_record(), "org": org.pk, "note": basis.note()})


router = SimpleRouter(trailing_slash=True)
router.register("sanctions", SanctionViewSet, basename="sanction")

urlpatterns = [
    path("voting-basis/", voting_basis, name="discipline-voting-basis"),
    path("", include(router.urls)),
]
