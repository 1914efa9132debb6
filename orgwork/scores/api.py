"""/api/v1/scores/: member points entries (submit with photos, approve, return), rankings, star ratings.

Errors carry the engine's codes: cap_reached (with `left`), evidence_required, self_approval, no_rule_in_force,
period_locked (400); out of scope 404.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from orgwork.core import params
from orgwork.core.drf import ObjectJSONParser, page_schema, paginated
from orgwork.core.middleware import actor_for_request
from orgwork.core.params import DateField

from . import rules, selectors, services


class EntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    indicator_set = serializers.CharField(source="indicator_set.code")
    indicator = serializers.CharField(source="indicator_code")
    indicator_name = serializers.CharField(source="indicator.name")
    version = serializers.CharField(source="version.version")
    subject_type = serializers.CharField()
    subject_id = serializers.IntegerField()
    subject_label = serializers.CharField()
    org_id = serializers.IntegerField()
    occurred_on = serializers.DateField()
    units = serializers.DecimalField(max_digits=10, decimal_places=2)
    points = serializers.DecimalField(max_digits=10, decimal_places=2)
    state = serializers.CharField()
    source = serializers.CharField()
    note = serializers.CharField()
    evidence_label = serializers.CharField()
    evidence_url = serializers.CharField()
    return_reason = serializers.CharField()


class SubmitSerializer(serializers.Serializer):
    member = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    indicator = serializers.CharField(max_length=60)
    occurred_on = DateField()
    units = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, max_value=10000, required=False)
    points = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, max_value=1000, required=False, help_text="评审人评分的指标：给出的分值")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    photos = serializers.ListField(child=serializers.FileField(max_length=255), required=False, max_length=5, help_text="佐证照片（multipart）")


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class EntriesView(APIView):
    parser_classes = [ObjectJSONParser, MultiPartParser, FormParser]

    @extend_schema(
        parameters=[params.api_org(), OpenApiParameter("state", str, enum=["submitted", "approved", "returned"], description="状态")],
        responses={200: page_schema(EntrySerializer, "ScoreEntryPage")},
    )
    def get(self, request):
        """Member-points entries in scope (newest first)."""
        from orgwork.core.scoring import selectors as engine

        actor = actor_for_request(request)
        under = params.under(actor, request.query_params)
        state = params.choice(request.query_params, "state", label=_("状态"), choices=["submitted", "approved", "returned"])
        qs = engine.entries(actor, set_code=rules.MEMBER_POINTS, state=state or None, under=under).select_related("indicator_set")
        return paginated(request, qs, EntrySerializer, view=self)

    @extend_schema(request={"multipart/form-data": SubmitSerializer, "application/json": SubmitSerializer}, responses={201: EntrySerializer})
    def post(self, request):
        """Submit points for a member (a secretary for a member in scope; photos as multipart `photos`)."""
        actor = actor_for_request(request)
        s = SubmitSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        files = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
        e = services.submit_points(
            actor=actor, member_id=d["member"], indicator_code=d["indicator"], occurred_on=d["occurred_on"], units=d.get("units") or 1,
            points=d.get("points"), note=d.get("note", ""), files=files,
        )  # fmt: skip
        return Response(EntrySerializer(e).data, status=201)


class ApproveView(APIView):
    @extend_schema(request=None, responses={200: EntrySerializer})
    def post(self, request, pk: int):
        """Approve a submitted entry (not one's own, not about oneself)."""
        e = services.approve(actor=actor_for_request(request), entry_id=pk)
        return Response(EntrySerializer(e).data)


class ReturnView(APIView):
    @extend_schema(request=ReturnSerializer, responses={200: EntrySerializer})
    def post(self, request, pk: int):
        """Return a submitted entry with a reason."""
        s = ReturnSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        e = services.return_entry(actor=actor_for_request(request), entry_id=pk, reason=s.validated_data["reason"])
        return Response(EntrySerializer(e).data)


class RankRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    subject_type = serializers.CharField()
    subject_id = serializers.IntegerField()
    subject_label = serializers.CharField()
    org_id = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    added = serializers.DecimalField(max_digits=14, decimal_places=2)
    deducted = serializers.DecimalField(max_digits=14, decimal_places=2)
    entries = serializers.IntegerField()
    grade = serializers.CharField()


class RankingView(APIView):
    @extend_schema(
        parameters=[
            params.api_org(), params.api_year(), params.api_month(),
            OpenApiParameter("set", str, enum=[rules.MEMBER_POINTS, rules.BRANCH_STARS], description="指标体系"),
            params.api_int("page", 1, 100000, "页码"), params.api_int("page_size", 1, 500, "每页条数"),
        ],
        responses={200: dict},
    )  # fmt: skip
    def get(self, request):
        """One page of the ranking by period total within a subtree (from the counters)."""
        import datetime as dt

        actor = actor_for_request(request)
        under = params.under(actor, request.query_params)
        year = params.year(request.query_params, default=dt.date.today().year)
        month = params.month(request.query_params)
        set_code = params.choice(request.query_params, "set", label=_("指标体系"), choices=[rules.MEMBER_POINTS, rules.BRANCH_STARS], default=rules.MEMBER_POINTS)
        number, size = params.page(request.query_params)
        services.ensure_defaults()
        r = selectors.ranking(actor, set_code=set_code, bucket=f"M{year}-{month:02d}" if month else f"Y{year}", under=under, page=number, page_size=size)
        return Response({"count": r.count, "page": r.page, "page_size": r.page_size, "results": RankRowSerializer(r.rows, many=True).data})


class StarsView(APIView):
    @extend_schema(parameters=[params.api_org(), params.api_year()], responses={200: dict})
    def get(self, request):
        """Star ratings of the year in scope, with the 软弱涣散 flag (the cadre module reads weak branches here)."""
        import datetime as dt

        actor = actor_for_request(request)
        under = params.under(actor, request.query_params)
        year = params.year(request.query_params, default=dt.date.today().year)
        ratings = selectors.star_ratings(actor, year=year, under=under)
        number, size = params.page(request.query_params)
        rows = sorted(ratings.values(), key=lambda r: r.org.path)
        page = rows[(number - 1) * size : number * size]
        return Response({
            "count": len(rows), "page": number, "page_size": size,
            "results": [{"org_id": r.org_id, "org": r.org.name, "year": r.year, "total": str(r.total), "stars": r.stars, "previous_stars": r.previous_stars,
                         "weak": r.weak, "weak_reason": r.weak_reason} for r in page],
        })  # fmt: skip


urlpatterns = [
    path("entries/", EntriesView.as_view(), name="api-scores-entries"),
    path("entries/<int:pk>/approve/", ApproveView.as_view(), name="api-scores-approve"),
    path("entries/<int:pk>/return/", ReturnView.as_view(), name="api-scores-return"),
    path("ranking/", RankingView.as_view(), name="api-scores-ranking"),
    path("stars/", StarsView.as_view(), name="api-scores-stars"),
]
