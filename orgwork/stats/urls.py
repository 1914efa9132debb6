from django.urls import path

from . import annual_views, views

app_name = "stats"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.xlsx", views.export, name="export"),
    path("annual/", annual_views.annual, name="annual"),
    path("annual/export.xlsx", annual_views.annual_export, name="annual_export"),
]
