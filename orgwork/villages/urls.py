from django.urls import path

from . import views

app_name = "villages"

urlpatterns = [
    path("", views.report, name="report"),
    path("export.xlsx", views.export, name="export"),
    path("secondments/", views.secondments, name="secondments"),
    path("secondments/<int:pk>/", views.secondment, name="secondment"),
    path("units/", views.units, name="units"),
    path("cadres/<int:pk>/", views.cadre, name="cadre"),
    path("evaluations/", views.evaluations, name="evaluations"),
    path("pay/", views.pay, name="pay"),
    path("pay/export.xlsx", views.pay_export, name="pay_export"),
    path("reserves/", views.reserves, name="reserves"),
    path("reserves/<int:pk>/", views.reserve, name="reserve"),
    path("first-secretaries/", views.first_secretaries, name="first_secretaries"),
    path("pairings/", views.pairings, name="pairings"),
    path("pairings/<int:pk>/", views.pairing, name="pairing"),
]
