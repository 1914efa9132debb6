"""/api/v1/recruitment/ — thin: parse, call a selector or a service, render."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from orgwork.core import params
from orgwork.core import procedures as proc
from orgwork.core.api import ScopedViewSet
from orgwork.core.errors import ServiceError
from orgwork.core.middleware import actor_for_request
from orgwork.core.models import Attachment, Notice, Objection, StepRecord
from orgwork.core.scope import get_in_scope
from orgwork.core.uploads import MAX_FILE_BYTES, parse_step, step_request_schema
from orgwork.orgs.api import resolve_ref

from . import selectors, services
from .models import Applicant
from .rules import STAGE_SHORT


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "label", "reference", "filename", "size", "sha256"]


class RecordSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = StepRecord
        fields = ["seq", "action", "action_label", "step", "step_title", "stage", "done_on", "actor_label", "responsible", "comment", "data", "valid", "attachments", "recorded_at"]


class ObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = ["id", "received_on", "source", "content", "status", "resolution", "resolved_on"]


class NoticeSerializer(serializers.ModelSerializer):
    objections = ObjectionSerializer(many=True, read_only=True)

    class Meta:
        model = Notice
        fields = ["id", "step", "title", "text", "place", "starts_on", "ends_on", "working_days", "status", "objections"]


class ApplicantSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    status = serializers.CharField(source="procedure.status", read_only=True)
    stage = serializers.CharField(source="procedure.stage", read_only=True)
    stage_label = serializers.SerializerMethodField()
    step = serializers.CharField(source="procedure.step", read_only=True)
    step_title = serializers.SerializerMethodField()
    due_on = params.DateField(source="procedure.due_on", read_only=True)
    not_before = params.DateField(source="procedure.not_before", read_only=True)
    rule_version = serializers.CharField(source="procedure.rule_version", read_only=True)
    member = serializers.IntegerField(source="member_id", read_only=True)

    class Meta:
        model = Applicant
        fields = [
            "id",
            "name",
            "gender",
            "birth_date",
            "org",
            "org_name",
            "applied_on",
            "status",
            "stage",
            "stage_label",
            "step",
            "step_title",
            "due_on",
            "not_before",
            "rule_version",
            "member",
        ]

    def get_stage_label(self, obj) -> str:
        return STAGE_SHORT.get(obj.procedure.stage, "")

    def get_step_title(self, obj) -> str:
        inst = obj.procedure
        return proc.definition_for(inst).step(inst.step).title if inst.step else ""


class ApplicationSerializer(serializers.Serializer):
    org = serializers.CharField(help_text="所在党支部：id、组织代码、名称或“上级/名称”路径")
    name = serializers.CharField(max_length=60)
    id_number = serializers.CharField(max_length=40)
    applied_on = params.DateField()
    application_reference = serializers.CharField(help_text="入党申请书的档案编号", required=False, allow_blank=True)
    application_file = serializers.FileField(required=False, max_length=255, help_text="入党申请书扫描件（multipart/form-data 时可上传）")
    ethnicity = serializers.CharField(required=False, allow_blank=True)
    education = serializers.CharField(required=False, allow_blank=True)
    job = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    responsible = serializers.CharField(required=False, allow_blank=True)


class ActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["assessment", "return", "pause", "resume", "terminate", "archive", "extend_due", "extend_probation"])
    on = params.DateField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True)
    result = serializers.CharField(required=False, allow_blank=True)
    to_step = serializers.CharField(required=False)
    until = params.DateField(required=False)
    months = serializers.IntegerField(required=False, min_value=1, max_value=12)


class ObjectionWriteSerializer(serializers.Serializer):
    received_on = params.DateField()
    content = serializers.CharField()
    source = serializers.CharField(required=False, allow_blank=True)


class ResolveSerializer(serializers.Serializer):
    upheld = serializers.BooleanField()
    resolution = serializers.CharField()
    on = params.DateField(required=False)


@extend_schema(tags=["recruitment"])
class ApplicantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = ApplicantSerializer

    def get_queryset(self):
        if self.action != "list":
            return selectors.applicants(self.actor)
        p = self.request.query_params
        qs = selectors.search(
            self.actor, stage=params.choice(p, "stage", label=_("阶段"), choices=list(STAGE_SHORT)),
            status=params.choice(p, "status", label=_("状态"), choices=list(selectors.STATUS_FILTERS), default="open"),
            under=params.under(self.actor, p), q=params.text(p, "q", label=_("查找"), max_length=100),
        )
        member = params.object_id(p, "member", label=_("党员"))
        if member is not None:
            qs = qs.filter(member_id=member)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("stage", str, enum=list(STAGE_SHORT)),
            OpenApiParameter("status", str, enum=list(selectors.STATUS_FILTERS)),
            params.api_org(),
            OpenApiParameter("q", {"type": "string", "maxLength": 100}),
            params.api_id("member", description="the development record of a member who joined through the pipeline (use status=all)"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request={"application/json": ApplicationSerializer, "multipart/form-data": ApplicationSerializer}, responses={201: ApplicantSerializer})
    def create(self, request):
        data = ApplicationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        org_id = resolve_ref(self.actor, v.pop("org"), field="org")
        reference = v.pop("application_reference", "")
        upload = v.pop("application_file", None)
        responsible = v.pop("responsible", "")
        if upload is not None and upload.size > MAX_FILE_BYTES:
            raise ServiceError.single("application_file", "out_of_range", _("文件超过20MB"))
        applicant = services.start_application(
            actor=self.actor, org_id=org_id, applied_on=v.pop("applied_on"), documents={"入党申请书": reference}, files={"入党申请书": [upload]} if upload else None,
            responsible=responsible, **v,
        )  # fmt: skip
        return Response(ApplicantSerializer(selectors.get_applicant(self.actor, applicant.pk)).data, status=201)

    @extend_schema(responses=RecordSerializer(many=True))
    @action(detail=True, methods=["get"])
    def records(self, request, pk=None):
        applicant = self.get_object()
        return Response(RecordSerializer(proc.timeline(applicant.procedure), many=True).data)

    @extend_schema(responses=NoticeSerializer(many=True))
    @action(detail=True, methods=["get"])
    def notices(self, request, pk=None):
        applicant = self.get_object()
        return Response(NoticeSerializer(proc.notices(applicant.procedure), many=True).data)

    @extend_schema(request=step_request_schema(), responses={201: RecordSerializer}, summary="办理当前步骤（材料可填文号，也可上传文件：multipart 的 files + file_labels）")
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        applicant = self.get_object()
        fields, files = parse_step(request)
        record = services.complete_step(actor=self.actor, applicant_id=applicant.pk, files=files, **fields)
        return Response(RecordSerializer(record).data, status=201)

    @extend_schema(request=ActionSerializer, responses={201: RecordSerializer})
    @action(detail=True, methods=["post"], url_path="actions")
    def actions(self, request, pk=None):
        applicant = self.get_object()
        data = ActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        a, pk_, reason, on = v["action"], applicant.pk, v.get("reason", ""), v.get("on")
        if a == "assessment":
            record = services.add_assessment(actor=self.actor, applicant_id=pk_, done_on=on, result=v.get("result", ""))
        elif a == "return":
            record = services.return_step(actor=self.actor, applicant_id=pk_, to_step=v.get("to_step", ""), reason=reason, on=on)
        elif a == "extend_due":
            record = services.extend_due(actor=self.actor, applicant_id=pk_, until=v.get("until"), reason=reason)
        elif a == "extend_probation":
            record = services.extend_probation(actor=self.actor, applicant_id=pk_, months=v.get("months"), reason=reason, decided_on=on)
        elif a == "archive":
            record = services.archive(actor=self.actor, applicant_id=pk_, on=on)
        else:
            record = getattr(services, a)(actor=self.actor, applicant_id=pk_, reason=reason, on=on)
        return Response(RecordSerializer(record).data, status=201)


class NoticeObjectionView(APIView):
    """POST /api/v1/recruitment/notices/{id}/objections/ — record an objection received during a notice."""

    @extend_schema(tags=["recruitment"], request=ObjectionWriteSerializer, responses={201: ObjectionSerializer})
    def post(self, request, notice_id):
        actor = actor_for_request(request)
        get_in_scope(Notice.objects.all(), actor, pk=notice_id)
        data = ObjectionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = proc.record_objection(actor=actor, notice_id=notice_id, **data.validated_data)
        return Response(ObjectionSerializer(objection).data, status=201)


class ObjectionResolveView(APIView):
    """POST /api/v1/recruitment/objections/{id}/resolve/"""

    @extend_schema(tags=["recruitment"], request=ResolveSerializer, responses=ObjectionSerializer)
    def post(self, request, objection_id):
        actor = actor_for_request(request)
        data = ResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = proc.resolve_objection(actor=actor, objection_id=objection_id, **data.validated_data)
        return Response(ObjectionSerializer(objection).data)


class DueSerializer(serializers.Serializer):
    applicant = serializers.IntegerField()
    name = serializers.CharField()
    org_name = serializers.CharField()
    step = serializers.CharField()
    step_title = serializers.CharField()
    due_on = params.DateField()
    overdue = serializers.BooleanField()
    days_left = serializers.IntegerField()


class DueView(APIView):
    """GET /api/v1/recruitment/due/?within=14 — overdue and upcoming steps in scope."""

    @extend_schema(tags=["recruitment"], parameters=[params.api_int("within", 0, 3660, "天数（默认 14）")], responses=DueSerializer(many=True))
    def get(self, request):
        actor = actor_for_request(request)
        within = params.integer(request.query_params, "within", label=_("天数"), default=14, min_value=0, max_value=3660)
        rows = selectors.due(actor, within_days=within)
        ids = dict(Applicant.objects.filter(procedure_id__in=[r.instance.pk for r in rows]).values_list("procedure_id", "pk"))
        data = [
            {
                "applicant": ids.get(r.instance.pk),
                "name": r.instance.title,
                "org_name": r.instance.org.name,
                "step": r.step.key,
                "step_title": r.step.title,
                "due_on": r.due_on,
                "overdue": r.overdue,
                "days_left": r.days_left,
            }
            for r in rows
        ]
        return Response(DueSerializer(data, many=True).data)


class StageCountSerializer(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class StagesView(APIView):
    """GET /api/v1/recruitment/stages/?org= — how many people are at each stage (open procedures in scope)."""

    @extend_schema(tags=["recruitment"], parameters=[params.api_org()], responses=StageCountSerializer(many=True))
    def get(self, request):
        actor = actor_for_request(request)
        under = params.under(actor, request.query_params)
        rows = [{"stage": k, "label": label, "count": n} for k, label, n in selectors.stage_counts(actor, under=under)]
        return Response(StageCountSerializer(rows, many=True).data)


class PlanRowSerializer(serializers.Serializer):
    org = serializers.IntegerField(source="org.pk")
    org_name = serializers.CharField(source="org.name")
    planned = serializers.IntegerField(allow_null=True)
    admitted = serializers.IntegerField()
    in_pipeline = serializers.IntegerField()
    below_plan = serializers.BooleanField()
    village_without_recruit = serializers.BooleanField()


class PlanWriteSerializer(serializers.Serializer):
    org = params.IdField()
    year = params.YearField()
    planned = serializers.IntegerField(min_value=0, max_value=1000)


class PlanView(APIView):
    """GET /api/v1/recruitment/plan/?year=&org= — plan vs actual per branch; POST sets a branch's plan."""

    @extend_schema(tags=["recruitment"], parameters=[params.api_year(), params.api_org()], responses=PlanRowSerializer(many=True))
    def get(self, request):
        import datetime as dt

        actor = actor_for_request(request)
        year = params.year(request.query_params, default=dt.date.today().year)
        rows = selectors.plan_vs_actual(actor, year=year, under=params.under(actor, request.query_params))
        return Response(PlanRowSerializer(rows, many=True).data)

    @extend_schema(tags=["recruitment"], request=PlanWriteSerializer, responses={201: PlanWriteSerializer})
    def post(self, request):
        actor = actor_for_request(request)
        data = PlanWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.set_plan(actor=actor, org_id=data.validated_data["org"], year=data.validated_data["year"], planned=data.validated_data["planned"])
        return Response({"org": plan.org_id, "year": plan.year, "planned": plan.planned}, status=201)


# --- /api/v1/recruitment/… -----------------------------------------------------------------
router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("applicants", ApplicantViewSet, basename="recruitment-applicant")

urlpatterns = [
    path("due/", DueView.as_view(), name="recruitment-due"),
    path("stages/", StagesView.as_view(), name="recruitment-stages"),
    path("plan/", PlanView.as_view(), name="recruitment-plan"),
    path("notices/<int:notice_id>/objections/", NoticeObjectionView.as_view(), name="recruitment-objection"),
    path("objections/<int:objection_id>/resolve/", ObjectionResolveView.as_view(), name="recruitment-objection-resolve"),
    *router.urls,
]
