from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("notices/", views.notices, name="notices"),
    path("search/", views.search, name="search"),
    path("a/<int:pk>/", views.article, name="article"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
    path("s/<slug:slug>/", views.site, name="site"),
    path("s/<slug:slug>/<slug:column>/", views.site, name="column"),
    path("console/", views.console, name="console"),
    path("console/new/", views.new, name="new"),
    path("console/<int:pk>/", views.edit, name="edit"),
]
