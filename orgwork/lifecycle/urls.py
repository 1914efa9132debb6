from django.urls import path

from . import views

app_name = "lifecycle"

urlpatterns = [
    path("transfers/", views.transfer_list, name="transfers"),
    path("transfers/<int:transfer_id>/", views.transfer_detail, name="transfer"),
    path("transfers/<int:transfer_id>/letter.docx", views.transfer_letter, name="letter"),
    path("transfers/<int:transfer_id>/letter.pdf", views.transfer_letter_pdf, name="letter_pdf"),
    path("transfers/requests/<int:request_id>/", views.transfer_request, name="request"),
    path("mobile/", views.mobile_list, name="mobile"),
    path("exits/", views.exit_list, name="exits"),
    path("exits/<int:instance_id>/", views.exit_detail, name="exit"),
]
