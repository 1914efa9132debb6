"""/api/v1/worklists/ — tasks and the wall, assigned matters (13710), the issue list and rectification."""

from __future__ import annotations

import datetime as dt

from django.urls import include, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action, api_view
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from orgwork.core import params
from orgwork.core.api import ScopedViewSet
from orgwork.core.errors import NotFound
from orgwork.core.middleware import actor_for_request

from . import selectors, services
from .models import Issue, IssueStatus, Matter, Task, TaskKind


def _pk(pk) -> int:
    if not str(pk).isdigit():
        raise NotFound()
    return int(pk)


class TaskSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = ["id", "org", "org_name", "year", "kind", "kind_label", "title", "measures", "owner_name", "deadline", "progress", "result", "done_on", "show_to_members", "cancelled_on", "status"]
        read_only_fields = fields

    def get_status(self, obj) -> str:
        return selectors.task_status(obj, dt.date.today())


class TaskWrite(serializers.Serializer):
    org = serializers.IntegerField(min_value=1)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    kind = serializers.ChoiceField(choices=TaskKind.choices, default=TaskKind.TASK)
    title = serializers.CharField(max_length=200)
    measures = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    owner_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    owner_member = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    deadline = params.DateField()
    show_to_members = serializers.BooleanField(default=False)


class ProgressWrite(serializers.Serializer):
    on = params.DateField()
    progress = serializers.IntegerField(min_value=0, max_value=100)
    text = serializers.CharField(max_length=2000)
    result = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


@extend_schema(tags=["worklists"])
class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = TaskSerializer

    def get_queryset(self):
        qs = selectors.tasks(self.actor)
        year = params.year(self.request.query_params)
        if year:
            qs = qs.filter(year=year)
        kind = params.choice(self.request.query_params, "kind", label=_("类别"), choices=["", *TaskKind.values])
        if kind:
            qs = qs.filter(kind=kind)
        return qs.order_by("org__path", "deadline", "id")

    @extend_schema(parameters=[params.api_year(), params.api_choice("kind", TaskKind.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=TaskWrite, responses={201: TaskSerializer})
    def create(self, request):
        ser = TaskWrite(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        t = services.create_task(actor=self.actor, org_id=d.pop("org"), owner_member_id=d.pop("owner_member"), **d)
        return Response(TaskSerializer(t).data, status=201)

    @extend_schema(request=ProgressWrite, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        ser = ProgressWrite(data=request.data)
        ser.is_valid(raise_exception=True)
        u = services.report_progress(actor=self.actor, task_id=_pk(pk), **ser.validated_data)
        return Response(TaskSerializer(Task.objects.get(pk=u.task_id)).data)


class MatterSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    next_step = serializers.SerializerMethodField()
    next_due_on = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()

    class Meta:
        model = Matter
        fields = ["id", "org", "org_name", "title", "body", "assigned_by", "assigned_on", "template", "template_version", "due", "done", "closed_on", "next_step", "next_due_on", "state"]
        read_only_fields = fields

    def _st(self, obj):
        return selectors.matter_state(obj, dt.date.today())

    def get_next_step(self, obj) -> str:
        return self._st(obj).step

    def get_next_due_on(self, obj) -> str | None:
        d = self._st(obj).due_on
        return d.isoformat() if d else None

    def get_state(self, obj) -> str:
        return self._st(obj).status


class MatterWrite(serializers.Serializer):
    org = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    assigned_by = serializers.CharField(max_length=120)
    assigned_on = params.DateField()
    template = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class StepWrite(serializers.Serializer):
    step = serializers.CharField(max_length=20)
    on = params.DateField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


@extend_schema(tags=["worklists"])
class MatterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = MatterSerializer

    def get_queryset(self):
        return selectors.matters(self.actor, open_only=params.flag(self.request.query_params, "open")).order_by("-assigned_on", "-id")

    @extend_schema(parameters=[params.api_int("open", 0, 1, "只看未办结（1）")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=MatterWrite, responses={201: MatterSerializer})
    def create(self, request):
        ser = MatterWrite(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        m = services.assign_matter(actor=self.actor, org_id=d.pop("org"), **d)
        return Response(MatterSerializer(m).data, status=201)

    @extend_schema(request=StepWrite, responses=MatterSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request, pk=None):
        ser = StepWrite(data=request.data)
        ser.is_valid(raise_exception=True)
        return Response(MatterSerializer(services.complete_matter_step(actor=self.actor, matter_id=_pk(pk), **ser.validated_data)).data)


class IssueSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)

    class Meta:
        model = Issue
        fields = ["id", "org", "org_name", "year", "source", "description", "measures", "owner_name", "deadline", "status", "closed_on", "result"]
        read_only_fields = fields


class IssueWrite(serializers.Serializer):
    org = serializers.IntegerField(min_value=1)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    source = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=2000)
    measures = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    owner_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    owner_member = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    deadline = params.DateField()


class RectifyWrite(serializers.Serializer):
    on = params.DateField()
    text = serializers.CharField(max_length=2000)
    close = serializers.BooleanField(default=False)
    result = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


@extend_schema(tags=["worklists"])
class IssueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = IssueSerializer

    def get_queryset(self):
        q = self.request.query_params
        return selectors.issues(self.actor, year=params.year(q), status=params.choice(q, "status", label=_("状态"), choices=["", *IssueStatus.values]))

    @extend_schema(parameters=[params.api_year(), params.api_choice("status", IssueStatus.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=IssueWrite, responses={201: IssueSerializer})
    def create(self, request):
        ser = IssueWrite(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        i = services.create_issue(actor=self.actor, org_id=d.pop("org"), owner_member_id=d.pop("owner_member"), **d)
        return Response(IssueSerializer(i).data, status=201)

    @extend_schema(request=RectifyWrite, responses=IssueSerializer)
    @action(detail=True, methods=["post"])
    def rectify(self, request, pk=None):
        ser = RectifyWrite(data=request.data)
        ser.is_valid(raise_exception=True)
        e = services.rectify(actor=self.actor, issue_id=_pk(pk), **ser.validated_data)
        return Response(IssueSerializer(Issue.objects.get(pk=e.issue_id)).data)


@extend_schema(tags=["worklists"], parameters=[params.api_org(), params.api_year()], responses={200: dict})
@api_view(["GET"])
def wall(request):
    """The wall: tasks of the year by organization with their status (done, on_track, behind, overdue, not_started)."""
    actor = actor_for_request(request)
    under = params.under(actor, request.query_params)
    year = params.year(request.query_params, default=dt.date.today().year)
    rows, totals = selectors.wall(actor, under=under, year=year)
    number, size = params.page(request.query_params, default_size=50, max_size=200)
    start = (number - 1) * size
    return Response(
        {
            "year": year, "totals": totals, "count": len(rows), "page": number,
            "results": [
                {"org_id": r.org.pk, "org_name": r.org.name, "org_path": r.path, "counts": r.counts,
                 "tasks": [{"id": t.pk, "title": t.title, "owner_name": t.owner_name, "deadline": t.deadline.isoformat(), "progress": t.progress, "status": st} for t, st in r.tasks]}
                for r in rows[start : start + size]
            ],
        }
    )  # fmt: skip


router = SimpleRouter(trailing_slash=True)
router.register("tasks", TaskViewSet, basename="worklists-task")
router.register("matters", MatterViewSet, basename="worklists-matter")
router.register("issues", IssueViewSet, basename="worklists-issue")

urlpatterns = [path("wall/", wall, name="api-worklists-wall"), path("", include(router.urls))]
