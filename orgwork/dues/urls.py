from django.urls import path

from . import views

app_name = "dues"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("members/<int:member_id>/", views.member_ledger, name="member"),
    path("arrears/", views.arrears, name="arrears"),
    path("report/", views.report, name="report"),
    path("pay/notify/<slug:provider_name>/", views.pay_notify, name="pay_notify"),
    path("pay/fake/<slug:order_no>/", views.fake_cashier, name="fake_cashier"),
]
