"""/api/v1/villages/: cadres, secondments and units (paginated lists, staff only)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from orgwork.core import drf, params
from orgwork.core.middleware import actor_for_request
from orgwork.core.privacy import mask_id_number

from . import selectors
from .models import Cadre, Secondment, Unit


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


urlpatterns = [
    path("cadres/", CadresView.as_view(), name="api-villages-cadres"),
    path("secondments/", SecondmentsView.as_view(), name="api-villages-secondments"),
    path("units/", UnitsView.as_view(), name="api-villages-units"),
]
