from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.read, name="read"),
    path("read-all/", views.read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("escalation/", views.escalation, name="escalation"),
]

urlpatterns += [
    path("sms/", views.sms_campaigns, name="sms_campaigns"),
    path("sms/new/", views.sms_new, name="sms_new"),
    path("sms/<int:pk>/", views.sms_campaign, name="sms_campaign"),
    path("sms/templates/", views.sms_templates, name="sms_templates"),
    path("sms/tariff/", views.sms_tariff, name="sms_tariff"),
    path("log/", views.message_log, name="message_log"),
    path("log/export.xlsx", views.message_log_export, name="message_log_export"),
]
