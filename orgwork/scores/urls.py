from django.urls import path

from . import views

app_name = "scores"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("me/", views.me, name="me"),
    path("entries/<int:entry_id>/evidence/<int:evidence_id>/", views.evidence, name="evidence"),
    path("ranking/", views.ranking, name="ranking"),
    path("periods/", views.periods, name="periods"),
    path("stars/", views.stars, name="stars"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("assessments/", views.assessments, name="assessments"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("posts/", views.posts, name="posts"),
    path("sets/", views.sets, name="sets"),
]
