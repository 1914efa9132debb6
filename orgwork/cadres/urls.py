from django.urls import path

from . import views

app_name = "cadres"

urlpatterns = [
    path("", views.cadre_list, name="list"),
    path("<int:pk>/", views.cadre_detail, name="detail"),
    path("<int:pk>/form.<str:fmt>", views.appointment_form, name="form"),
    path("units/", views.units, name="units"),
    path("selections/", views.selection_list, name="selections"),
    path("selections/<int:pk>/", views.selection_detail, name="selection"),
    path("selections/<int:pk>/record.pdf", views.selection_export, name="selection_export"),
    path("vote/", views.vote, name="vote"),
    path("reserves/", views.reserve_list, name="reserves"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("competitions/", views.competition_list, name="competitions"),
    path("competitions/<int:pk>/", views.competition_detail, name="competition"),
    path("competitions/apply/", views.my_competitions, name="my_competitions"),
    path("oversight/", views.oversight, name="oversight"),
    path("talks/", views.talk_list, name="talks"),
    path("talks/<int:pk>/", views.talk_detail, name="talk"),
]
