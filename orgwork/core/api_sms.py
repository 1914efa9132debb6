"""/api/v1/sms/inbound/ — the SMS provider's webhook for messages people send in (信访 by SMS and the like).

Authenticated by a shared secret: the provider sends it in the `X-Sms-Secret` header; it is compared in constant
time with settings.SMS_INBOUND_SECRET. With no secret configured the webhook does not exist (404).
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import gate, sms


class InboundSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=20)
    text = serializers.CharField(max_length=1000)
    message_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class InboundSms(APIView):
    gate_audience = gate.PUBLIC  # a machine caller; the shared secret is the credential
    authentication_classes: list = []

    @extend_schema(
        tags=["sms"], request=InboundSerializer,
        responses={200: inline_serializer("SmsInboundAnswer", {"handled_by": serializers.CharField(), "answered": serializers.BooleanField()})},
        summary="Inbound SMS webhook (shared secret in X-Sms-Secret)",
    )
    def post(self, request):
        secret = getattr(settings, "SMS_INBOUND_SECRET", "")
        if not secret:
            return Response({"code": "not_found", "message": "未开通短信上行接口"}, status=404)
        given = request.headers.get("X-Sms-Secret", "")
        if not hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8")):
            return Response({"code": "bad_secret", "message": "接口密钥不正确"}, status=403)
        ser = InboundSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            result = sms.receive_inbound(**ser.validated_data)
        except sms.SmsError as exc:
            return Response({"code": "validation_error", "message": str(exc), "errors": [{"field": "phone", "code": "bad_value", "message": str(exc)}]}, status=400)
        return Response(result)


class ReceiptSerializer(serializers.Serializer):
    message_id = serializers.CharField(max_length=64)
    status = serializers.ChoiceField(choices=["delivered", "failed"])
    error = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ReceiptsIn(serializers.Serializer):
    receipts = ReceiptSerializer(many=True, max_length=1000)


class SmsReceipts(APIView):
    """Delivery receipts from the provider (HttpSms): signed like the outgoing requests (X-Timestamp, X-Nonce,
    X-Signature = HMAC-SHA256 under SMS_HTTP_KEY over the raw body); replays older than 5 minutes are refused."""

    gate_audience = gate.PUBLIC  # a machine caller; the signature is the credential
    authentication_classes: list = []

    @extend_schema(
        tags=["sms"], request=ReceiptsIn,
        responses={200: inline_serializer("SmsReceiptsAnswer", {"matched": serializers.IntegerField(), "unknown": serializers.IntegerField()})},
        summary="SMS delivery receipts webhook (HMAC-signed)",
    )
    def post(self, request):
        key = getattr(settings, "SMS_HTTP_KEY", "")
        if not key:
            return Response({"code": "not_found", "message": "未开通短信回执接口"}, status=404)
        body = request.body
        if not sms.verify_signature(key=key, timestamp=request.headers.get("X-Timestamp", ""), nonce=request.headers.get("X-Nonce", ""), body=body, signature=request.headers.get("X-Signature", "")):
            return Response({"code": "bad_signature", "message": "回执签名不正确或已过期"}, status=403)
        ser = ReceiptsIn(data=request.data)
        ser.is_valid(raise_exception=True)
        matched = sum(1 for r in ser.validated_data["receipts"] if sms.receive_receipt(**r))
        return Response({"matched": matched, "unknown": len(ser.validated_data["receipts"]) - matched})


urlpatterns = [path("inbound/", InboundSms.as_view(), name="sms-inbound"), path("receipts/", SmsReceipts.as_view(), name="sms-receipts")]
