"""/hall/ — the online petition hall (网上信访大厅): no account needed; a signed-in person's petition is linked to them."""

from django.urls import path

from . import views

app_name = "petitions_public"

urlpatterns = [
    path("", views.hall, name="hall"),
    path("status/", views.hall_status, name="status"),
    path("book/", views.hall_book, name="book"),
]
