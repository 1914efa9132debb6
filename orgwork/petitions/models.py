"""Petitions (信访): the register of all channels, replies, satisfaction, repeat links; leaders' reception days,
bookings and records. Never deleted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.models import NoDeleteModel

from .rules import CATEGORIES, RESULTS


class Channel(models.TextChoices):
    ONLINE = "online", _("网上信访")
    SMS = "sms", _("短信信访")
    VISIT = "visit", _("来访")
    LETTER = "letter", _("来信")
    PHONE = "phone", _("来电")


class Status(models.TextChoices):
    RECEIVED = "received", _("已登记，待决定是否受理")
    ACCEPTED = "accepted", _("已受理，正在办理")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    TRANSFERRED = "transferred", _("已转送有权处理机关")
    CONCLUDED = "concluded", _("已办结")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已结案")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Petition(TopOrgMixin, NoDeleteModel):
    SCOPE_PATH = "org__path"
    org = models.ForeignKey("orgs.Org", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="petitions")
    reference = models.CharField(_("信访编号"), max_length=30, unique=True)
    channel = models.CharField(_("信访渠道"), max_length=10, choices=Channel.choices)
    category = models.CharField(_("信访类别"), max_length=30, choices=CATEGORIES)
    petitioner_name = models.CharField(_("信访人"), max_length=60, blank=True)
    petitioner_phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="petitions")
    content = models.TextField(_("信访内容"))
    received_on = models.DateField(_("登记日期"), db_index=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    result = models.CharField(_("办理意见"), max_length=20, choices=RESULTS, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=20, choices=Satisfaction.choices, blank=True)
    satisfaction_note = models.CharField(_("评价意见"), max_length=500, blank=True)
    repeat_of = models.ForeignKey("self", verbose_name=_("重复信访"), null=True, blank=True, on_delete=models.PROTECT, related_name="repeats")
    procedure = models.OneToOneField("core.ProcedureInstance", null=True, blank=True, on_delete=models.PROTECT, related_name="petition")
    rule_version = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("信访事项")
        ordering = ["-received_on", "-id"]

    def __str__(self):
        return self.reference

    @property
    def anonymous(self) -> bool:
        return not self.petitioner_name and not self.petitioner_phone and self.user_id is None


class Reply(NoDeleteModel):
    SCOPE_PATH = "petition__org__path"
    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="replies")
    text = models.TextField(_("答复内容"))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sms_sent = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class Level(models.TextChoices):
    CITY = "city", _("市级领导")
    COUNTY = "county", _("县级领导")


class Leader(TopOrgMixin, NoDeleteModel):
    SCOPE_PATH = "org__path"
    org = models.ForeignKey("orgs.Org", verbose_name=_("所在党组织"), on_delete=models.PROTECT, related_name="reception_leaders")
    name = models.CharField(_("姓名"), max_length=60)
    post = models.CharField(_("职务"), max_length=120)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    active = models.BooleanField(_("在任"), default=True)

    class Meta:
        ordering = ["level", "name"]

    def __str__(self):
        return f"{self.name}（{self.post}）"


class ReceptionDay(NoDeleteModel):
    SCOPE_PATH = "leader__org__path"
    leader = models.ForeignKey(Leader, on_delete=models.PROTECT, related_name="days")
    date = models.DateField(_("接访日期"), db_index=True)
    place = models.CharField(_("地点"), max_length=200)
    published = models.BooleanField(_("已公布"), default=True)
    held = models.BooleanField(_("已接访"), default=False)
    record = models.TextField(_("接访记录"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    RECEIVED = "received", _("已接待")
    CLOSED = "closed", _("已办结")


class Booking(NoDeleteModel):
    SCOPE_PATH = "day__leader__org__path"
    day = models.ForeignKey(ReceptionDay, on_delete=models.PROTECT, related_name="bookings")
    name = models.CharField(_("姓名"), max_length=60)
    phone = models.CharField(_("联系电话"), max_length=20)
    topic = models.CharField(_("反映事项"), max_length=500)
    status = models.CharField(_("状态"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    petition = models.ForeignKey(Petition, null=True, blank=True, on_delete=models.PROTECT, related_name="bookings")
    follow_up = models.CharField(_("跟踪办理情况"), max_length=500, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
