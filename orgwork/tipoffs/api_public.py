"""/api/v1/public/tipoffs/ — the public 12380 API (no account): submit, follow up with the receipt, add information.

No authentication is attempted (no session is read or written); the device limit and the receipt-guessing limit
are the cache counters of ratelimit.py, keyed by a hash that changes every day. Nothing here logs.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from orgwork.core import gate
from orgwork.core.drf import ObjectJSONParser
from orgwork.core.errors import NotFound

from . import crypto, ratelimit, services
from .models import Category
from .rules import CATEGORY_LABELS, IN_SCOPE, OUT_OF_SCOPE_GUIDANCE, intake_rules


class SubmitSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    person_name = serializers.CharField(max_length=60)
    person_unit = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    person_post = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    text = serializers.CharField(max_length=5000, help_text="≤ 1,000 characters (rule data tipoffs.intake)")
    anonymous = serializers.BooleanField()
    reporter_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    reporter_id_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    reporter_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ReceiptAnswer(serializers.Serializer):
    reference = serializers.CharField()
    receipt = serializers.CharField(help_text="shown once: keep it; it is stored only as a slow hash")
    message = serializers.CharField()


class FollowSerializer(serializers.Serializer):
    receipt = serializers.CharField(max_length=40)


class AddSerializer(FollowSerializer):
    text = serializers.CharField(max_length=5000)
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


MessageOut = inline_serializer("TipoffMessage", {"author": serializers.CharField(), "author_label": serializers.CharField(), "at": serializers.DateTimeField(), "text": serializers.CharField()})
StatusOut = inline_serializer(
    "TipoffStatus",
    {
        "reference": serializers.CharField(), "received_on": serializers.DateField(), "status": serializers.CharField(), "status_label": serializers.CharField(),
        "category_label": serializers.CharField(), "messages": MessageOut.__class__(many=True), "may_add": serializers.BooleanField(),
    },
)
GuidanceOut = inline_serializer(
    "TipoffGuidance",
    {
        "categories": serializers.DictField(child=serializers.CharField()), "in_scope": serializers.ListField(child=serializers.CharField()),
        "out_of_scope": serializers.ListField(child=serializers.ListField(child=serializers.CharField())),
        "max_text_chars": serializers.IntegerField(), "max_reports_per_device_per_day": serializers.IntegerField(),
    },
)


def _too_many(message: str):
    return Response({"code": "rate_limited", "message": message}, status=429)


class PublicView(APIView):
    gate_audience = gate.PUBLIC
    authentication_classes: list = []
    parser_classes = [ObjectJSONParser, MultiPartParser, FormParser]


@extend_schema(tags=["public"])
class TipoffIntake(PublicView):
    @extend_schema(responses={200: GuidanceOut}, summary="12380 scope, categories and limits")
    def get(self, request):
        rules = intake_rules()
        return Response({
            "categories": CATEGORY_LABELS, "in_scope": list(IN_SCOPE), "out_of_scope": [list(g) for g in OUT_OF_SCOPE_GUIDANCE],
            "max_text_chars": rules["max_text_chars"], "max_reports_per_device_per_day": rules["max_reports_per_device_per_day"],
        })

    @extend_schema(request={"multipart/form-data": SubmitSerializer, "application/json": SubmitSerializer}, responses={201: ReceiptAnswer}, summary="Submit a tip-off")
    def post(self, request):
        rules = intake_rules()
        if ratelimit.submissions_left(request, rules["max_reports_per_device_per_day"]) <= 0:
            return _too_many(_("同一设备每天最多提交%(n)s件举报") % {"n": rules["max_reports_per_device_per_day"]})
        ser = SubmitSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        files = [(f.name, f.read()) for f in d.pop("files", [])]
        sub = services.submit(actor=None, files=files, **d)
        ratelimit.count_submission(request)
        response = Response({"reference": sub.report.reference, "receipt": sub.receipt, "message": _("请牢记回执码：凭回执码查询办理情况、补充材料。回执码只显示这一次。")}, status=201)
        response["Cache-Control"] = "no-store"
        return response


def _find(request, receipt: str):
    rules = intake_rules()
    if not ratelimit.receipt_guess_allowed(request, rules["receipt_failures_per_client_per_hour"], rules["receipt_failures_global_per_hour"]):
        return None, _too_many(_("查询过于频繁，请一小时后再试"))
    try:
        return services.find_by_receipt(receipt), None
    except NotFound:
        ratelimit.count_receipt_failure(request)
        return None, Response({"code": "not_found", "message": _("回执码不正确")}, status=404)


@extend_schema(tags=["public"])
class TipoffFollowUp(PublicView):
    @extend_schema(request=FollowSerializer, responses={200: StatusOut}, summary="Status and replies, with the receipt alone")
    def post(self, request):
        ser = FollowSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        found, refusal = _find(request, ser.validated_data["receipt"])
        if refusal is not None:
            return refusal
        response = Response(services.reporter_view(*found))
        response["Cache-Control"] = "no-store"
        return response


@extend_schema(tags=["public"])
class TipoffAddInformation(PublicView):
    @extend_schema(request={"multipart/form-data": AddSerializer, "application/json": AddSerializer}, responses={201: StatusOut}, summary="Add information with the receipt")
    def post(self, request):
        ser = AddSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        found, refusal = _find(request, ser.validated_data["receipt"])
        if refusal is not None:
            return refusal
        receipt = crypto.normalize_receipt(ser.validated_data["receipt"])
        services.add_information(receipt=receipt, text=ser.validated_data["text"], files=[(f.name, f.read()) for f in ser.validated_data.get("files", [])])
        response = Response(services.reporter_view(*services.find_by_receipt(receipt)), status=201)
        response["Cache-Control"] = "no-store"
        return response


urlpatterns = [
    path("", TipoffIntake.as_view(), name="tipoffs-public-intake"),
    path("follow-up/", TipoffFollowUp.as_view(), name="tipoffs-public-follow-up"),
    path("follow-up/add/", TipoffAddInformation.as_view(), name="tipoffs-public-add"),
]
