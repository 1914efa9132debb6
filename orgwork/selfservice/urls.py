from django.urls import path

from . import views

app_name = "selfservice"

urlpatterns = [
    path("login/", views.signin_phone, name="signin"),
    path("login/code/", views.signin_code, name="signin_code"),
    path("", views.hub, name="hub"),
    path("correction/", views.correction, name="correction"),
    path("away/", views.away, name="away"),
    path("transfer/", views.transfer, name="transfer"),
    path("requests/", views.requests_list, name="requests"),
    path("dues/", views.dues, name="dues"),
    path("meetings/", views.my_meetings, name="meetings"),
    path("meetings/<int:meeting_id>/", views.my_meeting, name="meeting"),
    path("appraisals/", views.my_appraisals, name="appraisals"),
    path("card/", views.card, name="card"),
    path("applicant/", views.applicant, name="applicant"),
    path("password/", views.password, name="password"),
    path("accounts/", views.accounts, name="accounts"),
    path("assist/", views.assist, name="assist"),
    path("assist/<int:member_id>/", views.assist_member, name="assist_member"),
    path("payments/", views.payments, name="payments"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("icon.svg", views.icon, name="icon"),
    path("sw.js", views.service_worker, name="sw"),
]
