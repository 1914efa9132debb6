from django.urls import path

from . import views

app_name = "disclosure"

urlpatterns = [
    path("", views.index, name="index"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("propose/", views.propose, name="propose"),
    path("items/<int:pk>/", views.item, name="item"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("mine/", views.mine, name="mine"),
    path("public/", views.public, name="public"),
    path("public/org/<int:pk>/", views.public_org, name="public_org"),
    path("public/receipt/", views.receipt, name="receipt"),
]
