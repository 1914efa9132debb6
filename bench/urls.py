from django.http import HttpResponse
from django.urls import path

from orgwork.members.models import Member
from orgwork.urls import urlpatterns as project_urlpatterns


def bare(request, pk):
    """The ceiling: the same Django stack and one primary-key query, no auth, scope or serializer."""
    row = Member.objects.filter(pk=pk).values_list("id", "name").first()
    return HttpResponse(f'{{"id": {row[0]}, "name": "{row[1]}"}}' if row else "{}", content_type="application/json")


urlpatterns = [path("bench/bare/<int:pk>/", bare), *project_urlpatterns]
