from django.urls import path

from . import views

app_name = "discipline"

urlpatterns = [
    path("", views.sanction_list, name="list"),
    path("member/<int:member_id>/new/", views.sanction_new, name="new"),
    path("<int:pk>/", views.sanction_detail, name="detail"),
]
