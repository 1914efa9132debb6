from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("", views.selection_list, name="selections"),
    path("<int:pk>/", views.selection_detail, name="selection"),
    path("<int:pk>/judging/", views.judging, name="judging"),
    path("entries/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("honours/", views.honour_list, name="honours"),
    path("model-sites/", views.model_site_list, name="model_sites"),
    path("talents/", views.talent_list, name="talents"),
]
