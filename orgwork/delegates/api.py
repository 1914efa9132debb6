"""/api/v1/delegates/: delegates (list, with this year's reception flag), composition against targets, online
questions (staff list and answer; public list of answered ones and asking)."""

from __future__ import annotations

import datetime as dt

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from orgwork.core import gate, params
from orgwork.core.drf import page_schema, paginated
from orgwork.core.errors import NotFound
from orgwork.core.middleware import actor_for_request

from . import selectors, services


class DelegateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    congress = serializers.CharField(source="congress.name")
    org = serializers.CharField(source="org.name")
    occupation = serializers.CharField()
    female = serializers.BooleanField()


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org = serializers.CharField(source="org.name")
    title = serializers.CharField()
    content = serializers.CharField()
    asked_on = serializers.DateField()
    due_on = serializers.DateField()
    answer = serializers.CharField()
    answered_on = serializers.DateField(allow_null=True)
    in_time = serializers.BooleanField(allow_null=True)


class AnswerIn(serializers.Serializer):
    answer = serializers.CharField(max_length=5000)


class AskIn(serializers.Serializer):
    org = params.IdField()
    title = serializers.CharField(max_length=120)
    content = serializers.CharField(max_length=3000)
    asker_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class DelegatesView(APIView):
    @extend_schema(tags=["delegates"], parameters=[params.api_int("no_reception", 0, 1, "只看本年未参加接待日的代表（1）")], responses=page_schema(DelegateSerializer, "DelegatePage"))
    def get(self, request):
        qs = selectors.delegates(actor_for_request(request)).order_by("org__path", "name", "pk")
        if params.flag(request.query_params, "no_reception"):
            qs = selectors.without_reception(qs, dt.date.today().year)
        return paginated(request, qs, DelegateSerializer, view=self)


class CompositionView(APIView):
    @extend_schema(tags=["delegates"], responses={200: dict})
    def get(self, request, pk):
        c = selectors.congresses(actor_for_request(request)).filter(pk=pk).first()
        if c is None:
            raise NotFound()
        return Response({"congress": c.name, **selectors.composition(c)})


class QuestionsView(APIView):
    @extend_schema(tags=["delegates"], responses=page_schema(QuestionSerializer, "DelegateQuestionPage"))
    def get(self, request):
        return paginated(request, selectors.questions(actor_for_request(request)).order_by("-asked_on", "-pk"), QuestionSerializer, view=self)


class QuestionAnswerView(APIView):
    @extend_schema(tags=["delegates"], request=AnswerIn, responses={200: QuestionSerializer})
    def post(self, request, pk):
        d = AnswerIn(data=request.data)
        d.is_valid(raise_exception=True)
        return Response(QuestionSerializer(services.answer_question(actor=actor_for_request(request), question_id=pk, answer=d.validated_data["answer"])).data)


class PublicQuestionsView(APIView):
    gate_audience = gate.PUBLIC
    authentication_classes = []
    permission_classes = []

    @extend_schema(tags=["delegates"], responses=page_schema(QuestionSerializer, "PublicQuestionPage"))
    def get(self, request):
        return paginated(request, selectors.public_questions(), QuestionSerializer, view=self)

    @extend_schema(tags=["delegates"], request=AskIn, responses={201: dict})
    def post(self, request):
        d = AskIn(data=request.data)
        d.is_valid(raise_exception=True)
        v = d.validated_data
        q = services.ask_question(org_id=v["org"], title=v["title"], content=v["content"], asker_name=v["asker_name"])
        return Response({"id": q.pk, "due_on": q.due_on}, status=201)


urlpatterns = [
    path("", DelegatesView.as_view(), name="api-delegates"),
    path("congresses/<int:pk>/composition/", CompositionView.as_view(), name="api-delegates-composition"),
    path("questions/", QuestionsView.as_view(), name="api-delegates-questions"),
    path("questions/<int:pk>/answer/", QuestionAnswerView.as_view(), name="api-delegates-question-answer"),
    path("public/questions/", PublicQuestionsView.as_view(), name="api-delegates-public-questions"),
]
