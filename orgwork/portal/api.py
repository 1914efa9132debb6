"""/api/v1/portal/: articles (staff: list, create, workflow actions) and the published list (public)."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from orgwork.core import gate, params
from orgwork.core.drf import page_schema, paginated
from orgwork.core.errors import NotFound
from orgwork.core.middleware import actor_for_request

from . import selectors, services
from .models import Kind


class ArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    kind = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    site = serializers.CharField(source="site.name")
    column = serializers.CharField(source="column.name")
    org = serializers.CharField(source="org.name")
    author_name = serializers.CharField()
    reviewer_name = serializers.CharField()
    secrecy_checked = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)


class PublicArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    site = serializers.CharField(source="site.name")
    column = serializers.CharField(source="column.name")
    org = serializers.CharField(source="org.name")
    published_at = serializers.DateTimeField()


class ArticleIn(serializers.Serializer):
    site = params.IdField()
    column = params.IdField()
    org = params.IdField()
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.NEWS)
    title = serializers.CharField(max_length=120)
    summary = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    body = serializers.CharField(max_length=30000)


class ActionIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=[("submit", gettext_lazy("送审")), ("review", gettext_lazy("审核")), ("publish", gettext_lazy("发布")), ("withdraw", gettext_lazy("撤回"))])
    approve = serializers.BooleanField(required=False, default=False)
    secrecy_checked = serializers.BooleanField(required=False, default=False)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ArticlesView(APIView):
    @extend_schema(tags=["portal"], parameters=[params.api_choice("state", ["draft", "review", "approved", "published", "returned", "withdrawn"])], responses=page_schema(ArticleSerializer, "PortalArticlePage"))
    def get(self, request):
        actor = actor_for_request(request)
        qs = selectors.articles(actor)
        state = params.choice(request.query_params, "state", label=_("状态"), choices=["draft", "review", "approved", "published", "returned", "withdrawn"])
        if state:
            qs = qs.filter(state=state)
        return paginated(request, qs, ArticleSerializer, view=self)

    @extend_schema(tags=["portal"], request=ArticleIn, responses={201: ArticleSerializer})
    def post(self, request):
        actor = actor_for_request(request)
        d = ArticleIn(data=request.data)
        d.is_valid(raise_exception=True)
        v = d.validated_data
        a = services.create_article(actor=actor, site_id=v["site"], column_id=v["column"], org_id=v["org"], title=v["title"], body=v["body"], summary=v["summary"], kind=v["kind"])
        return Response(ArticleSerializer(a).data, status=201)


class ArticleActionView(APIView):
    @extend_schema(tags=["portal"], request=ActionIn, responses={200: ArticleSerializer})
    def post(self, request, pk):
        actor = actor_for_request(request)
        if selectors.article_for(actor, pk) is None:
            raise NotFound()
        d = ActionIn(data=request.data)
        d.is_valid(raise_exception=True)
        v = d.validated_data
        act = v["action"]
        if act == "submit":
            a = services.submit(actor=actor, article_id=pk)
        elif act == "review":
            a = services.review(actor=actor, article_id=pk, approve=v["approve"], secrecy_checked=v["secrecy_checked"], comment=v["comment"])
        elif act == "publish":
            a = services.publish(actor=actor, article_id=pk)
        else:
            a = services.withdraw(actor=actor, article_id=pk, reason=v["reason"])
        return Response(ArticleSerializer(a).data)


class PublishedView(APIView):
    gate_audience = gate.PUBLIC
    authentication_classes = []
    permission_classes = []

    @extend_schema(tags=["portal"], responses=page_schema(PublicArticleSerializer, "PortalPublishedPage"))
    def get(self, request):
        return paginated(request, selectors.published().order_by("-published_at", "-pk"), PublicArticleSerializer, view=self)


urlpatterns = [
    path("articles/", ArticlesView.as_view(), name="api-portal-articles"),
    path("articles/<int:pk>/action/", ArticleActionView.as_view(), name="api-portal-article-action"),
    path("published/", PublishedView.as_view(), name="api-portal-published"),
]
