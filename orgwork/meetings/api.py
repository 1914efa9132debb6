"""/api/v1/meetings/ — thin: parse, call a selector or a service, render."""

from __future__ import annotations

import datetime as dt

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action, api_view
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from orgwork.core.api import ScopedViewSet
from orgwork.core.middleware import actor_for_request
from orgwork.orgs import selectors as org_selectors

from . import appraisal, selectors, services
from .models import AppraisalEntry, Attendance, Meeting, MeetingKind


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
    org = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    topic = serializers.CharField(max_length=200)
    planned_on = serializers.DateField()
    place = serializers.CharField(required=False, allow_blank=True)
    host = serializers.CharField(required=False, allow_blank=True)
    recorder = serializers.CharField(required=False, allow_blank=True)
    custom_kind = serializers.CharField(required=False, allow_blank=True)
    speaker = serializers.IntegerField(required=False, allow_null=True)
    attendees = serializers.ListField(child=serializers.IntegerField(), required=False)


class RecordSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    present = serializers.ListField(child=serializers.IntegerField(), required=False)
    absent = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, help_text="{member_id: 缺席原因}")
    minutes = serializers.CharField(required=False, allow_blank=True)
    resolutions = serializers.CharField(required=False, allow_blank=True)
    checklist = serializers.DictField(child=serializers.BooleanField(), required=False, help_text="主题党日：study/dues/spirit")


class SignInSerializer(serializers.Serializer):
    code = serializers.CharField(required=False, allow_blank=True)
    token = serializers.CharField(required=False, allow_blank=True)


@extend_schema(tags=["meetings"])
class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = MeetingSerializer

    def get_queryset(self):
        p = self.request.query_params
        under = org_selectors.get_org(self.actor, p["org"]) if p.get("org", "").isdigit() else None
        return selectors.search_meetings(self.actor, under=under, kind=p.get("kind", ""), status=p.get("status", ""), year=_int(p.get("year")), month=_int(p.get("month")))

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
            actor=self.actor, meeting_id=m.pk, held_on=v["held_on"], present_ids=v.get("present"), absent={int(k): r for k, r in (v.get("absent") or {}).items()},
            minutes=v.get("minutes", ""), resolutions=v.get("resolutions", ""),
        )
        return Response(MeetingSerializer(m).data)

    @extend_schema(responses=AttendanceSerializer(many=True))
    @action(detail=True, methods=["get"])
    def attendance(self, request, pk=None):
        return Response(AttendanceSerializer(selectors.attendance(self.get_object()), many=True).data)


def _int(value):
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


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
    parameters=[OpenApiParameter("year", int), OpenApiParameter("month", int), OpenApiParameter("quarter", int), OpenApiParameter("org", int)],
    responses={200: dict},
)
@api_view(["GET"])
def compliance_view(request):
    """Compliance per org: ?year=&month= (monthly check) or ?year=&quarter= (quarterly report)."""
    actor = actor_for_request(request)
    p = request.query_params
    under = org_selectors.get_org(actor, p["org"]) if p.get("org", "").isdigit() else None
    today = dt.date.today()
    year = _int(p.get("year")) or today.year
    if p.get("quarter"):
        results = selectors.quarterly_report(actor, year=year, quarter=min(max(_int(p["quarter"]) or 1, 1), 4), under=under)
    else:
        results = selectors.monthly_check(actor, year=year, month=min(max(_int(p.get("month")) or today.month, 1), 12), under=under)
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
    """A member's appraisal grades over the years (their file)."""
    return Response(AppraisalEntrySerializer(selectors.member_appraisals(actor_for_request(request), member_id), many=True).data)


router = SimpleRouter(trailing_slash=True)
router.register("", MeetingViewSet, basename="meeting")

urlpatterns = [
    path("sign-in/", sign_in, name="meetings-sign-in"),
    path("compliance/", compliance_view, name="meetings-compliance"),
    path("appraisals/member/<int:member_id>/", member_appraisals, name="meetings-member-appraisals"),
    *router.urls,
]

__all__ = ["appraisal", "urlpatterns"]
