"""/api/v1/notifications/: bulk SMS (preview, request, approve/reject, list) and the per-organization message log."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from orgwork.core import params
from orgwork.core.drf import page_schema, paginated
from orgwork.core.middleware import actor_for_request
from orgwork.core.privacy import mask_phone

from . import bulk, selectors
from .models import Audience, MessageLog, SmsCampaign


class CampaignIn(serializers.Serializer):
    org = serializers.IntegerField(min_value=1, max_value=params.ID_MAX)
    audience = serializers.ChoiceField(choices=Audience.choices)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    body = serializers.CharField(max_length=500)
    values = serializers.DictField(child=serializers.CharField(max_length=60, allow_blank=True), required=False, default=dict)
    urgent = serializers.BooleanField(required=False, default=False)
    send_after = serializers.DateTimeField(required=False, allow_null=True, default=None)
    template = serializers.IntegerField(min_value=1, max_value=params.ID_MAX, required=False, allow_null=True, default=None)


class PreviewOut(serializers.Serializer):
    recipients = serializers.IntegerField()
    skipped = serializers.DictField(child=serializers.IntegerField())
    parts = serializers.IntegerField()
    price_fen = serializers.IntegerField()
    cost_fen = serializers.IntegerField()
    sample = serializers.CharField()


class CampaignSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name")
    status_label = serializers.CharField(source="get_status_display")
    requested_by = serializers.SerializerMethodField()

    class Meta:
        model = SmsCampaign
        fields = ["id", "org", "org_name", "audience", "title", "body", "urgent", "send_after", "status", "status_label", "recipients", "skipped", "parts", "price_fen", "cost_fen", "requested_by", "requested_at", "decided_at", "decision_note"]

    def get_requested_by(self, obj) -> str:
        return obj.requested_by.get_full_name() or obj.requested_by.get_username()


class DecisionIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", "批准"), ("reject", "不批准"), ("cancel", "撤回")])
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    confirm_cost_fen = serializers.IntegerField(min_value=0, max_value=10**9, required=False, allow_null=True, default=None)


class MessageSerializer(serializers.ModelSerializer):
    org_name = serializers.SerializerMethodField()
    recipient_name = serializers.SerializerMethodField()
    address = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = MessageLog
        fields = ["id", "created_at", "channel", "org", "org_name", "recipient_name", "address", "subject", "status", "status_label", "error", "attempts", "sent_at", "delivered_at", "campaign"]

    def get_org_name(self, obj) -> str:
        return obj.org.name if obj.org_id else ""

    def get_recipient_name(self, obj) -> str:
        if obj.member_id:
            return obj.member.name
        return obj.recipient.get_full_name() if obj.recipient_id else ""

    def get_address(self, obj) -> str:
        return mask_phone(obj.address) if obj.channel == "sms" else (obj.address if obj.channel == "email" else "")


def _preview_out(p) -> dict:
    return {"recipients": len(p.recipients), "skipped": p.skipped, "parts": p.parts, "price_fen": p.price_fen, "cost_fen": p.cost_fen, "sample": p.sample}


class PreviewView(APIView):
    @extend_schema(tags=["notifications"], request=CampaignIn, responses={200: PreviewOut})
    def post(self, request):
        d = CampaignIn(data=request.data)
        d.is_valid(raise_exception=True)
        v = d.validated_data
        p = bulk.preview(actor=actor_for_request(request), org_id=v["org"], audience=v["audience"], body=v["body"], values=v["values"], urgent=v["urgent"])
        return Response(_preview_out(p))


class CampaignsView(APIView):
    @extend_schema(tags=["notifications"], responses={200: page_schema(CampaignSerializer, "SmsCampaignPage")})
    def get(self, request):
        status = params.choice(request.query_params, "status", label="状态", choices=[c for c, _l in SmsCampaign._meta.get_field("status").choices])
        return paginated(request, selectors.campaigns(actor_for_request(request), status=status), CampaignSerializer, view=self)

    @extend_schema(tags=["notifications"], request=CampaignIn, responses={201: CampaignSerializer})
    def post(self, request):
        d = CampaignIn(data=request.data)
        d.is_valid(raise_exception=True)
        v = d.validated_data
        c = bulk.request_send(
            actor=actor_for_request(request), org_id=v["org"], audience=v["audience"], title=v["title"], body=v["body"], values=v["values"],
            urgent=v["urgent"], send_after=v["send_after"], template_id=v["template"],
        )
        return Response(CampaignSerializer(c).data, status=201)


class CampaignDecisionView(APIView):
    @extend_schema(tags=["notifications"], request=DecisionIn, responses={200: CampaignSerializer})
    def post(self, request, pk):
        actor = actor_for_request(request)
        selectors.campaign(actor, pk)  # 404 out of scope
        d = DecisionIn(data=request.data)
        d.is_valid(raise_exception=True)
        v = d.validated_data
        if v["decision"] == "approve":
            c = bulk.approve(actor=actor, campaign_id=pk, note=v["note"], confirm_cost_fen=v["confirm_cost_fen"])
        elif v["decision"] == "reject":
            c = bulk.reject(actor=actor, campaign_id=pk, note=v["note"])
        else:
            c = bulk.cancel(actor=actor, campaign_id=pk)
        return Response(CampaignSerializer(c).data)


class MessageLogView(APIView):
    @extend_schema(tags=["notifications"], parameters=[params.api_org()], responses={200: page_schema(MessageSerializer, "MessageLogPage")})
    def get(self, request):
        actor = actor_for_request(request)
        q = request.query_params
        under = params.under(actor, q)
        channel = params.choice(q, "channel", label="渠道", choices=["inapp", "email", "sms"])
        status = params.choice(q, "status", label="状态", choices=["queued", "sent", "failed", "suppressed", "delivered", "undelivered"])
        return paginated(request, selectors.message_log(actor, org=under, channel=channel, status=status), MessageSerializer, view=self)


urlpatterns = [
    path("sms/preview/", PreviewView.as_view(), name="api-notifications-sms-preview"),
    path("sms/", CampaignsView.as_view(), name="api-notifications-sms"),
    path("sms/<int:pk>/decision/", CampaignDecisionView.as_view(), name="api-notifications-sms-decision"),
    path("log/", MessageLogView.as_view(), name="api-notifications-log"),
]
