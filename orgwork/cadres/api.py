"""/api/v1/cadres/ — the cadre registry, résumés, quota warnings, selections (with their record) and their steps.

Personal matters reports are not served here: they are read one at a time on the console by designated staff.
"""

from __future__ import annotations

import datetime as dt

from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers
from rest_framework.decorators import action, api_view
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from orgwork.core.api import ScopedViewSet
from orgwork.core.errors import NotFound
from orgwork.core.middleware import actor_for_request

from . import selectors, services
from .models import Cadre, CadreStatus, Competition, Selection


def _restricted(actor):
    if not selectors.may_read(actor):
        raise NotFound()


class CadreSerializer(serializers.ModelSerializer):
    gender_label = serializers.CharField(source="get_gender_display", read_only=True)
    rank_label = serializers.CharField(source="get_rank_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    is_member = serializers.SerializerMethodField()

    class Meta:
        model = Cadre
        fields = ["id", "name", "gender", "gender_label", "birth_date", "ethnicity", "native_place", "education", "degree", "work_started_on", "joined_party_on",
                  "rank", "rank_label", "rank_since", "status", "status_label", "org", "org_name", "is_member"]
        read_only_fields = fields

    def get_is_member(self, obj) -> bool:
        return obj.member_id is not None


class ResumeLineSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True)
    text = serializers.CharField()


class CadreDetailSerializer(CadreSerializer):
    resume = serializers.SerializerMethodField()

    class Meta(CadreSerializer.Meta):
        fields = [*CadreSerializer.Meta.fields, "resume"]
        read_only_fields = fields

    @extend_schema_field(ResumeLineSerializer(many=True))
    def get_resume(self, obj):
        return [{"start": r["start"], "end": r["end"], "text": r["text"]} for r in selectors.resume(obj)]


@extend_schema(tags=["cadres"])
class CadreViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = CadreSerializer

    def get_serializer_class(self):
        return CadreDetailSerializer if self.action == "retrieve" else CadreSerializer

    def get_queryset(self):
        _restricted(self.actor)
        q = (self.request.query_params.get("q") or "")[:60]
        status = self.request.query_params.get("status") or ""
        return selectors.cadres(self.actor, q=q, status=status if status in CadreStatus.values else "")

    @extend_schema(parameters=[OpenApiParameter("q", str, description="姓名或身份证号码末位"), OpenApiParameter("status", str, enum=CadreStatus.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class SelectionSerializer(serializers.ModelSerializer):
    post_name = serializers.CharField(source="post.__str__", read_only=True)
    title = serializers.CharField(source="instance.title", read_only=True)
    status = serializers.CharField(source="instance.status", read_only=True)
    status_label = serializers.CharField(source="instance.get_status_display", read_only=True)
    step = serializers.CharField(source="instance.step", read_only=True)
    due_on = serializers.DateField(source="instance.due_on", read_only=True)
    appointee_name = serializers.SerializerMethodField()
    open_flags = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Selection
        fields = ["id", "title", "post", "post_name", "seats", "contested", "competitive", "status", "status_label", "step", "due_on", "appointee_name", "open_flags"]
        read_only_fields = fields

    def get_appointee_name(self, obj) -> str:
        return obj.appointee.name if obj.appointee_id else ""


class StepSerializer(serializers.Serializer):
    step = serializers.CharField(max_length=60)
    done_on = serializers.DateField()
    data = serializers.DictField(required=False)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    documents = serializers.DictField(child=serializers.CharField(max_length=200), required=False)


class FlagSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=500)


@extend_schema(tags=["cadres"])
class SelectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = SelectionSerializer

    def get_queryset(self):
        _restricted(self.actor)
        flight = self.request.query_params.get("in_flight")
        return selectors.selections(self.actor, in_flight=True if flight in ("1", "true") else None)

    @extend_schema(parameters=[OpenApiParameter("in_flight", bool, description="只看办理中的")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=StepSerializer, responses={200: inline_serializer("CadreStepDone", {"seq": serializers.IntegerField(), "step": serializers.CharField()})})
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        """Complete the current step; a rule broken answers 400 with its code (e.g. quorum_not_met)."""
        sel = self.get_object()
        ser = StepSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        r = services.complete_step(actor=self.actor, selection_id=sel.pk, step=d["step"], done_on=d["done_on"], data=d.get("data") or {}, comment=d.get("comment", ""), documents=d.get("documents"))
        return Response({"seq": r.seq, "step": r.step})

    @extend_schema(request=FlagSerializer, responses={201: inline_serializer("CadreFlag", {"id": serializers.IntegerField(), "text": serializers.CharField()})})
    @action(detail=True, methods=["post"])
    def flags(self, request, pk=None):
        sel = self.get_object()
        ser = FlagSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        f = services.flag_selection(actor=self.actor, selection_id=sel.pk, text=ser.validated_data["text"])
        return Response({"id": f.pk, "text": f.text}, status=201)


QuotaRow = inline_serializer(
    "CadreQuotaRow",
    {"unit": serializers.CharField(), "org": serializers.CharField(), "kind": serializers.CharField(), "seats": serializers.IntegerField(), "held": serializers.IntegerField(), "state": serializers.CharField()},
    many=True,
)


@extend_schema(tags=["cadres"], responses={200: QuotaRow})
@api_view(["GET"])
def quotas(request):
    """职数: seats against holders per unit; state ok / vacant / over."""
    actor = actor_for_request(request)
    _restricted(actor)
    return Response([{"unit": r["unit"].name, "org": r["unit"].org.name, "kind": r["kind"], "seats": r["seats"], "held": r["held"], "state": r["state"]} for r in selectors.quota_status(actor)])


@extend_schema(tags=["cadres"], parameters=[OpenApiParameter("on", dt.date)], responses={200: inline_serializer("CadreWarning", {"kind": serializers.CharField(), "cadre": serializers.CharField(), "unit": serializers.CharField(), "text": serializers.CharField()}, many=True)})
@api_view(["GET"])
def warnings(request):
    """Registry checks: kinship avoidance, rotation after 10 years, retirement, head vs secretary."""
    actor = actor_for_request(request)
    _restricted(actor)
    return Response([{"kind": w["kind"], "cadre": w["cadre"].name, "unit": w["unit"].name, "text": w["text"]} for w in selectors.registry_warnings(actor)])


# --- competitive selection ---------------------------------------------------------------------------------------


class ApplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cadre = serializers.IntegerField(source="cadre_id")
    cadre_name = serializers.CharField(source="cadre.name")
    applied_on = serializers.DateField()
    channel = serializers.CharField()
    exam_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    interview_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    absent = serializers.BooleanField()
    total = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    vetted = serializers.BooleanField()
    chosen = serializers.BooleanField()


class CompetitionSerializer(serializers.ModelSerializer):
    post_name = serializers.CharField(source="post.__str__", read_only=True)
    title = serializers.CharField(source="instance.title", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status = serializers.CharField(source="instance.status", read_only=True)
    step = serializers.CharField(source="instance.step", read_only=True)
    applicants = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Competition
        fields = ["id", "title", "post", "post_name", "kind", "kind_label", "seats", "apply_from", "apply_until", "max_age", "min_education", "exam_weight", "interview_weight",
                  "rule_version", "status", "step", "applicants"]
        read_only_fields = fields


class CompetitionDetailSerializer(CompetitionSerializer):
    applications = serializers.SerializerMethodField()

    class Meta(CompetitionSerializer.Meta):
        fields = [*CompetitionSerializer.Meta.fields, "applications"]
        read_only_fields = fields

    @extend_schema_field(ApplicationSerializer(many=True))
    def get_applications(self, obj):
        return ApplicationSerializer(selectors.applications(obj), many=True).data


class CompetitionStartSerializer(serializers.Serializer):
    post = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=["internal", "open"], default="internal")
    seats = serializers.IntegerField(min_value=1, max_value=20, default=1)
    on = serializers.DateField()
    apply_from = serializers.DateField()
    apply_until = serializers.DateField()
    max_age = serializers.IntegerField(min_value=18, max_value=70, required=False, allow_null=True)
    min_education = serializers.ChoiceField(choices=["", "secondary", "college", "bachelor", "master", "doctor"], required=False, default="")
    exam_weight = serializers.CharField(max_length=10, required=False, default="")
    interview_weight = serializers.CharField(max_length=10, required=False, default="")


class ApplySerializer(serializers.Serializer):
    cadre = serializers.IntegerField(min_value=1)
    applied_on = serializers.DateField()
    statement = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ScoreRowSerializer(serializers.Serializer):
    application = serializers.IntegerField(min_value=1)
    score = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    absent = serializers.BooleanField(required=False, default=False)


class ScoresSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["exam", "interview"])
    scores = ScoreRowSerializer(many=True, max_length=2000)


@extend_schema(tags=["cadres"])
class CompetitionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """竞争上岗 / 公开选拔: eligibility refusals answer 400 with codes such as not_eligible_rank, not_eligible_years,
    not_eligible_education, not_eligible_age, not_eligible_work_years, applications_closed."""

    serializer_class = CompetitionSerializer

    def get_serializer_class(self):
        return CompetitionDetailSerializer if self.action == "retrieve" else CompetitionSerializer

    def get_queryset(self):
        _restricted(self.actor)
        return selectors.competitions(self.actor)

    @extend_schema(request=CompetitionStartSerializer, responses={201: CompetitionSerializer})
    def create(self, request):
        _restricted(self.actor)
        ser = CompetitionStartSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        comp = services.start_competition(actor=self.actor, post_id=d.pop("post"), **d)
        return Response(CompetitionSerializer(selectors.competitions(self.actor).get(pk=comp.pk)).data, status=201)

    @extend_schema(request=ApplySerializer, responses={201: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def applications(self, request, pk=None):
        """Staff enter an application; refused with the eligibility condition's code."""
        comp = self.get_object()
        ser = ApplySerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        app = services.apply_for_competition(actor=self.actor, competition_id=comp.pk, cadre_id=d["cadre"], on=d["applied_on"], statement=d["statement"])
        return Response(ApplicationSerializer(app).data, status=201)

    @extend_schema(request=ScoresSerializer, responses={200: inline_serializer("CadreScoresSaved", {"saved": serializers.IntegerField()})})
    @action(detail=True, methods=["post"])
    def scores(self, request, pk=None):
        comp = self.get_object()
        ser = ScoresSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        rows = ser.validated_data["scores"]
        n = services.record_scores(
            actor=self.actor, competition_id=comp.pk, kind=ser.validated_data["kind"],
            scores={r["application"]: r["score"] for r in rows if r.get("score") is not None}, absent=[r["application"] for r in rows if r.get("absent")],
        )
        return Response({"saved": n})

    @extend_schema(request=StepSerializer, responses={200: inline_serializer("CadreCompetitionStepDone", {"seq": serializers.IntegerField(), "step": serializers.CharField()})})
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        """Complete the current step (announce, qualification, exam, interview, vetting, decision, publicity, appointment)."""
        comp = self.get_object()
        ser = StepSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        r = services.complete_competition_step(actor=self.actor, competition_id=comp.pk, step=d["step"], done_on=d["done_on"], data=d.get("data") or {}, comment=d.get("comment", ""), documents=d.get("documents"))
        return Response({"seq": r.seq, "step": r.step})


# --- daily oversight -----------------------------------------------------------------------------------------------

SideJobRow = inline_serializer(
    "CadreSideJob",
    {
        "id": serializers.IntegerField(), "cadre": serializers.IntegerField(), "cadre_name": serializers.CharField(), "organization": serializers.CharField(),
        "kind": serializers.CharField(), "role": serializers.CharField(), "started_on": serializers.DateField(), "paid": serializers.BooleanField(),
        "approval": serializers.CharField(), "flags": serializers.ListField(child=serializers.DictField()),
    },
)


class SideJobInSerializer(serializers.Serializer):
    cadre = serializers.IntegerField(min_value=1)
    organization = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=["enterprise", "association", "foundation", "other"])
    role = serializers.CharField(max_length=80)
    leadership = serializers.BooleanField(default=False)
    started_on = serializers.DateField()
    paid = serializers.BooleanField(default=False)
    approval = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


def _bounded(pk) -> int:
    from orgwork.core.params import ID_MAX

    if not 1 <= int(pk) <= ID_MAX:
        raise NotFound()
    return int(pk)


def _side_job_row(r):
    j = r["job"]
    return {"id": j.pk, "cadre": j.cadre_id, "cadre_name": j.cadre.name, "organization": j.organization, "kind": j.kind, "role": j.role, "started_on": j.started_on,
            "paid": j.paid, "approval": j.approval, "flags": [{"code": c, "basis": b} for c, b in r["flags"]]}


@extend_schema(tags=["cadres"], methods=["GET"], responses={200: SideJobRow.__class__(many=True)})
@extend_schema(tags=["cadres"], methods=["POST"], request=SideJobInSerializer, responses={201: SideJobRow})
@api_view(["GET", "POST"])
def side_jobs(request):
    """Side jobs (兼职) with the rules each breaks (codes enterprise_not_allowed, association_not_approved, paid_not_allowed …)."""
    actor = actor_for_request(request)
    _restricted(actor)
    if request.method == "POST":
        ser = SideJobInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        job = services.register_side_job(actor=actor, cadre_id=d.pop("cadre"), **d)
        row = next(r for r in selectors.side_jobs(actor) if r["job"].pk == job.pk)
        return Response(_side_job_row(row), status=201)
    return Response([_side_job_row(r) for r in selectors.side_jobs(actor)])


MomentRow = inline_serializer(
    "CadreKeyMoment",
    {"id": serializers.IntegerField(), "kind": serializers.CharField(), "kind_label": serializers.CharField(), "on": serializers.DateField(), "title": serializers.CharField(),
     "cadre_name": serializers.CharField(), "handover_on": serializers.DateField(allow_null=True), "audit_required": serializers.BooleanField(), "audit_reference": serializers.CharField()},
    many=True,
)


@extend_schema(tags=["cadres"], responses={200: MomentRow})
@api_view(["GET"])
def moments(request):
    """Open key moments: newly promoted (廉政谈话 due), leaving office (handover, leaving-office audit), holidays."""
    actor = actor_for_request(request)
    _restricted(actor)
    return Response([
        {"id": m.pk, "kind": m.kind, "kind_label": m.get_kind_display(), "on": m.on, "title": m.title, "cadre_name": m.cadre.name if m.cadre else "", "handover_on": m.handover_on,
         "audit_required": m.audit_required, "audit_reference": m.audit_reference}
        for m in selectors.moments(actor)
    ])


class FindingInSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)
    owner_name = serializers.CharField(max_length=60)
    deadline = serializers.DateField()


InspectionRow = inline_serializer(
    "CadreInspection",
    {"id": serializers.IntegerField(), "title": serializers.CharField(), "org": serializers.CharField(), "unit": serializers.CharField(), "start_on": serializers.DateField(),
     "findings": serializers.ListField(child=serializers.DictField())},
    many=True,
)


@extend_schema(tags=["cadres"], responses={200: InspectionRow})
@api_view(["GET"])
def inspections(request):
    """Inspection tours (巡查) and their findings, with the rectification ledger's status once sent."""
    actor = actor_for_request(request)
    _restricted(actor)
    return Response([
        {"id": r["inspection"].pk, "title": r["inspection"].title, "org": r["inspection"].org.name, "unit": r["inspection"].unit.name if r["inspection"].unit else "",
         "start_on": r["inspection"].start_on,
         "findings": [{"id": f["finding"].pk, "text": f["finding"].text, "owner_name": f["finding"].owner_name, "deadline": f["finding"].deadline, "issue": f["finding"].issue_id,
                       "issue_status": f["issue_status"]} for f in r["findings"]]}
        for r in selectors.inspections(actor)
    ])


@extend_schema(tags=["cadres"], request=FindingInSerializer, responses={201: inline_serializer("CadreFinding", {"id": serializers.IntegerField()})})
@api_view(["POST"])
def inspection_findings(request, pk: int):
    actor = actor_for_request(request)
    _restricted(actor)
    ser = FindingInSerializer(data=request.data)
    ser.is_valid(raise_exception=True)
    f = services.add_finding(actor=actor, inspection_id=_bounded(pk), **ser.validated_data)
    return Response({"id": f.pk}, status=201)


@extend_schema(tags=["cadres"], request=None, responses={200: inline_serializer("CadreFindingsSent", {"issues": serializers.ListField(child=serializers.IntegerField())})})
@api_view(["POST"])
def inspection_send(request, pk: int):
    """Sends the findings not yet sent to the rectification ledger (worklists 整改台账)."""
    actor = actor_for_request(request)
    _restricted(actor)
    sent = services.send_findings(actor=actor, inspection_id=_bounded(pk), on=dt.date.today())
    return Response({"issues": [f.issue_id for f in sent]})


class TalkInSerializer(serializers.Serializer):
    cadre = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=["heart", "integrity", "reminder", "inquiry", "admonition"])
    on = serializers.DateField()
    talker = serializers.CharField(max_length=100)
    occasion = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    record = serializers.CharField(max_length=4000)


TalkRow = inline_serializer(
    "CadreTalk",
    {"id": serializers.IntegerField(), "cadre": serializers.IntegerField(), "cadre_name": serializers.CharField(), "kind": serializers.CharField(), "kind_label": serializers.CharField(),
     "on": serializers.DateField(), "talker": serializers.CharField(), "reply_due": serializers.DateField(allow_null=True), "replied_on": serializers.DateField(allow_null=True)},
)


def _talk_row(t):
    return {"id": t.pk, "cadre": t.cadre_id, "cadre_name": t.cadre.name, "kind": t.kind, "kind_label": t.get_kind_display(), "on": t.on, "talker": t.talker,
            "reply_due": t.reply_due, "replied_on": t.replied_on}


@extend_schema(tags=["cadres"], methods=["GET"], responses={200: TalkRow.__class__(many=True)})
@extend_schema(tags=["cadres"], methods=["POST"], request=TalkInSerializer, responses={201: TalkRow})
@api_view(["GET", "POST"])
def talks(request):
    """Talk records — designated readers only (404 for anyone else); the list never carries the content."""
    actor = actor_for_request(request)
    if request.method == "POST":
        ser = TalkInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        t = services.record_talk(actor=actor, cadre_id=d.pop("cadre"), **d)
        return Response(_talk_row(t), status=201)
    return Response([_talk_row(t) for t in selectors.talks(actor)])


@extend_schema(tags=["cadres"], responses={200: inline_serializer("CadreTalkRecord", {"talk": TalkRow, "record": serializers.CharField(), "reply": serializers.CharField()})})
@api_view(["GET"])
def talk_detail(request, pk: int):
    """One talk decrypted for a designated reader; the read is an audit event."""
    actor = actor_for_request(request)
    out = services.read_talk(actor=actor, talk_id=_bounded(pk))
    return Response({"talk": _talk_row(out["talk"]), "record": out.get("record", ""), "reply": out.get("reply", "")})


router = SimpleRouter(trailing_slash=True)
router.register("competitions", CompetitionViewSet, basename="cadre-competition")
router.register("cadres", CadreViewSet, basename="cadre")
router.register("selections", SelectionViewSet, basename="cadre-selection")

urlpatterns = [
    path("quotas/", quotas, name="cadres-quotas"),
    path("warnings/", warnings, name="cadres-warnings"),
    path("side-jobs/", side_jobs, name="cadres-side-jobs"),
    path("moments/", moments, name="cadres-moments"),
    path("inspections/", inspections, name="cadres-inspections"),
    path("inspections/<int:pk>/findings/", inspection_findings, name="cadres-inspection-findings"),
    path("inspections/<int:pk>/send/", inspection_send, name="cadres-inspection-send"),
    path("talks/", talks, name="cadres-talks"),
    path("talks/<int:pk>/", talk_detail, name="cadres-talk"),
    path("", include(router.urls)),
]
