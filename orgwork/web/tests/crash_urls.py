"""The project's URLs plus one view that fails, to see the 500 page a real request gets."""

from django.urls import path

from orgwork.core import gate
from orgwork.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


@gate.public
def crash(request):
    raise ZeroDivisionError("boom")


@gate.public
def api_crash(request):
    raise ZeroDivisionError("boom")


urlpatterns = [path("crash/", crash), path("api/v1/crash/", api_crash), *urlpatterns]
