from django.urls import path

from . import views

app_name = "reorg"

urlpatterns = [
    path("", views.reorg_list, name="list"),
    path("merge/", views.merge, name="merge"),
    path("transfer/", views.bulk_transfer, name="transfer"),
    path("split/", views.split, name="split"),
    path("procedures/", views.procedure_list, name="procedures"),
    path("procedures/<int:pk>/", views.procedure_detail, name="procedure"),
    path("<int:pk>/", views.reorg_detail, name="detail"),
]
