"""/api/v1/awards/ — selections with entries and score sheets, the 50-year list, model sites, talents."""

from __future__ import annotations

import datetime as dt

from django.urls import include, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action, api_view
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from orgwork.core import params
from orgwork.core.api import ScopedViewSet
from orgwork.core.middleware import actor_for_request

from . import rules, selectors, services
from .models import Entry, ModelSite, Selection


class EntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Entry
        fields = ["id", "category", "name", "summary", "status", "out_at_stage", "certificate_no"]
        read_only_fields = fields


class SelectionSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    stage_label = serializers.SerializerMethodField()

    class Meta:
        model = Selection
        fields = ["id", "org", "org_name", "kind", "year", "title", "stage", "stage_label", "publicity_from", "publicity_to", "commended_on", "rule_version"]
        read_only_fields = fields

    def get_stage_label(self, obj) -> str:
        return rules.stage_label(obj.stage)


class SelectionWrite(serializers.Serializer):
    org = serializers.IntegerField(min_value=1)
    kind = serializers.CharField(max_length=30)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=200)


class EntryWrite(serializers.Serializer):
    category = serializers.CharField(max_length=30)
    summary = serializers.CharField(max_length=4000)
    member = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    nominee_org = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)


@extend_schema(tags=["awards"])
class SelectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = SelectionSerializer

    def get_queryset(self):
        return selectors.selections(self.actor).order_by("-year", "-id")

    @extend_schema(request=SelectionWrite, responses={201: SelectionSerializer})
    def create(self, request):
        ser = SelectionWrite(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        return Response(SelectionSerializer(services.create_selection(actor=self.actor, org_id=d.pop("org"), **d)).data, status=201)

    @extend_schema(request=EntryWrite, responses={201: EntrySerializer})
    @action(detail=True, methods=["post"])
    def entries(self, request, pk=None):
        sel = self.get_object()
        ser = EntryWrite(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        e = services.add_entry(actor=self.actor, selection_id=sel.pk, category=d["category"], summary=d["summary"], member_id=d["member"], nominee_org_id=d["nominee_org"])
        return Response(EntrySerializer(e).data, status=201)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"], url_path="score-sheet")
    def score_sheet(self, request, pk=None):
        sel = self.get_object()
        stage = params.choice(request.query_params, "stage", label=_("环节"), choices=["", *rules.REVIEW_STAGES]) or sel.stage
        judges, rows = selectors.score_sheet(sel, stage if stage in rules.REVIEW_STAGES else "first")
        return Response(
            {
                "stage": stage, "judges": [j.name for j in judges],
                "results": [{"entry": r.entry.pk, "name": r.entry.name, "scores": [c if c is None or c == "回避" else str(c) for c in r.cells], "average": str(r.average) if r.average is not None else None} for r in rows],
            }
        )  # fmt: skip


@extend_schema(tags=["awards"], parameters=[params.api_year(), params.api_org()], responses={200: dict})
@api_view(["GET"])
def fifty_years(request):
    """Members whose party standing (from full membership) reaches 50 years by the year's cut-off, not yet issued."""
    actor = actor_for_request(request)
    year = params.year(request.query_params, default=dt.date.today().year)
    rows = selectors.fifty_year_list(actor, year=year, under=params.under(actor, request.query_params))
    number, size = params.page(request.query_params, default_size=100, max_size=500)
    start = (number - 1) * size
    return Response(
        {
            "year": year, "cutoff": rules.cutoff(year).isoformat(), "count": len(rows), "page": number,
            "results": [{"member": r.member.pk, "name": r.member.name, "org_path": r.path, "standing_from": r.standing_from.isoformat(), "years": r.years, "newly": r.newly, "status": r.honour.status if r.honour else None} for r in rows[start : start + size]],
        }
    )  # fmt: skip


class ModelSiteSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = ModelSite
        fields = ["id", "kind", "org", "org_name", "title", "designated_on", "criteria", "last_checked_on", "withdrawn_on", "withdraw_reason"]
        read_only_fields = fields


@extend_schema(tags=["awards"])
class ModelSiteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = ModelSiteSerializer

    def get_queryset(self):
        return selectors.model_sites(self.actor, active_only=False)


router = SimpleRouter(trailing_slash=True)
router.register("selections", SelectionViewSet, basename="awards-selection")
router.register("model-sites", ModelSiteViewSet, basename="awards-model-site")

urlpatterns = [path("fifty-years/", fifty_years, name="api-awards-fifty-years"), path("", include(router.urls))]
