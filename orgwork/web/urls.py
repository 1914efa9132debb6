from django.contrib.auth import views as auth_views
from django.urls import path

from orgwork.core import gate
from orgwork.members import views as member_views
from orgwork.orgs import views as org_views

from . import calendar_views, password_views, pickers, views

app_name = "web"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", gate.auth_flow(auth_views.LogoutView.as_view()), name="logout"),
    path("login/otp/", views.otp_verify, name="otp_verify"),
    path("login/forgot/", password_views.forgot, name="password_reset"),
    path("login/forgot/verify/", password_views.forgot_verify, name="password_reset_verify"),
    path("account/reset-others/", password_views.admin_reset, name="password_admin_reset"),
    path("healthz", views.healthz, name="healthz"),
    path("", views.home, name="home"),
    path("scope/", views.switch_scope, name="switch_scope"),
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/otp/", views.otp_setup, name="otp_setup"),
    path("account/token/", views.api_token, name="api_token"),
    # The member and org pages live in their apps (orgwork/orgs/urls.py "orgs:…", orgwork/members/urls.py
    # "members:…"); their old names here answer the same paths, for links written before the move.
    path("orgs/", org_views.tree, name="org_tree"),
    path("orgs/new/", org_views.create, name="org_create"),
    path("orgs/pick/", org_views.pick, name="org_pick"),
    path("orgs/<int:org_id>/", org_views.detail, name="org_detail"),
    path("orgs/<int:org_id>/children/", org_views.tree_children, name="org_children"),
    path("orgs/<int:org_id>/edit/", org_views.edit, name="org_edit"),
    path("orgs/<int:org_id>/move/", org_views.move, name="org_move"),
    path("orgs/<int:org_id>/abolish/", org_views.abolish, name="org_abolish"),
    path("orgs/<int:org_id>/officers/new/", org_views.officer_add, name="officer_add"),
    path("orgs/<int:org_id>/officers/<int:officer_id>/end/", org_views.officer_end, name="officer_end"),
    path("members/", member_views.member_list, name="member_list"),
    path("members/new/", member_views.member_create, name="member_create"),
    path("members/<int:member_id>/", member_views.member_detail, name="member_detail"),
    path("members/<int:member_id>/edit/", member_views.member_edit, name="member_edit"),
    path("members/<int:member_id>/group/", member_views.member_group, name="member_group"),
    path("members/<int:member_id>/status/<str:action>/", member_views.member_status, name="member_status"),
    path("me/", views.me, name="me"),
    path("calendar/", calendar_views.calendar_page, name="calendar"),
    path("pick/members/", pickers.members, name="pick_members"),
    path("pick/orgs/", pickers.orgs, name="pick_orgs"),
]
