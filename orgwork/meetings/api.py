"""/api/v1/meetings/ — thin: parse, call a selector or a service, render."""

from __future__ import annotations

import datetime as dt

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action, api_view
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from orgwork.core import params
from orgwork.core.api import ScopedViewSet
from orgwork.core.middleware import actor_for_request
from orgwork.members import selectors as member_selectors

from . import appraisal, selectors, services
from .models import AppraisalEntry, Attendance, Meeting, MeetingKind, MeetingStatus

_ID = {"min_value": 1, "max_value": params.ID_MAX}


class AttendanceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Attendance
        fields = ["member", "name", "expected", "status", "absent_reason", "signed_in_at", "via"]


class MeetingSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    kind_label = serializers.CharField(read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id", "org", "org_name", "kind", "kind_label", "custom_kind", "topic", "status", "planned_on", "held_on", "place", "host",
            "recorder", "speaker", "speaker_name", "speaker_is_secretary", "minutes", "resolutions", "checklist", "rules_version",
        ]
        read_only_fields = fields


class PlanSerializer(serializers.Serializer):
    org = serializers.IntegerField(**_ID)
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    topic = serializers.CharField(max_length=200)
    planned_on = params.DateField()
    place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    host = serializers.CharField(required=False, allow_blank=True, max_length=50)
    recorder = serializers.CharField(required=False, allow_blank=True, max_length=50)
    custom_kind = serializers.CharField(required=False, allow_blank=True, max_length=50)
    speaker = serializers.IntegerField(required=False, allow_null=True, **_ID)
    attendees = serializers.ListField(child=serializers.IntegerField(**_ID), required=False, max_length=5000)


class RecordSerializer(serializers.Serializer):
    held_on = params.DateField()
    present = serializers.ListField(child=serializers.IntegerField(**_ID), required=False, max_length=5000)
    absent = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=500), required=False, help_text="{member_id: 缺席原因}，键为党员 id")
    minutes = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    resolutions = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    checklist = serializers.DictField(child=serializers.BooleanField(), required=False, help_text="主题党日：study/dues/spirit")

    def validate_absent(self, value):
        """Keys are member ids: positive integers the database can hold (a JSON object's keys are strings)."""
        if len(value) > 5000:
            raise serializers.ValidationError(_("缺席人员最多 5000 人"), code="max_length")
        out = {}
        for key, reason in value.items():
            try:
                out[params.to_id(key, field="absent", label=_("缺席人员"))] = reason
            except params.ParamError as exc:
                raise serializers.ValidationError(exc.message, code=exc.code) from None
        return out


class SignInSerializer(serializers.Serializer):
    code = serializers.CharField(required=False, allow_blank=True, max_length=20)
    token = serializers.CharField(required=False, allow_blank=True, max_length=100)


@extend_schema(tags=["meetings"])
class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = MeetingSerializer

    def get_queryset(self):
        p = self.request.query_params
        return selectors.search_meetings(
            self.actor, under=params.under(self.actor, p), kind=params.choice(p, "kind", label=_("会议类型"), choices=MeetingKind.choices),
            status=params.choice(p, "status", label=_("状态"), choices=MeetingStatus.choices), year=params.year(p), month=params.month(p),
        )

    @extend_schema(request=PlanSerializer, responses={201: MeetingSerializer})
    def create(self, request):
        d = PlanSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        v = d.validated_data
        m = services.plan_meeting(
            actor=self.actor, org_id=v["org"], kind=v["kind"], topic=v["topic"], planned_on=v["planned_on"], place=v.get("place", ""),
            host=v.get("host", ""), recorder=v.get("recorder", ""), custom_kind=v.get("custom_kind", ""), speaker_id=v.get("speaker"),
            attendee_ids=v.get("attendees"),
        )
        return Response(MeetingSerializer(m).data, status=201)

    @extend_schema(request=RecordSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        m = self.get_object()
        d = RecordSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        v = d.validated_data
        if v.get("checklist"):
            services.set_checklist(actor=self.actor, meeting_id=m.pk, parts=v["checklist"])
        m = services.record_meeting(
            actor=self.actor, meeting_id=m.pk, held_on=v["held_on"], present_ids=v.get("present"), absent=v.get("absent") or {},
            minutes=v.get("minutes", ""), resolutions=v.get("resolutions", ""),
        )
        return Response(MeetingSerializer(m).data)

    @extend_schema(responses=AttendanceSerializer(many=True))
    @action(detail=True, methods=["get"])
    def attendance(self, request, pk=None):
        return Response(AttendanceSerializer(selectors.attendance(self.get_object()), many=True).data)


@extend_schema(tags=["meetings"], request=SignInSerializer, responses=AttendanceSerializer)
@api_view(["POST"])
def sign_in(request):
    d = SignInSerializer(data=request.data)
    d.is_valid(raise_exception=True)
    att = services.sign_in(actor=actor_for_request(request), code=d.validated_data.get("code", ""), token=d.validated_data.get("token", ""))
    return Response(AttendanceSerializer(att).data)


def _results_json(results):
    return [
        {
            "org": r.org_id, "name": r.name, "kind": r.kind, "state": r.state,
            "items": [{"code": i.code, "label": i.label, "period": i.period.key, "required": i.required, "held": i.held, "state": i.state, "citation": i.citation} for i in r.items],
        }
        for r in results
    ]


@extend_schema(
    tags=["meetings"],
    parameters=[params.api_year(), params.api_month(), params.api_int("quarter", 1, 4, "季度"), params.api_org()],
    responses={200: dict},
)
@api_view(["GET"])
def compliance_view(request):
    """Compliance per org: ?year=&month= (monthly check) or ?year=&quarter= (quarterly report)."""
    actor = actor_for_request(request)
    p = request.query_params
    under = params.under(actor, p)
    today = dt.date.today()
    year = params.year(p, default=today.year)
    quarter = params.quarter(p)
    if quarter:
        results = selectors.quarterly_report(actor, year=year, quarter=quarter, under=under)
    else:
        results = selectors.monthly_check(actor, year=year, month=params.month(p, default=today.month), under=under)
    return Response({"results": _results_json(results)})


class AppraisalEntrySerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="round.year", read_only=True)
    org = serializers.IntegerField(source="round.org_id", read_only=True)

    class Meta:
        model = AppraisalEntry
        fields = ["year", "org", "member", "self_grade", "suggested_grade", "grade", "grade_reason", "handling", "handling_ref"]


@extend_schema(tags=["meetings"], responses=AppraisalEntrySerializer(many=True))
@api_view(["GET"])
def member_appraisals(request, member_id):
    """A member's appraisal grades over the years (their file); 404 for a member outside the actor's scope."""
    actor = actor_for_request(request)
    member = member_selectors.get_member(actor, member_id)
    return Response(AppraisalEntrySerializer(selectors.member_appraisals(actor, member.pk), many=True).data)


router = SimpleRouter(trailing_slash=True)
router.register("", MeetingViewSet, basename="meeting")

urlpatterns = [
    path("sign-in/", sign_in, name="meetings-sign-in"),
    path("compliance/", compliance_view, name="meetings-compliance"),
    path("appraisals/member/<int:member_id>/", member_appraisals, name="meetings-member-appraisals"),
    *router.urls,
]

__all__ = ["appraisal", "urlpatterns"]
