from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("new/", views.create, name="create"),
    path("pick/", views.pick, name="pick"),
    path("<int:org_id>/", views.detail, name="detail"),
    path("<int:org_id>/children/", views.tree_children, name="children"),
    path("<int:org_id>/edit/", views.edit, name="edit"),
    path("<int:org_id>/move/", views.move, name="move"),
    path("<int:org_id>/abolish/", views.abolish, name="abolish"),
    path("<int:org_id>/officers/new/", views.officer_add, name="officer_add"),
    path("<int:org_id>/officers/<int:officer_id>/end/", views.officer_end, name="officer_end"),
]
