from django.urls import path

from . import views

app_name = "staffing"

urlpatterns = [path("", views.report, name="report")]
