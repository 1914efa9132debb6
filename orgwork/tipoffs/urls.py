from django.urls import path

from . import views

app_name = "tipoffs"

urlpatterns = [
    path("", views.register, name="register"),
    path("new/", views.offline_new, name="offline_new"),
    path("unlock/", views.unlock, name="unlock"),
    path("lock/", views.lock, name="lock"),
    path("keys/", views.keys, name="keys"),
    path("statistics/", views.statistics, name="statistics"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/identity/", views.identity, name="identity"),
    path("file/<int:pk>/", views.download, name="download"),
]
