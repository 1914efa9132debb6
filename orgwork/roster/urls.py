from django.urls import path

from . import views

app_name = "roster"

urlpatterns = [
    path("import/", views.import_page, name="import"),
    path("import/<int:job_id>/", views.job_page, name="job"),
    path("import/<int:job_id>/report.xlsx", views.job_report, name="job_report"),
    path("export/", views.export_page, name="export"),
]
