"""/12380/ — the public tip-off page and receipt follow-up (no account)."""

from django.urls import path

from . import views

app_name = "tipoffs_public"

urlpatterns = [
    path("", views.public_form, name="form"),
    path("follow/", views.public_follow, name="follow"),
    path("follow/add/", views.public_add, name="add"),
]
