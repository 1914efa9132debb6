"""/api/v1/training/ — coverage, a person's status, courses and attendance import, enrolment, exams and scores,
and the online-study endpoint a learning platform posts its records to (credited idempotently)."""

from __future__ import annotations

import datetime as dt

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from orgwork.core import params
from orgwork.core.drf import page_schema, paginated
from orgwork.core.errors import NotFound
from orgwork.core.middleware import actor_for_request
from orgwork.core.scope import scope
from orgwork.members.models import Member

from . import imports, selectors, services
from .models import Course, CourseKind, Exam, ExamScore, TraineeRole

TAGS = ["training"]


class TrainingView(APIView):
    @property
    def actor(self):
        return actor_for_request(self.request)


def _problems(exc: imports.ImportRejected) -> Response:
    return Response(
        {"code": "import_rejected", "message": str(exc.errors[0].message), "errors": [e.as_dict() for e in exc.errors], **exc.result.as_dict()},
        status=400,
    )


class CoverageRowSerializer(serializers.Serializer):
    name = serializers.CharField()
    org_id = serializers.IntegerField()
    org_path = serializers.CharField()
    role = serializers.CharField()
    role_label = serializers.CharField()
    years = serializers.IntegerField()
    required = serializers.DecimalField(max_digits=8, decimal_places=1)
    done = serializers.DecimalField(max_digits=8, decimal_places=1)
    short = serializers.DecimalField(max_digits=8, decimal_places=1)


class CoverageView(TrainingView):
    """Everyone in the scope with a training requirement for the year: required, done and short hours (rules.md §7, §5)."""

    @extend_schema(tags=TAGS, parameters=[params.api_org(), params.api_year(), params.api_int("short", 0, 1, "只看未达标（1）")], responses=page_schema(CoverageRowSerializer, "TrainingCoveragePage"))
    def get(self, request):
        under = params.under(self.actor, request.query_params)
        year = params.year(request.query_params, default=dt.date.today().year)
        cov = selectors.coverage(self.actor, year=year, under=under)
        rows = cov.short_rows if params.flag(request.query_params, "short") else cov.rows
        return paginated(request, rows, CoverageRowSerializer, view=self)


class StatusView(TrainingView):
    """One person's requirement status for a year and whether a 较差 exam grade bars awards and promotion (rules.md §7)."""

    @extend_schema(tags=TAGS, parameters=[OpenApiParameter("id_number", str, required=True, description="公民身份号码"), params.api_year()], responses={200: dict})
    def get(self, request):
        number = services.normalized_id(params.text(request.query_params, "id_number", label=_("公民身份号码"), required=True, max_length=24))
        year = params.year(request.query_params, default=dt.date.today().year)
        actor = self.actor
        in_scope = selectors.trainees(actor).filter(id_number=number).exists() or scope(Member.objects.filter(id_number=number), actor).exists()
        if not in_scope:
            raise NotFound()
        status = selectors.requirement_status(number, year)
        return Response({**status.as_dict(), "id_number": None, "study_grade_poor": selectors.study_grade_poor(number, year)})


class CourseSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Course
        fields = ["id", "org", "title", "kind", "kind_label", "hours", "starts_on", "ends_on", "seats", "enrolled", "closed_on", "note"]
        read_only_fields = fields


class CourseInSerializer(serializers.Serializer):
    org = params.IdField()
    title = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=CourseKind.choices)
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0)
    starts_on = params.DateField()
    ends_on = params.DateField(required=False, allow_null=True)
    seats = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=100000)
    closed_on = params.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class CoursesView(TrainingView):
    @extend_schema(tags=TAGS, parameters=[params.api_year()], responses=page_schema(CourseSerializer, "TrainingCoursePage"))
    def get(self, request):
        qs = selectors.courses(self.actor)
        year = params.year(request.query_params)
        if year:
            qs = qs.filter(starts_on__year=year)
        return paginated(request, qs, CourseSerializer, view=self)

    @extend_schema(tags=TAGS, request=CourseInSerializer, responses={201: CourseSerializer})
    def post(self, request):
        data = CourseInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        return Response(CourseSerializer(services.create_course(actor=self.actor, org_id=d.pop("org"), **d)).data, status=201)


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()


IMPORT_RESULT = inline_serializer(
    "TrainingImportResult",
    {"ok": serializers.BooleanField(), "rows": serializers.IntegerField(), "written": serializers.IntegerField(), "unchanged": serializers.IntegerField(), "problems": serializers.ListField(child=serializers.DictField())},
)


class AttendanceView(TrainingView):
    """Attendance of a class from an Excel file (姓名、公民身份号码、学时、日期); all or nothing, problems per row."""

    parser_classes = [MultiPartParser]

    @extend_schema(tags=TAGS, request={"multipart/form-data": UploadSerializer}, responses={200: IMPORT_RESULT, 400: IMPORT_RESULT})
    def post(self, request, pk):
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = imports.import_attendance(actor=self.actor, course_id=pk, source=data.validated_data["file"])
        except imports.ImportRejected as exc:
            return _problems(exc)
        return Response(result.as_dict())


class EnrolInSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=24)
    name = serializers.CharField(max_length=60)


class EnrolView(TrainingView):
    """自主选学: take a seat; a full course is 400 `course_full`."""

    @extend_schema(tags=TAGS, request=EnrolInSerializer, responses={201: dict})
    def post(self, request, pk):
        data = EnrolInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        course = selectors.get_course(self.actor, pk)
        e = services.enrol(actor=self.actor, course_id=course.pk, org_id=course.org_id, **data.validated_data)
        course.refresh_from_db()
        return Response({"enrolment": e.pk, "course": course.pk, "enrolled": course.enrolled, "seats": course.seats}, status=201)


class ExamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Exam
        fields = ["id", "org", "title", "year", "held_on", "full_marks", "rule_version"]
        read_only_fields = fields


class ExamInSerializer(serializers.Serializer):
    org = params.IdField()
    title = serializers.CharField(max_length=120)
    year = params.YearField()
    held_on = params.DateField()
    full_marks = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=1, required=False, default=100)


class ExamsView(TrainingView):
    @extend_schema(tags=TAGS, parameters=[params.api_year()], responses=page_schema(ExamSerializer, "TrainingExamPage"))
    def get(self, request):
        qs = selectors.exams(self.actor)
        year = params.year(request.query_params)
        if year:
            qs = qs.filter(year=year)
        return paginated(request, qs, ExamSerializer, view=self)

    @extend_schema(tags=TAGS, request=ExamInSerializer, responses={201: ExamSerializer})
    def post(self, request):
        data = ExamInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        return Response(ExamSerializer(services.create_exam(actor=self.actor, org_id=d.pop("org"), **d)).data, status=201)


class ScoreSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="trainee.name")
    grade_label = serializers.CharField(source="get_grade_display")

    class Meta:
        model = ExamScore
        fields = ["id", "name", "score", "grade", "grade_label", "rule_version"]
        read_only_fields = fields


class ScoreInSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=24)
    name = serializers.CharField(max_length=60)
    score = serializers.DecimalField(max_digits=5, decimal_places=1)


class ScoresView(TrainingView):
    @extend_schema(tags=TAGS, responses=page_schema(ScoreSerializer, "TrainingScorePage"))
    def get(self, request, pk):
        return paginated(request, selectors.exam_scores(self.actor, selectors.get_exam(self.actor, pk)), ScoreSerializer, view=self)

    @extend_schema(tags=TAGS, request=ScoreInSerializer, responses={201: ScoreSerializer})
    def post(self, request, pk):
        data = ScoreInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(ScoreSerializer(services.record_score(actor=self.actor, exam_id=pk, **data.validated_data)).data, status=201)


class ScoreImportView(TrainingView):
    parser_classes = [MultiPartParser]

    @extend_schema(tags=TAGS, request={"multipart/form-data": UploadSerializer}, responses={200: IMPORT_RESULT, 400: IMPORT_RESULT})
    def post(self, request, pk):
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = imports.import_scores(actor=self.actor, exam_id=pk, source=data.validated_data["file"])
        except imports.ImportRejected as exc:
            return _problems(exc)
        return Response(result.as_dict())


class OnlineRecordSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=24)
    name = serializers.CharField(max_length=60)
    hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    on = params.DateField()
    ref = serializers.CharField(max_length=80)


class OnlineInSerializer(serializers.Serializer):
    platform = serializers.CharField(max_length=30)
    org = params.IdField(required=False, allow_null=True, help_text="非党员学员所在党组织（党员按本人所在党组织）")
    records = OnlineRecordSerializer(many=True, max_length=5000)


class OnlineRecordsView(TrainingView):
    """Online study credited automatically: a platform posts its records; (platform, ref) makes a repeat a no-op."""

    @extend_schema(tags=TAGS, request=OnlineInSerializer, responses={200: IMPORT_RESULT, 400: IMPORT_RESULT})
    def post(self, request):
        data = OnlineInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        try:
            result = imports.import_online(actor=self.actor, platform=d["platform"], records=[dict(r) for r in d["records"]], org_id=d.get("org"))
        except imports.ImportRejected as exc:
            return _problems(exc)
        return Response(result.as_dict())


class PersonInSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=24)
    name = serializers.CharField(max_length=60)
    org = params.IdField(required=False, allow_null=True)
    role = serializers.ChoiceField(choices=TraineeRole.choices)
    post = serializers.CharField(max_length=100, required=False, allow_blank=True)


class PeopleView(TrainingView):
    """Register a person in training (a cadre who is not a member needs the org responsible for them)."""

    @extend_schema(tags=TAGS, request=PersonInSerializer, responses={201: dict})
    def post(self, request):
        data = PersonInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        t = services.register_person(actor=self.actor, org_id=d.pop("org", None), **d)
        return Response({"id": t.pk, "name": t.name, "org": t.org_id, "role": t.role, "member": t.member_id}, status=201)


urlpatterns = [
    path("coverage/", CoverageView.as_view(), name="api-training-coverage"),
    path("status/", StatusView.as_view(), name="api-training-status"),
    path("people/", PeopleView.as_view(), name="api-training-people"),
    path("courses/", CoursesView.as_view(), name="api-training-courses"),
    path("courses/<int:pk>/attendance/", AttendanceView.as_view(), name="api-training-attendance"),
    path("courses/<int:pk>/enrol/", EnrolView.as_view(), name="api-training-enrol"),
    path("exams/", ExamsView.as_view(), name="api-training-exams"),
    path("exams/<int:pk>/scores/", ScoresView.as_view(), name="api-training-scores"),
    path("exams/<int:pk>/scores/import/", ScoreImportView.as_view(), name="api-training-score-import"),
    path("online-records/", OnlineRecordsView.as_view(), name="api-training-online"),
]
