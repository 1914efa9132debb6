from django.urls import path

from .api import AnnualFilingView, AnnualReportView

urlpatterns = [
    path("", AnnualReportView.as_view(), name="api-stats-annual"),
    path("filings/", AnnualFilingView.as_view(), name="api-stats-annual-filings"),
]
