from django.urls import path

from . import views

app_name = "education"

urlpatterns = [
    path("", views.venue_list, name="venues"),
    path("courses/", views.course_list, name="courses"),
    path("courses/<int:pk>/file/", views.course_file, name="course_file"),
    path("sessions/", views.session_list, name="sessions"),
    path("activity/", views.activity, name="activity"),
]
