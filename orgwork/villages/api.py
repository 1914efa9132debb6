"""/api/v1/villages/: cadres, secondments and units (paginated lists, staff only)."""

from __future__ import annotations

import datetime as dt

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from orgwork.core import drf, params
from orgwork.core.middleware import actor_for_request
from orgwork.core.privacy import mask_id_number
from orgwork.core.scope import get_in_scope

from . import selectors
from .models import Cadre, FormerCadre, Pairing, Placement, ReserveCadre, Secondment, Unit, Visit
from .rules import pairing_rules


class CadreSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField()
    org_name = serializers.CharField(source="org.name")
    cross_holding = serializers.BooleanField()

    class Meta:
        model = Cadre
        fields = ["id", "org", "org_name", "name", "id_number", "birth_date", "education", "graduate_official", "party_post", "village_post", "cross_holding", "started_on"]

    def get_id_number(self, obj) -> str:
        return mask_id_number(obj.id_number)


class SecondmentSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name")

    class Meta:
        model = Secondment
        fields = ["id", "org", "org_name", "place", "name", "kind", "started_on", "ends_on", "grade", "assessed_on"]


class UnitSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name")

    class Meta:
        model = Unit
        fields = ["id", "org", "org_name", "name", "kind", "employees", "party_members", "instructor", "party_org", "registered_on"]


class CadresView(APIView):
    @extend_schema(parameters=[params.api_org()], responses={200: drf.page_schema(CadreSerializer, "VillageCadrePage")})
    def get(self, request):
        actor = actor_for_request(request)
        return drf.paginated(request, selectors.cadres(actor, under=params.under(actor, request.query_params)), CadreSerializer, view=self)


class SecondmentsView(APIView):
    @extend_schema(parameters=[params.api_org()], responses={200: drf.page_schema(SecondmentSerializer, "SecondmentPage")})
    def get(self, request):
        actor = actor_for_request(request)
        return drf.paginated(request, selectors.secondments(actor, under=params.under(actor, request.query_params)), SecondmentSerializer, view=self)


class UnitsView(APIView):
    @extend_schema(parameters=[params.api_org()], responses={200: drf.page_schema(UnitSerializer, "UnorganizedUnitPage")})
    def get(self, request):
        actor = actor_for_request(request)
        return drf.paginated(request, selectors.units(actor, under=params.under(actor, request.query_params)), UnitSerializer, view=self)


class HistorySerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name")

    class Meta:
        model = Cadre
        fields = ["id", "org", "org_name", "name", "party_post", "village_post", "started_on", "ended_on", "end_reason", "previous", "probation", "probation_ends_on"]


class ReserveSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name")
    id_number = serializers.SerializerMethodField()
    hours_this_year = serializers.SerializerMethodField()

    class Meta:
        model = ReserveCadre
        fields = ["id", "org", "org_name", "name", "id_number", "birth_date", "education", "strengths", "added_on", "removed_on", "removed_reason", "hours_this_year"]

    def get_id_number(self, obj) -> str:
        return mask_id_number(obj.id_number)

    def get_hours_this_year(self, obj) -> str:
        return str(selectors.reserve_hours(obj, dt.date.today().year))


class PlacementSerializer(serializers.ModelSerializer):
    reserve_name = serializers.CharField(source="reserve.name")

    class Meta:
        model = Placement
        fields = ["id", "reserve", "reserve_name", "place", "started_on", "ends_on", "tasks", "grade", "assessed_on", "comment"]


class FormerSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name")

    class Meta:
        model = FormerCadre
        fields = ["id", "org", "org_name", "name", "main_post", "years", "left_on", "subsidy_class", "subsidy_from", "subsidy_until", "stop_reason", "rule_version"]


class PairingSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name")
    kind_label = serializers.SerializerMethodField()
    last_visit = serializers.DateField(allow_null=True)
    next_visit_due = serializers.SerializerMethodField()

    class Meta:
        model = Pairing
        fields = ["id", "kind", "kind_label", "org", "org_name", "helper", "helper_member", "target", "started_on", "ended_on", "goals", "last_visit", "next_visit_due"]

    def get_kind_label(self, obj) -> str:
        return dict(pairing_rules()["kinds"]).get(obj.kind, obj.kind)

    def get_next_visit_due(self, obj) -> dt.date | None:
        return None if obj.ended_on else selectors.visit_due(obj, pairing_rules())


class VisitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Visit
        fields = ["id", "pairing", "on", "text"]


class FirstSecretarySerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name")
    years = serializers.SerializerMethodField()

    class Meta:
        model = Secondment
        fields = ["id", "org", "org_name", "place", "name", "started_on", "ends_on", "grade", "assessed_on", "years"]

    def get_years(self, obj) -> list[dict]:
        return [{"year": y.year, "grade": y.grade, "assessed_on": y.assessed_on} for y in obj.years.order_by("year")]


class HistoryView(APIView):
    @extend_schema(responses={200: HistorySerializer(many=True)})
    def get(self, request, pk: int):
        actor = actor_for_request(request)
        c = get_in_scope(Cadre.objects.all(), actor, pk=pk)
        return Response(HistorySerializer(selectors.history(actor, c), many=True).data)


class ReservesView(APIView):
    @extend_schema(parameters=[params.api_org()], responses={200: drf.page_schema(ReserveSerializer, "VillageReservePage")})
    def get(self, request):
        actor = actor_for_request(request)
        return drf.paginated(request, selectors.reserves(actor, under=params.under(actor, request.query_params)), ReserveSerializer, view=self)


class PlacementsView(APIView):
    @extend_schema(responses={200: drf.page_schema(PlacementSerializer, "VillagePlacementPage")})
    def get(self, request):
        return drf.paginated(request, selectors.placements(actor_for_request(request)), PlacementSerializer, view=self)


class FormerView(APIView):
    @extend_schema(parameters=[params.api_org()], responses={200: drf.page_schema(FormerSerializer, "FormerVillageCadrePage")})
    def get(self, request):
        actor = actor_for_request(request)
        return drf.paginated(request, selectors.former_cadres(actor, under=params.under(actor, request.query_params)), FormerSerializer, view=self)


class PairingsView(APIView):
    @extend_schema(parameters=[params.api_org()], responses={200: drf.page_schema(PairingSerializer, "VillagePairingPage")})
    def get(self, request):
        actor = actor_for_request(request)
        return drf.paginated(request, selectors.pairings(actor, under=params.under(actor, request.query_params)), PairingSerializer, view=self)


class VisitsView(APIView):
    @extend_schema(responses={200: drf.page_schema(VisitSerializer, "VillageVisitPage")})
    def get(self, request, pk: int):
        actor = actor_for_request(request)
        p = get_in_scope(Pairing.objects.all(), actor, pk=pk)
        return drf.paginated(request, selectors.visits(actor, p), VisitSerializer, view=self)


class FirstSecretariesView(APIView):
    @extend_schema(parameters=[params.api_org()], responses={200: drf.page_schema(FirstSecretarySerializer, "FirstSecretaryPage")})
    def get(self, request):
        actor = actor_for_request(request)
        return drf.paginated(request, selectors.first_secretaries(actor, under=params.under(actor, request.query_params)), FirstSecretarySerializer, view=self)


class PaySheetView(APIView):
    @extend_schema(
        parameters=[params.api_org(description="乡镇（街道）党委（id）"), OpenApiParameter("year", int, description="年度"), OpenApiParameter("month", int, description="月份（1–12；不填为全年）")],
        responses={200: dict},
    )
    def get(self, request):
        actor = actor_for_request(request)
        township = params.under(actor, request.query_params)
        if township is None:
            township = selectors.townships(actor).first()
        year = params.year(request.query_params, default=dt.date.today().year)
        month = params.integer(request.query_params, "month", label="月份", min_value=1, max_value=12)
        if township is None:
            return Response({"township": None, "rows": [], "former": [], "allowances": []})
        sheet = selectors.pay_sheet(actor, township=township, year=year, month=month) if month else selectors.pay_sheet_year(actor, township=township, year=year)
        return Response({
            "township": township.pk, "township_name": township.name, "year": year, "month": month, "payer": sheet.rules["payer"], "rule_version": sheet.rules.version,
            "rows": [{"cadre": r.cadre.pk, "org": r.cadre.org_id, "name": r.cadre.name, "post": r.post, "base": str(r.base), "performance": str(r.performance),
                      "review_grade": r.review_grade, "coefficient": str(r.coefficient), "supplement": str(r.supplement), "total": str(r.total)} for r in sheet.rows],
            "former": [{"former": f.former.pk, "name": f.former.name, "class": f.former.subsidy_class, "amount": str(f.monthly), "county": str(f.county), "township": str(f.township)} for f in sheet.former],
            "allowances": [{"cadre": a.cadre_id, "name": a.name, "amount": str(a.amount), "granted_on": a.granted_on} for a in sheet.allowances],
            "pay_total": str(sheet.pay_total), "township_total": str(sheet.township_total),
        })  # fmt: skip


class EvaluationsView(APIView):
    @extend_schema(
        parameters=[params.api_org(), OpenApiParameter("which", str, enum=["review", "stars", "competence"], description="评价类别"), OpenApiParameter("year", int, description="年度")],
        responses={200: dict},
    )
    def get(self, request):
        actor = actor_for_request(request)
        which = params.choice(request.query_params, "which", label="评价类别", choices=["review", "stars", "competence"], default="review")
        year = params.year(request.query_params, default=dt.date.today().year - 1)
        rows = selectors.results(actor, which=which, year=year, under=params.under(actor, request.query_params))
        data = [{"cadre": r.cadre.pk, "org": r.cadre.org_id, "name": r.cadre.name, "total": None if r.total is None else str(r.total), "grade": r.grade} for r in rows]
        return drf.paginated(request, data, _Passthrough, view=self)


class _Passthrough(serializers.BaseSerializer):
    def to_representation(self, instance):
        return instance


urlpatterns = [
    path("cadres/", CadresView.as_view(), name="api-villages-cadres"),
    path("secondments/", SecondmentsView.as_view(), name="api-villages-secondments"),
    path("units/", UnitsView.as_view(), name="api-villages-units"),
    path("cadres/<int:pk>/history/", HistoryView.as_view(), name="api-villages-cadre-history"),
    path("reserves/", ReservesView.as_view(), name="api-villages-reserves"),
    path("placements/", PlacementsView.as_view(), name="api-villages-placements"),
    path("former-cadres/", FormerView.as_view(), name="api-villages-former"),
    path("pairings/", PairingsView.as_view(), name="api-villages-pairings"),
    path("pairings/<int:pk>/visits/", VisitsView.as_view(), name="api-villages-visits"),
    path("first-secretaries/", FirstSecretariesView.as_view(), name="api-villages-first-secretaries"),
    path("pay/", PaySheetView.as_view(), name="api-villages-pay"),
    path("evaluations/", EvaluationsView.as_view(), name="api-villages-evaluations"),
]
