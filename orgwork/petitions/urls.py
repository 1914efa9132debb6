from django.urls import path

from . import views

app_name = "petitions"

urlpatterns = [
    path("", views.register, name="register"),
    path("reception/", views.reception, name="reception"),
    path("<int:pk>/", views.detail, name="detail"),
]
