"""/api/v1/orgs/ — thin: parse, call a selector or a service, render."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from orgwork.core import params
from orgwork.core.api import ScopedViewSet
from orgwork.core.errors import NotFound, ServiceError

from . import selectors, services
from .models import Org, OrgKind, Sector


class OrgSerializer(serializers.ModelSerializer):
    parent = serializers.IntegerField(source="parent_id", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    sector_label = serializers.CharField(source="get_sector_display", read_only=True)
    term_ends_on = params.DateField(read_only=True)

    class Meta:
        model = Org
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "kind",
            "kind_label",
            "sector",
            "sector_label",
            "parent",
            "path",
            "depth",
            "unit_name",
            "founded_on",
            "abolished_on",
            "contact",
            "phone",
            "address",
            "term_started_on",
            "term_years",
            "term_ends_on",
        ]
        read_only_fields = ["path", "depth", "abolished_on"]


class OrgWriteSerializer(serializers.Serializer):
    parent = serializers.CharField(required=False, allow_null=True, max_length=200, help_text="上级党组织：id、组织代码、名称或“上级/名称”路径")
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=OrgKind.choices)
    code = serializers.CharField(required=False, allow_blank=True, max_length=40)
    short_name = serializers.CharField(required=False, allow_blank=True, max_length=60)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)
    unit_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    founded_on = params.DateField(required=False, allow_null=True)
    contact = serializers.CharField(required=False, allow_blank=True, max_length=60)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    term_started_on = params.DateField(required=False, allow_null=True)
    term_years = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=10)


class OrgUpdateSerializer(OrgWriteSerializer):
    name = serializers.CharField(max_length=120, required=False)
    kind = serializers.ChoiceField(choices=OrgKind.choices, required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields.pop("parent")
        return fields


class MoveSerializer(serializers.Serializer):
    parent = serializers.CharField(max_length=200, help_text="新的上级党组织：id、组织代码、名称或路径")


class AbolishSerializer(serializers.Serializer):
    on = params.DateField()
    reason = serializers.CharField(max_length=500)


class WarningSerializer(serializers.Serializer):
    org_id = serializers.IntegerField()
    org_name = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()


def resolve_ref(actor, ref, field="parent") -> int:
    """An org reference from the API: a numeric id, or what resolve_org understands."""
    if ref is None or ref == "":
        return None
    text = str(ref).strip()
    if text.isascii() and text.isdigit():
        pk = params.to_id(text, field=field, label=_("党组织"))
        if selectors.orgs(actor).filter(pk=pk).exists():
            return pk
    try:
        return selectors.resolve_org(text, actor=actor).pk
    except selectors.OrgAmbiguous as exc:
        raise ServiceError.single(field, "ambiguous_org", str(exc)) from None
    except NotFound as exc:
        raise ServiceError.single(field, "unknown_org", str(exc) or _("找不到该党组织")) from None


@extend_schema(tags=["orgs"])
class OrgViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = OrgSerializer

    def get_queryset(self):
        p = self.request.query_params
        qs = selectors.search_orgs(
            self.actor,
            q=params.text(p, "q", label=_("查找"), max_length=100),
            kind=params.choice(p, "kind", label=_("组织类别"), choices=OrgKind.values),
            sector=params.choice(p, "sector", label=_("领域"), choices=Sector.values),
            under=params.under(self.actor, p, "under"),
            include_abolished=params.flag(p, "include_abolished"),
        )
        parent = params.org_id(p, "parent", label=_("上级党组织"))
        if parent is not None:
            qs = qs.filter(parent_id=parent)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="名称、简称、拼音、首字母或组织代码"),
            OpenApiParameter("kind", str, enum=OrgKind.values),
            OpenApiParameter("sector", str, enum=Sector.values),
            params.api_org("under", description="只列出该党组织及其下级"),
            params.api_org("parent", description="只列出该党组织的直接下级"),
            OpenApiParameter("include_abolished", bool),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=OrgWriteSerializer, responses={201: OrgSerializer})
    def create(self, request):
        data = OrgWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        parent_id = resolve_ref(self.actor, values.pop("parent", None))
        org = services.create_org(actor=self.actor, parent_id=parent_id, **values)
        return Response(OrgSerializer(org).data, status=201)

    @extend_schema(request=OrgUpdateSerializer, responses=OrgSerializer)
    def partial_update(self, request, pk=None):
        org = self.get_object()
        data = OrgUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        org = services.update_org(actor=self.actor, org_id=org.pk, **data.validated_data)
        return Response(OrgSerializer(org).data)

    @extend_schema(request=MoveSerializer, responses=OrgSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        org = self.get_object()
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        parent_id = resolve_ref(self.actor, data.validated_data["parent"])
        org = services.move_org(actor=self.actor, org_id=org.pk, new_parent_id=parent_id)
        return Response(OrgSerializer(org).data)

    @extend_schema(request=AbolishSerializer, responses=OrgSerializer)
    @action(detail=True, methods=["post"])
    def abolish(self, request, pk=None):
        org = self.get_object()
        data = AbolishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        org = services.abolish_org(actor=self.actor, org_id=org.pk, **data.validated_data)
        return Response(OrgSerializer(org).data)

    @extend_schema(responses=WarningSerializer(many=True), parameters=[params.api_org("under", description="只看该党组织及其下级")])
    @action(detail=False, methods=["get"])
    def warnings(self, request):
        under = params.under(self.actor, request.query_params, "under")
        rows = selectors.structure_warnings(self.actor, under=under)
        return Response(WarningSerializer(rows, many=True).data)

    @extend_schema(parameters=[OpenApiParameter("ref", {"type": "string", "maxLength": 200}, required=True, description="组织代码、名称或“上级/名称”路径")], responses=OrgSerializer)
    @action(detail=False, methods=["get"])
    def resolve(self, request):
        try:
            org = selectors.resolve_org(params.text(request.query_params, "ref", label=_("党组织"), required=True), actor=self.actor)
        except selectors.OrgAmbiguous as exc:
            raise ServiceError.single("ref", "ambiguous_org", str(exc)) from None
        return Response(OrgSerializer(org).data)


# --- /api/v1/orgs/… ---------------------------------------------------------------------
router = SimpleRouter(trailing_slash=True)
router.register("", OrgViewSet, basename="org")
urlpatterns = router.urls
