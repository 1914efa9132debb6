"""/api/v1/recruitment/…"""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .api import ApplicantViewSet, DueView, NoticeObjectionView, ObjectionResolveView, PlanView, StagesView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("applicants", ApplicantViewSet, basename="recruitment-applicant")

urlpatterns = [
    path("due/", DueView.as_view(), name="recruitment-due"),
    path("stages/", StagesView.as_view(), name="recruitment-stages"),
    path("plan/", PlanView.as_view(), name="recruitment-plan"),
    path("notices/<int:notice_id>/objections/", NoticeObjectionView.as_view(), name="recruitment-objection"),
    path("objections/<int:objection_id>/resolve/", ObjectionResolveView.as_view(), name="recruitment-objection-resolve"),
    *router.urls,
]
