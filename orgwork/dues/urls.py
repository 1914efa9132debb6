from django.urls import path

from . import views

app_name = "dues"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("members/<int:member_id>/", views.member_ledger, name="member"),
    path("arrears/", views.arrears, name="arrears"),
    path("report/", views.report, name="report"),
]
