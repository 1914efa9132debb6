from django.urls import path

from . import views

app_name = "funds"

urlpatterns = [
    path("", views.report, name="report"),
    path("orgs/<int:org_id>/", views.ledger, name="ledger"),
]
