"""/api/v1/education/ — sites and venues, the course catalogue, study sessions (crediting hours), monthly activity."""

from __future__ import annotations

import datetime as dt

from django.urls import include, path
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from orgwork.core import params
from orgwork.core.api import ScopedViewSet
from orgwork.core.middleware import actor_for_request

from . import selectors, services
from .models import Course, StudySession, Venue


class VenueSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = Venue
        fields = ["id", "org", "org_name", "kind", "name", "address", "area", "equipment", "admin_name", "opened_on", "closed_on"]
        read_only_fields = fields


@extend_schema(tags=["education"])
class VenueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = VenueSerializer

    def get_queryset(self):
        return selectors.venues(self.actor, open_only=False)


class CourseSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = Course
        fields = ["id", "org", "org_name", "title", "kind", "topic", "hours", "file_name", "size", "description", "withdrawn_on"]
        read_only_fields = fields


@extend_schema(tags=["education"])
class CourseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = CourseSerializer

    def get_queryset(self):
        return selectors.courses(self.actor)


class SessionSerializer(serializers.ModelSerializer):
    venue_name = serializers.CharField(source="venue.name", read_only=True)
    attendees = serializers.IntegerField(read_only=True)

    class Meta:
        model = StudySession
        fields = ["id", "venue", "venue_name", "course", "title", "held_on", "hours", "host", "attendees"]
        read_only_fields = fields


class SessionWrite(serializers.Serializer):
    venue = serializers.IntegerField(min_value=1)
    course = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    held_on = params.DateField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, required=False, allow_null=True, default=None)
    host = serializers.CharField(max_length=60)
    members = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=2000)


@extend_schema(tags=["education"])
class SessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = SessionSerializer

    def get_queryset(self):
        return selectors.sessions(self.actor)

    @extend_schema(request=SessionWrite, responses={201: SessionSerializer})
    def create(self, request):
        ser = SessionWrite(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        s = services.record_session(actor=self.actor, venue_id=d["venue"], course_id=d["course"], title=d["title"], held_on=d["held_on"], hours=d["hours"], host=d["host"], member_ids=d["members"])
        return Response(SessionSerializer(selectors.sessions(self.actor).get(pk=s.pk)).data, status=201)


@extend_schema(tags=["education"], parameters=[params.api_year(), params.api_month(), params.api_org()], responses={200: dict})
@api_view(["GET"])
def activity(request):
    """Remote-education sites with their study sessions in a month; `inactive` below the rule's minimum."""
    actor = actor_for_request(request)
    today = dt.date.today()
    year = params.year(request.query_params, default=today.year)
    month = params.month(request.query_params, default=today.month)
    rows = selectors.monthly_activity(actor, year=year, month=month, under=params.under(actor, request.query_params))
    number, size = params.page(request.query_params, default_size=100, max_size=500)
    start = (number - 1) * size
    return Response(
        {
            "year": year, "month": month, "count": len(rows), "inactive": sum(r.inactive for r in rows), "page": number,
            "results": [{"venue": r.venue.pk, "name": r.venue.name, "org_path": r.path, "sessions": r.sessions, "attendees": r.attendees, "hours": r.hours, "inactive": r.inactive} for r in rows[start : start + size]],
        }
    )  # fmt: skip


router = SimpleRouter(trailing_slash=True)
router.register("venues", VenueViewSet, basename="education-venue")
router.register("courses", CourseViewSet, basename="education-course")
router.register("sessions", SessionViewSet, basename="education-session")

urlpatterns = [path("activity/", activity, name="api-education-activity"), path("", include(router.urls))]
