"""/api/v1/disclosure/: items (list, propose, workflow actions), requests (list, answer) and the public request
intake and receipt lookup."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from orgwork.core import gate, params
from orgwork.core.drf import page_schema, paginated
from orgwork.core.errors import NotFound
from orgwork.core.middleware import actor_for_request

from . import selectors, services
from .models import Audience
from .rules import AREAS


class ItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = serializers.CharField(source="org.name")
    area = serializers.CharField()
    area_label = serializers.CharField()
    title = serializers.CharField()
    audience = serializers.CharField()
    period = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    secrecy_checked = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)


class RequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = serializers.CharField(source="org.name")
    question = serializers.CharField()
    received_on = serializers.DateField()
    due_on = serializers.DateField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    answer = serializers.CharField()
    refusal_reason = serializers.CharField()
    answered_on = serializers.DateField(allow_null=True)
    in_time = serializers.BooleanField(allow_null=True)


class ProposeIn(serializers.Serializer):
    org = params.IdField()
    area = serializers.ChoiceField(choices=AREAS)
    audience = serializers.ChoiceField(choices=Audience.choices)
    title = serializers.CharField(max_length=120)
    content = serializers.CharField(max_length=20000)
    entry = params.IdField(required=False, allow_null=True)
    period = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")


class ActionIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=[("review", gettext_lazy("审核")), ("approve", gettext_lazy("审批")), ("publish", gettext_lazy("公开"))])
    approve = serializers.BooleanField(required=False, default=False)
    secrecy_checked = serializers.BooleanField(required=False, default=False)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AnswerIn(serializers.Serializer):
    refuse = serializers.BooleanField(required=False, default=False)
    answer = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PublicRequestIn(serializers.Serializer):
    org = params.IdField()
    question = serializers.CharField(max_length=2000)
    requester_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class ReceiptIn(serializers.Serializer):
    code = serializers.CharField(max_length=40)


class ItemsView(APIView):
    @extend_schema(tags=["disclosure"], responses=page_schema(ItemSerializer, "DisclosureItemPage"))
    def get(self, request):
        return paginated(request, selectors.items(actor_for_request(request)), ItemSerializer, view=self)

    @extend_schema(tags=["disclosure"], request=ProposeIn, responses={201: ItemSerializer})
    def post(self, request):
        d = ProposeIn(data=request.data)
        d.is_valid(raise_exception=True)
        v = dict(d.validated_data)
        item = services.propose(actor=actor_for_request(request), org_id=v.pop("org"), entry_id=v.pop("entry", None), **v)
        return Response(ItemSerializer(item).data, status=201)


class ItemActionView(APIView):
    @extend_schema(tags=["disclosure"], request=ActionIn, responses={200: ItemSerializer})
    def post(self, request, pk):
        actor = actor_for_request(request)
        d = ActionIn(data=request.data)
        d.is_valid(raise_exception=True)
        v = d.validated_data
        if v["action"] == "review":
            item = services.review(actor=actor, item_id=pk, approve=v["approve"], secrecy_checked=v["secrecy_checked"], comment=v["comment"])
        elif v["action"] == "approve":
            item = services.approve(actor=actor, item_id=pk)
        else:
            item = services.publish(actor=actor, item_id=pk)
        return Response(ItemSerializer(item).data)


class RequestsView(APIView):
    @extend_schema(tags=["disclosure"], responses=page_schema(RequestSerializer, "DisclosureRequestPage"))
    def get(self, request):
        return paginated(request, selectors.requests(actor_for_request(request)), RequestSerializer, view=self)


class RequestAnswerView(APIView):
    @extend_schema(tags=["disclosure"], request=AnswerIn, responses={200: RequestSerializer})
    def post(self, request, pk):
        d = AnswerIn(data=request.data)
        d.is_valid(raise_exception=True)
        req = services.answer_request(actor=actor_for_request(request), request_id=pk, **d.validated_data)
        return Response(RequestSerializer(req).data)


class PublicRequestView(APIView):
    gate_audience = gate.PUBLIC
    authentication_classes = []
    permission_classes = []

    @extend_schema(tags=["disclosure"], request=PublicRequestIn, responses={201: dict})
    def post(self, request):
        d = PublicRequestIn(data=request.data)
        d.is_valid(raise_exception=True)
        v = d.validated_data
        req, code = services.submit_request(org_id=v["org"], question=v["question"], requester_name=v["requester_name"])
        return Response({"receipt_code": code, "due_on": req.due_on}, status=201)


class PublicReceiptView(APIView):
    gate_audience = gate.PUBLIC
    authentication_classes = []
    permission_classes = []

    @extend_schema(tags=["disclosure"], request=ReceiptIn, responses={200: RequestSerializer})
    def post(self, request):
        d = ReceiptIn(data=request.data)
        d.is_valid(raise_exception=True)
        req = services.lookup(d.validated_data["code"])
        if req is None:
            raise NotFound()
        return Response(RequestSerializer(req).data)


urlpatterns = [
    path("items/", ItemsView.as_view(), name="api-disclosure-items"),
    path("items/<int:pk>/action/", ItemActionView.as_view(), name="api-disclosure-item-action"),
    path("requests/", RequestsView.as_view(), name="api-disclosure-requests"),
    path("requests/<int:pk>/answer/", RequestAnswerView.as_view(), name="api-disclosure-request-answer"),
    path("public/requests/", PublicRequestView.as_view(), name="api-disclosure-public-request"),
    path("public/receipt/", PublicReceiptView.as_view(), name="api-disclosure-public-receipt"),
]
