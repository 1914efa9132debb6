import json

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.urls import path

from orgwork.core import gate
from orgwork.members.models import Member
from orgwork.portal.cache import article_key
from orgwork.portal.views import article as portal_article
from orgwork.urls import urlpatterns as project_urlpatterns


@gate.public
def bare(request, pk):
    """The ceiling of the member detail API: the same server and middleware, one query reading the same row (the
    member with its org's name, every column the API shows), rendered as JSON; no token, actor, scope or serializer.
    Served only under bench.settings (BENCH_BARE_VIEWS), never from the project's URLs."""
    if not getattr(settings, "BENCH_BARE_VIEWS", False):
        raise Http404
    row = Member.objects.filter(pk=pk).values(*BARE_FIELDS).first()
    if row is None:
        raise Http404
    return HttpResponse(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False), content_type="application/json")


BARE_FIELDS = ("id", "name", "name_pinyin", "name_initials", "gender", "id_number", "ethnicity", "birth_date", "education", "category", "org_id",
               "org__name", "joined_on", "confirmed_on", "job", "phone", "address", "standing", "standing_since", "lost_contact", "lost_contact_on")  # fmt: skip


@gate.public
def portal_bare(request, pk):
    """The ceiling of the portal page: the same cached HTML straight from the cache, no view logic."""
    html = cache.get(article_key(pk, request.LANGUAGE_CODE))
    if html is None:  # this worker has not cached it yet: let the portal view fill the cache once
        return portal_article(request, pk)
    return HttpResponse(html)


urlpatterns = [path("bench/bare/<int:pk>/", bare), path("bench/portal-bare/<int:pk>/", portal_bare), *project_urlpatterns]
