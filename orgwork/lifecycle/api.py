"""/api/v1/transfers/ — thin: parse, call a selector or a service, render."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from orgwork.core import params
from orgwork.core.api import ScopedViewSet

from . import selectors
from .letter import letter_docx, letter_read
from .models import Transfer, TransferKind, TransferStatus
from .services import transfers


class EventSerializer(serializers.Serializer):
    """One line of the transfer's history (its procedure's step records)."""

    action = serializers.CharField()
    side = serializers.CharField()
    done_on = serializers.DateField()
    comment = serializers.CharField()
    actor_label = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class TransferSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    member_name = serializers.CharField(source="person_name", read_only=True)
    events = serializers.SerializerMethodField()

    class Meta:
        model = Transfer
        fields = [
            "id", "kind", "kind_label", "status", "status_label", "member", "member_name", "from_org", "from_org_name", "to_org", "to_org_name",
            "reason", "started_on", "receive_due_on", "received_on", "letter_number", "letter_issued_on", "valid_until", "dues_paid_to",
            "receipt_due_on", "receipt_back_on", "return_reason", "late_days", "late_reason", "lapse_flagged", "rule_version", "events",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, obj):
        return EventSerializer(selectors.events(obj), many=True).data


class StartSerializer(serializers.Serializer):
    member = params.IdField()
    to_org = params.IdField()
    reason = serializers.CharField(max_length=500)
    on = params.DateField(required=False)


class LetterSerializer(serializers.Serializer):
    member = params.IdField()
    to_org_name = serializers.CharField(max_length=200)
    reason = serializers.CharField(max_length=500)
    on = params.DateField(required=False)
    valid_days = serializers.IntegerField(required=False, min_value=1, max_value=366, help_text="一般10–30天，最长3个月")
    validity_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class IncomingSerializer(serializers.Serializer):
    letter_number = serializers.CharField(max_length=60)
    from_org_name = serializers.CharField(max_length=200)
    to_org = params.IdField()
    letter_issued_on = params.DateField()
    valid_until = params.DateField()
    on = params.DateField(required=False)
    dues_paid_to = params.DateField(required=False, allow_null=True)
    late_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500, help_text="介绍信过期后才报到的，本人说明的逾期原因（必填）")
    person = serializers.DictField(help_text="姓名、公民身份号码、人员类别、入党日期等，同党员信息")


class ActSerializer(serializers.Serializer):
    on = params.DateField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    to_org = params.IdField(required=False, allow_null=True)


def _on(data):
    return data.get("on") or dt.date.today()


@extend_schema(tags=["transfers"])
@extend_schema_view(
    list=extend_schema(parameters=[params.api_choice("status", TransferStatus.choices, "状态"), params.api_choice("kind", TransferKind.choices, "转接类型"), params.api_choice("overdue", ["1"], "1：仅逾期未接收")])
)
class TransferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = TransferSerializer

    def get_queryset(self):
        qs = selectors.transfers(self.actor)
        p = self.request.query_params
        status = params.choice(p, "status", label=_("状态"), choices=TransferStatus.choices)
        kind = params.choice(p, "kind", label=_("转接类型"), choices=TransferKind.choices)
        if status:
            qs = qs.filter(status=status)
        if kind:
            qs = qs.filter(kind=kind)
        if params.flag(p, "overdue"):
            qs = qs.filter(pk__in=[o.transfer.pk for o in selectors.overdue(self.actor)])
        return qs.order_by("-started_on", "-id")

    def _done(self, t, status=200):
        t = selectors.transfers(self.actor).get(pk=t.pk)
        return Response(TransferSerializer(t).data, status=status)

    @extend_schema(request=StartSerializer, responses={201: TransferSerializer}, summary="系统内转接：转出方发起")
    def create(self, request):
        d = StartSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        v = d.validated_data
        t = transfers.start_within(actor=self.actor, member_id=v["member"], to_org_id=v["to_org"], reason=v["reason"], on=_on(v))
        return self._done(t, 201)

    @extend_schema(request=LetterSerializer, responses={201: TransferSerializer}, summary="转出本系统：开具介绍信")
    @action(detail=False, methods=["post"])
    def letters(self, request):
        d = LetterSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        v = d.validated_data
        t = transfers.issue_letter(
            actor=self.actor, member_id=v["member"], to_org_name=v["to_org_name"], reason=v["reason"], on=_on(v), valid_days=v.get("valid_days"), validity_reason=v["validity_reason"]
        )
        return self._done(t, 201)

    @extend_schema(request=IncomingSerializer, responses={201: TransferSerializer}, summary="从系统外转入：按介绍信编号登记")
    @action(detail=False, methods=["post"])
    def incoming(self, request):
        d = IncomingSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        v = d.validated_data
        t = transfers.register_incoming(
            actor=self.actor, letter_number=v["letter_number"], from_org_name=v["from_org_name"], to_org_id=v["to_org"], letter_issued_on=v["letter_issued_on"],
            valid_until=v["valid_until"], on=_on(v), person=v["person"], dues_paid_to=v.get("dues_paid_to"), late_reason=v["late_reason"],
        )  # fmt: skip
        return self._done(t, 201)

    def _act(self, request, fn, **extra):
        t = self.get_object()
        d = ActSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        v = d.validated_data
        return self._done(fn(t, v))

    @extend_schema(request=ActSerializer, responses=TransferSerializer, summary="接收方接收")
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        return self._act(request, lambda t, v: transfers.receive(actor=self.actor, transfer_id=t.pk, on=_on(v), comment=v["comment"]))

    @extend_schema(request=ActSerializer, responses=TransferSerializer, summary="接收方退回补正（须说明原因；不得拒收）")
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        def fn(t, v):
            if t.kind == TransferKind.IN:
                return transfers.return_incoming(actor=self.actor, transfer_id=t.pk, reason=v["reason"], on=_on(v))
            return transfers.return_for_correction(actor=self.actor, transfer_id=t.pk, reason=v["reason"], on=_on(v))

        return self._act(request, fn)

    @extend_schema(request=ActSerializer, responses=TransferSerializer, summary="转出方补正后重新提交")
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        return self._act(
            request, lambda t, v: transfers.resubmit(actor=self.actor, transfer_id=t.pk, on=_on(v), comment=v["comment"], to_org_id=v.get("to_org"), reason=v["reason"] or None)
        )

    @extend_schema(request=ActSerializer, responses=TransferSerializer, summary="撤销")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._act(request, lambda t, v: transfers.cancel(actor=self.actor, transfer_id=t.pk, reason=v["reason"], on=_on(v)))

    @extend_schema(request=ActSerializer, responses=TransferSerializer, summary="登记介绍信回执返回")
    @action(detail=True, methods=["post"])
    def receipt(self, request, pk=None):
        return self._act(request, lambda t, v: transfers.record_receipt(actor=self.actor, transfer_id=t.pk, on=_on(v), comment=v["comment"]))

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"): bytes}, summary="介绍信（存根、介绍信、回执）Word 文档")
    @action(detail=True, methods=["get"], url_path="letter")
    def letter(self, request, pk=None):
        t = self.get_object()
        if t.kind != TransferKind.OUT:
            from orgwork.core.errors import NotFound

            raise NotFound()
        letter_read(self.actor, t)
        resp = HttpResponse(letter_docx(t), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        resp["Content-Disposition"] = f'attachment; filename="transfer-letter-{t.letter_number}.docx"'
        return resp


router = SimpleRouter(trailing_slash=True)
router.register("", TransferViewSet, basename="transfer")
urlpatterns = router.urls
