from django.urls import path

from . import views

app_name = "polls"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/export.xlsx", views.export, name="export"),
    path("mine/", views.mine, name="mine"),
    path("m/<int:pk>/", views.answer_member, name="answer_member"),
    path("public/", views.public_list, name="public"),
    path("p/<int:pk>/", views.answer_public, name="answer_public"),
]
