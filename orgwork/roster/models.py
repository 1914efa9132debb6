from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    MEMBERS = "members", _("党员")
    ORGS = "orgs", _("党组织")
    NATIONAL = "national", _("党员（全国党员管理信息系统模板）")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在检查")
    WRITING = "writing", _("正在写入")
    DONE = "done", _("已完成")
    REJECTED = "rejected", _("未导入（有错误）")
    FAILED = "failed", _("失败")


class ImportJob(models.Model):
    """A console import: the uploaded file, the options, progress while the job runs, and the report."""

    kind = models.CharField(_("导入内容"), max_length=10, choices=ImportKind.choices)
    filename = models.CharField(_("文件名"), max_length=255)
    file = models.FileField(upload_to="imports/%Y/%m/")
    partial = models.BooleanField(_("只导入无误的行"), default=False)
    update = models.BooleanField(_("更新已有党员"), default=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    active_grant_id = models.IntegerField(null=True, blank=True)
    org_path = models.CharField(max_length=255, blank=True)  # the scope it was started in, for listing
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Written by the running job every few seconds (settings.ROSTER_JOB_HEARTBEAT_SECONDS); a running job whose
    # heartbeat is older than settings.ROSTER_JOB_TIMEOUT_SECONDS lost its worker and is marked failed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.filename}"

    @property
    def percent(self) -> int:
        if self.status in (JobStatus.DONE, JobStatus.REJECTED, JobStatus.FAILED):
            return 100
        if not self.rows_total:
            return 0
        # Checking is 90% of the bar; the write is one transaction and shows as the last 10%.
        done = 90 * self.rows_done // self.rows_total
        return min(99, done + (5 if self.status == JobStatus.WRITING else 0))

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.REJECTED, JobStatus.FAILED)

    @property
    def can_retry(self) -> bool:
        """A failed job whose upload is still kept (a worker killed mid-job never got to delete it)."""
        return self.status == JobStatus.FAILED and bool(self.file)
