from django.urls import path

from . import views

app_name = "recruitment"

urlpatterns = [
    path("", views.applicant_list, name="list"),
    path("new/", views.applicant_new, name="new"),
    path("plan/", views.plan, name="plan"),
    path("<int:pk>/", views.applicant_detail, name="detail"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/act/", views.act, name="act"),
    path("<int:pk>/thought-reports/", views.thought_report_read, name="thought_report_read"),
    path("<int:pk>/record.docx", views.record_sheet, name="record_sheet"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("notices/<int:notice_id>.docx", views.notice_doc, name="notice_doc"),
    path("notices/<int:notice_id>.pdf", views.notice_pdf, name="notice_pdf"),
]
