from django.urls import path

from . import views

app_name = "reorg"

urlpatterns = [
    path("", views.reorg_list, name="list"),
    path("merge/", views.merge, name="merge"),
    path("transfer/", views.bulk_transfer, name="transfer"),
    path("<int:pk>/", views.reorg_detail, name="detail"),
]
