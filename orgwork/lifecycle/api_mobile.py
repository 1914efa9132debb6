"""/api/v1/mobile/ — mobile members (流动党员): register, contacts, attach at the destination, end, propose suspension.

Thin: parse with a serializer, call one service in `lifecycle.mobile` or a selector, render."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from orgwork.core import params
from orgwork.core.api import ScopedViewSet

from . import selectors
from .models import MobileContact, MobileRegistration, MobileStatus
from .services import mobile


class MobileContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = MobileContact
        fields = ["contacted_on", "channel", "note", "actor_label", "created_at"]


class MobileRegistrationSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    org_name = serializers.CharField(source="member.org.name", read_only=True)
    attached_org_name = serializers.CharField(source="attached_org.name", read_only=True, default=None)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    away_flag_on = serializers.SerializerMethodField(help_text="满6个月（应考虑转接组织关系）的日期")
    no_contact_flag_on = serializers.SerializerMethodField(help_text="6个月未联系（应研究停止党籍）的日期")

    class Meta:
        model = MobileRegistration
        fields = [
            "id", "member", "member_name", "org_name", "left_on", "destination", "workplace", "home_contact", "home_contact_phone",
            "member_phone", "card_number", "expected_return", "attached_org", "attached_org_name", "attached_on", "status", "status_label",
            "ended_on", "end_reason", "last_contact_on", "away_flag_on", "no_contact_flag_on", "rule_version",
        ]  # fmt: skip
        read_only_fields = fields

    def get_away_flag_on(self, obj) -> dt.date:
        return mobile.away_flag_on(obj)

    def get_no_contact_flag_on(self, obj) -> dt.date:
        return mobile.no_contact_flag_on(obj)


class MobileRegisterSerializer(serializers.Serializer):
    member = params.IdField()
    left_on = params.DateField()
    destination = serializers.CharField(max_length=200)
    home_contact = serializers.CharField(max_length=60, help_text="流出地党组织联系人")
    workplace = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    home_contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    member_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    card_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    expected_return = params.DateField(required=False, allow_null=True, default=None)


class MobileContactInSerializer(serializers.Serializer):
    contacted_on = params.DateField()
    channel = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class MobileAttachSerializer(serializers.Serializer):
    org = params.IdField(help_text="流入地党支部")
    on = params.DateField(required=False)


class MobileEndSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in MobileStatus if s != MobileStatus.AWAY])
    on = params.DateField(required=False)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class MobileOnSerializer(serializers.Serializer):
    on = params.DateField(required=False)


def _on(v):
    return v.get("on") or dt.date.today()


@extend_schema(tags=["mobile"])
@extend_schema_view(list=extend_schema(parameters=[params.api_choice("status", [*MobileStatus.values, "all"], "状态（默认：在外流动）"), params.api_choice("flagged", ["1"], "1：仅满6个月或6个月未联系的")]))
class MobileViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = MobileRegistrationSerializer

    def get_queryset(self):
        p = self.request.query_params
        status = params.choice(p, "status", label=_("状态"), choices=[*MobileStatus.values, "all"], default=MobileStatus.AWAY)
        qs = selectors.registrations(self.actor, active_only=False)
        if status != "all":
            qs = qs.filter(status=status)
        if params.flag(p, "flagged"):
            flagged = [f.registration.pk for f in selectors.mobile_flags(self.actor, only_flagged=True)]
            qs = qs.filter(pk__in=flagged)
        return qs.order_by("-left_on", "-id")

    def _done(self, reg, status=200):
        return Response(MobileRegistrationSerializer(selectors.registrations(self.actor, active_only=False).get(pk=reg.pk)).data, status=status)

    @extend_schema(request=MobileRegisterSerializer, responses={201: MobileRegistrationSerializer}, summary="外出流动登记")
    def create(self, request):
        d = MobileRegisterSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        reg = mobile.register(actor=self.actor, member_id=d.validated_data.pop("member"), **d.validated_data)
        return self._done(reg, 201)

    @extend_schema(responses=MobileContactSerializer(many=True), summary="联系记录")
    @action(detail=True, methods=["get"])
    def contacts(self, request, pk=None):
        reg = self.get_object()
        return Response(MobileContactSerializer(reg.contacts.order_by("-contacted_on", "-id"), many=True).data)

    @extend_schema(request=MobileContactInSerializer, responses={201: MobileContactSerializer}, summary="登记一次联系")
    @contacts.mapping.post
    def add_contact(self, request, pk=None):
        reg = self.get_object()
        d = MobileContactInSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        c = mobile.record_contact(actor=self.actor, registration_id=reg.pk, **d.validated_data)
        return Response(MobileContactSerializer(c).data, status=201)

    @extend_schema(request=MobileAttachSerializer, responses=MobileRegistrationSerializer, summary="编入流入地党支部")
    @action(detail=True, methods=["post"])
    def attach(self, request, pk=None):
        reg = self.get_object()
        d = MobileAttachSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        return self._done(mobile.attach(actor=self.actor, registration_id=reg.pk, org_id=d.validated_data["org"], on=_on(d.validated_data)))

    @extend_schema(request=MobileEndSerializer, responses=MobileRegistrationSerializer, summary="结束流动（返回、转接或注销）")
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        reg = self.get_object()
        d = MobileEndSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        v = d.validated_data
        return self._done(mobile.end(actor=self.actor, registration_id=reg.pk, on=_on(v), status=v["status"], reason=v["reason"]))

    @extend_schema(request=MobileOnSerializer, responses={201: dict}, summary="6个月未联系：提出停止党籍的建议（支部按程序研究决定）")
    @action(detail=True, methods=["post"], url_path="propose-suspension")
    def propose_suspension(self, request, pk=None):
        reg = self.get_object()
        d = MobileOnSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        inst = mobile.propose_suspension(actor=self.actor, registration_id=reg.pk, on=_on(d.validated_data))
        return Response({"exit_case": inst.pk, "kind": inst.kind, "title": inst.title}, status=201)


router = SimpleRouter(trailing_slash=True)
router.register("", MobileViewSet, basename="mobile")
urlpatterns = router.urls
