from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.models import NoDeleteModel
from orgwork.members.models import Education, Gender


class Applicant(TopOrgMixin, NoDeleteModel):
    """A person in the development pipeline; the steps live on the procedure instance (core)."""

    name = models.CharField(_("姓名"), max_length=60, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    id_number = models.CharField(_("公民身份号码"), max_length=18, db_index=True)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=30, blank=True)
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices, blank=True)
    job = models.CharField(_("工作岗位"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    org = models.ForeignKey("orgs.Org", verbose_name=_("所在党支部"), on_delete=models.PROTECT, related_name="applicants")
    applied_on = models.DateField(_("递交申请日期"), db_index=True)
    procedure = models.OneToOneField("core.ProcedureInstance", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    member = models.OneToOneField("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="recruitment")
    # the applicant's own sign-in account (phone + SMS code, selfservice): sees their stage and sends thought reports
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="applicant_record")
    created_at = models.DateTimeField(auto_now_add=True)

    TOP_ORG_FROM = "org"  # the distribution column (core.distribution)
    SCOPE_PATH = "org__path"
    SCOPE_MEMBER = "member_id"

    class Meta:
        verbose_name = _("发展对象档案")
        verbose_name_plural = _("发展对象档案")
        ordering = ["-applied_on", "-id"]

    def __str__(self):
        return self.name

    @property
    def audit_org_path(self) -> str:
        return self.org.path if self.org_id else ""


class RecruitmentPlan(TopOrgMixin, NoDeleteModel):
    """The annual recruitment plan of a branch (seed 002: each village recruits at least one member a year)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="recruitment_plans")
    year = models.PositiveSmallIntegerField(_("年度"))
    planned = models.PositiveSmallIntegerField(_("计划发展人数"))
    updated_at = models.DateTimeField(auto_now=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("发展党员计划")
        verbose_name_plural = _("发展党员计划")
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="uniq_recruitment_plan")]

    def __str__(self):
        return f"{self.org_id} {self.year}: {self.planned}"

    @property
    def audit_org_path(self) -> str:
        return self.org.path


class ThoughtReport(TopOrgMixin, NoDeleteModel):
    """A thought report (思想汇报) an applicant or activist sends to the branch; kept in the development record."""

    applicant = models.ForeignKey(Applicant, verbose_name=_("发展对象"), on_delete=models.PROTECT, related_name="thought_reports")
    org = models.ForeignKey("orgs.Org", verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=100)
    text = models.TextField(_("内容"))
    stage = models.CharField(_("提交时所处阶段"), max_length=40, blank=True)
    submitted_on = models.DateField(_("提交日期"))
    assisted_by = models.CharField(_("代为提交人"), max_length=150, blank=True)
    read_by = models.CharField(_("阅看人"), max_length=150, blank=True)
    read_on = models.DateField(_("阅看日期"), null=True, blank=True)
    comment = models.CharField(_("支部意见"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("思想汇报")
        verbose_name_plural = _("思想汇报")
        ordering = ["-submitted_on", "-id"]

    def __str__(self):
        return f"{self.applicant_id} {self.title}"

    @property
    def audit_org_path(self) -> str:
        return self.org.path
