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


urlpatterns = [path("inbound/", InboundSms.as_view(), name="sms-inbound")]
