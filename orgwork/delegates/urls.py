from django.urls import path

from . import views

app_name = "delegates"

urlpatterns = [
    path("", views.index, name="index"),
    path("d/<int:pk>/", views.delegate, name="delegate"),
    path("receptions/", views.receptions, name="receptions"),
    path("opinions/", views.opinions, name="opinions"),
    path("opinions/<int:pk>/", views.opinion, name="opinion"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/<int:pk>/", views.proposal, name="proposal"),
    path("questions/", views.console_questions, name="console_questions"),
    path("questions/<int:pk>/", views.console_question, name="console_question"),
    path("public/questions/", views.questions, name="questions"),
    path("public/questions/ask/<int:org_id>/", views.ask, name="ask"),
]
