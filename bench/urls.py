from django.core.cache import cache
from django.http import HttpResponse
from django.urls import path

from orgwork.core import gate
from orgwork.members.models import Member
from orgwork.portal.cache import article_key
from orgwork.portal.views import article as portal_article
from orgwork.urls import urlpatterns as project_urlpatterns


def bare(request, pk):
    """The ceiling: the same Django stack and one primary-key query, no auth, scope or serializer."""
    row = Member.objects.filter(pk=pk).values_list("id", "name").first()
    return HttpResponse(f'{{"id": {row[0]}, "name": "{row[1]}"}}' if row else "{}", content_type="application/json")


@gate.public
def portal_bare(request, pk):
    """The ceiling of the portal page: the same cached HTML straight from the cache, no view logic."""
    html = cache.get(article_key(pk))
    if html is None:  # this worker has not cached it yet: let the portal view fill the cache once
        return portal_article(request, pk)
    return HttpResponse(html)


urlpatterns = [path("bench/bare/<int:pk>/", bare), path("bench/portal-bare/<int:pk>/", portal_bare), *project_urlpatterns]
