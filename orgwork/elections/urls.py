from django.urls import path

from . import views

app_name = "elections"

urlpatterns = [
    path("", views.election_list, name="list"),
    path("org/<int:org_id>/", views.org_page, name="org"),
    path("<int:pk>/", views.detail, name="detail"),
]
