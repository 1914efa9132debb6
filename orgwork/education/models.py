"""Remote-education sites and every other activity venue, the course catalogue (files stored locally), study
sessions at sites with attendance (hours credited to the training archive)."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.models import NoDeleteModel


class VenueKind(models.TextChoices):
    REMOTE_SITE = "remote_site", _("远程教育站点")
    ACTIVITY_ROOM = "activity_room", _("党员活动室")
    VILLAGE_VENUE = "village_venue", _("村级活动场所")
    CULTURE = "culture", _("党建文化阵地")


class Venue(TopOrgMixin, NoDeleteModel):
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属党组织"))
    kind = models.CharField(_("类别"), max_length=16, choices=VenueKind.choices)
    name = models.CharField(_("名称"), max_length=120)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    area = models.PositiveIntegerField(_("面积（平方米）"), null=True, blank=True)
    equipment = models.JSONField(_("设备"), default=list)  # [{"name": "电视机", "count": 1}]
    admin_name = models.CharField(_("管理员"), max_length=60)
    admin_member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField(_("建成日期"), null=True, blank=True)
    closed_on = models.DateField(_("停用日期"), null=True, blank=True)

    SCOPE_PATH = "org__path"
    SCOPE_SELF_ORG = True

    class Meta:
        ordering = ["org_id", "kind", "name"]

    def __str__(self):
        return self.name


def course_path(instance, filename):
    return f"education/courses/{secrets.token_hex(8)}-{filename[-80:]}"


class CourseKind(models.TextChoices):
    VIDEO = "video", _("视频")
    DOCUMENT = "document", _("文档")


class Course(TopOrgMixin, NoDeleteModel):
    """A course in the catalogue: a video or a document stored on this server, with the hours it credits."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("发布党组织"))
    title = models.CharField(_("课程名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, choices=CourseKind.choices)
    topic = models.CharField(_("专题"), max_length=60, blank=True)
    file = models.FileField(_("文件"), upload_to=course_path)
    file_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    description = models.TextField(_("简介"), max_length=2000, blank=True)
    withdrawn_on = models.DateField(_("下架日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "org__path"

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class StudySession(NoDeleteModel):
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="sessions")
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions")
    title = models.CharField(_("学习内容"), max_length=200)
    held_on = models.DateField(_("日期"), db_index=True)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    host = models.CharField(_("主持人"), max_length=60)
    members = models.ManyToManyField("members.Member", through="Attendance", related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "venue__org__path"

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["venue", "held_on"])]

    def __str__(self):
        return self.title


class Attendance(TopOrgMixin, NoDeleteModel):
    session = models.ForeignKey(StudySession, on_delete=models.PROTECT, related_name="attendance")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    credit_id = models.BigIntegerField(null=True, blank=True)  # training.Credit the hours went to

    TOP_ORG_FROM = "member"  # the distribution column follows the member (core.distribution)
    SCOPE_PATH = "session__venue__org__path"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="attendance_once")]
