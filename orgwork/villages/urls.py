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
]
