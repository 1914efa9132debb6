from django.urls import path

from . import views

app_name = "worklists"

urlpatterns = [
    path("", views.wall, name="wall"),
    path("mine/", views.member_wall, name="member_wall"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("matters/", views.matter_list, name="matters"),
    path("matters/<int:pk>/", views.matter_detail, name="matter"),
    path("issues/", views.issue_list, name="issues"),
    path("issues/<int:pk>/", views.issue_detail, name="issue"),
    path("incomes/", views.income_list, name="incomes"),
    path("care/", views.care, name="care"),
]
