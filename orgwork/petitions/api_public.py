"""/api/v1/public/petitions/ — online petitions (anonymous, or linked to the signed-in person) and status lookup."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from orgwork.core import gate
from orgwork.core.errors import NotFound

from . import services
from .rules import CATEGORIES


class SubmitSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=CATEGORIES)
    content = serializers.CharField(max_length=5000)
    petitioner_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    petitioner_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class LookupSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=30)
    phone = serializers.CharField(max_length=20)


Answer = inline_serializer("PetitionReceipt", {"reference": serializers.CharField(), "status": serializers.CharField(), "repeat_of": serializers.CharField(allow_null=True)})
StatusOut = inline_serializer(
    "PetitionStatus",
    {"reference": serializers.CharField(), "status": serializers.CharField(), "status_label": serializers.CharField(),
     "replies": serializers.ListField(child=serializers.CharField()), "satisfaction": serializers.CharField()},
)


@extend_schema(tags=["public"])
class PetitionSubmit(APIView):
    gate_audience = gate.PUBLIC

    @extend_schema(request=SubmitSerializer, responses={201: Answer}, summary="Submit an online petition")
    def post(self, request):
        ser = SubmitSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        user = request.user if getattr(request.user, "is_authenticated", False) else None
        p = services.submit(actor=None, user=user, **ser.validated_data)
        return Response({"reference": p.reference, "status": p.status, "repeat_of": p.repeat_of.reference if p.repeat_of else None}, status=201)


@extend_schema(tags=["public"])
class PetitionStatus(APIView):
    gate_audience = gate.PUBLIC
    authentication_classes: list = []

    @extend_schema(request=LookupSerializer, responses={200: StatusOut}, summary="A petition's status and replies (number + phone)")
    def post(self, request):
        ser = LookupSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            p = services.find_public(**ser.validated_data)
        except NotFound:
            return Response({"code": "not_found", "message": _("编号或手机号码不正确")}, status=404)
        return Response({"reference": p.reference, "status": p.status, "status_label": p.get_status_display(), "replies": [r.text for r in p.replies.all()], "satisfaction": p.satisfaction})


urlpatterns = [
    path("", PetitionSubmit.as_view(), name="petitions-public-submit"),
    path("status/", PetitionStatus.as_view(), name="petitions-public-status"),
]
