"/api/v1/exits/ — entry and exit procedures (停止党籍, 除名, 劝退, 自行脱党, 退党, 去世, 恢复党籍, 限期改正)."

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from orgwork.core import params
from orgwork.core import procedures as proc
from orgwork.core.api import ScopedViewSet
from orgwork.core.errors import NotFound, PermissionDenied, ServiceError
from orgwork.core.models import Attachment, ProcedureInstance, ProcedureStatus, StepRecord
from orgwork.core.uploads import parse_step, step_request_schema

from . import selectors
from .services import exits

KIND_CHOICES = [(k, v[0]) for k, v in exits.KINDS.items()]


class ExitAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "label", "reference", "filename", "size", "sha256"]


class ExitRecordSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    attachments = ExitAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = StepRecord
        fields = ["seq", "action", "action_label", "step", "step_title", "stage", "done_on", "actor_label", "responsible", "comment", "data", "valid", "attachments", "recorded_at"]



class ExitCaseSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    member = serializers.SerializerMethodField()
    org_name = serializers.CharField(source="org.name", read_only=True)
    step_title = serializers.SerializerMethodField()
    step_fields = serializers.SerializerMethodField(help_text="当前步骤须填写的字段（data）")
    step_documents = serializers.SerializerMethodField(help_text="当前步骤须提供的材料（documents 或文件）")

    class Meta:
        model = ProcedureInstance
        fields = ["id", "kind", "kind_label", "title", "status", "status_label", "member", "org", "org_name", "step", "step_title", "step_fields", "step_documents", "due_on", "started_on", "ended_on", "rule_version"]
        read_only_fields = fields

    def get_kind_label(self, obj) -> str:
        return exits.KINDS.get(obj.kind.removeprefix("member_"), ("",))[0]

    def get_member(self, obj) -> int | None:
        return int(obj.subject_id) if obj.subject_id and obj.subject_id.isdigit() else None

    def _step(self, obj):
        return proc.definition_for(obj).step(obj.step) if obj.step else None

    def get_step_title(self, obj) -> str:
        s = self._step(obj)
        return s.title if s else ""

    def get_step_fields(self, obj) -> list[dict]:
        s = self._step(obj)
        return [{"name": f.name, "label": f.label, "type": f.type, "required": f.required} for f in (s.fields if s else ())]

    def get_step_documents(self, obj) -> list[str]:
        s = self._step(obj)
        return list(s.documents) if s else []


class ExitStartSerializer(serializers.Serializer):
    member = params.IdField()
    kind = serializers.ChoiceField(choices=KIND_CHOICES)
    on = params.DateField(required=False)


@extend_schema(tags=["exits"])
@extend_schema_view(list=extend_schema(parameters=[params.api_choice("kind", KIND_CHOICES, "事项类型"), params.api_choice("status", ProcedureStatus.choices, "状态")]))
class ExitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = ExitCaseSerializer

    def get_queryset(self):
        p = self.request.query_params
        kind = params.choice(p, "kind", label=_("事项类型"), choices=KIND_CHOICES)
        status = params.choice(p, "status", label=_("状态"), choices=ProcedureStatus.choices)
        qs = selectors.exit_cases(self.actor, kind=kind or None)
        return qs.filter(status=status) if status else qs

    @extend_schema(request=ExitStartSerializer, responses={201: ExitCaseSerializer}, summary="发起党员出入事项")
    def create(self, request):
        d = ExitStartSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        v = d.validated_data
        try:
            inst = exits.start(actor=self.actor, member_id=v["member"], kind=v["kind"], on=v.get("on") or dt.date.today())
        except PermissionDenied:
            raise ServiceError.single("member", "permission_denied", _("您没有办理此事项的权限")) from None
        return Response(ExitCaseSerializer(self.get_queryset().get(pk=inst.pk)).data, status=201)

    @extend_schema(responses=ExitRecordSerializer(many=True), summary="办理记录（纪实）")
    @action(detail=True, methods=["get"])
    def records(self, request, pk=None):
        return Response(ExitRecordSerializer(proc.timeline(self.get_object()), many=True).data)

    @extend_schema(request=step_request_schema(), responses={201: ExitRecordSerializer}, summary="办理当前步骤（材料可填文号，也可上传文件）")
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        inst = self.get_object()
        fields, files = parse_step(request)
        try:
            record = proc.complete_step(actor=self.actor, instance_id=inst.pk, files=files, **fields)
        except PermissionDenied:
            raise ServiceError.single("step", "permission_denied", _("该步骤应由上级党组织办理")) from None
        return Response(ExitRecordSerializer(record).data, status=201)

    def get_object(self):
        obj = super().get_object()
        if not obj.kind.startswith("member_"):
            raise NotFound()
        return obj


router = SimpleRouter(trailing_slash=True)
router.register("", ExitViewSet, basename="exit")
urlpatterns = router.urls
