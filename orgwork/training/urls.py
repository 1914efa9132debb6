from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("coverage.xlsx", views.coverage_export, name="coverage_export"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person, name="person"),
    path("member/<int:member_id>/", views.member_archive, name="member"),
    path("courses/", views.courses, name="courses"),
    path("courses/<int:pk>/", views.course, name="course"),
    path("exams/", views.exams, name="exams"),
    path("exams/<int:pk>/", views.exam, name="exam"),
    path("rotation/", views.rotation, name="rotation"),
]
urlpatterns += [
    path("ledgers/", views.ledgers, name="ledgers"),
    path("me/", views.me, name="me"),
    path("ledgers/<slug:kind>.<slug:fmt>", views.ledger_download, name="ledger_download"),
]
