from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_new, name="new"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.meeting_action, name="action"),
    path("<int:pk>/files/<int:att_id>/", views.attachment, name="attachment"),
    path("signin/", views.signin, name="signin"),
    path("signin/<str:token>/", views.signin, name="signin_token"),
    path("compliance/monthly/", views.monthly, name="monthly"),
    path("compliance/quarterly/", views.quarterly, name="quarterly"),
    path("compliance/org/<int:org_id>/", views.org_compliance, name="org_compliance"),
    path("appraisals/", views.appraisals, name="appraisals"),
    path("appraisals/<int:pk>/", views.appraisal_detail, name="appraisal"),
    path("member/<int:member_id>/", views.member_file, name="member_file"),
]
