from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.fields import BytewiseCharField, ReversedCopyField, ReversedLookupCharField, SparseOneToOneField, sparse_unique
from orgwork.core.models import NoDeleteModel, NoDeleteQuerySet


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Category(models.TextChoices):
    FULL = "full", _("正式党员")
    PROBATIONARY = "probationary", _("预备党员")


class Standing(models.TextChoices):
    NORMAL = "normal", _("正常")
    SUSPENDED = "suspended", _("停止党籍")
    REMOVED = "removed", _("除名")
    EXITED = "exited", _("出党")
    DECEASED = "deceased", _("去世")
    TRANSFERRED_OUT = "transferred_out", _("已转出")


class Education(models.TextChoices):
    DOCTORATE = "doctorate", _("博士研究生")
    MASTER = "master", _("硕士研究生")
    BACHELOR = "bachelor", _("大学本科")
    COLLEGE = "college", _("大学专科")
    SECONDARY = "secondary", _("中专")
    HIGH_SCHOOL = "high_school", _("高中")
    JUNIOR_HIGH = "junior_high", _("初中")
    PRIMARY = "primary", _("小学及以下")


class MemberQuerySet(NoDeleteQuerySet):
    def in_good_standing(self):
        return self.filter(standing=Standing.NORMAL)


class Member(TopOrgMixin, NoDeleteModel):
    """A party member's record, with the national template's fields (全国党员信息采集表)."""

    # Indexes are what a roster import pays per row (each new member is one entry in every index), so the table keeps
    # only those a query reads through: no index on the name (searched with LIKE '%…%', which no B-tree answers; the
    # pinyin and initials columns are the prefix searches), on the birth or joining date (ranges over a whole scope
    # and sorts of one scope's members: the scope's rows are read and sorted) — see docs/scaling.md, "index audit".
    name = models.CharField(_("姓名"), max_length=60)
    name_pinyin = BytewiseCharField(max_length=200, blank=True, db_index=True)
    name_initials = BytewiseCharField(max_length=60, blank=True, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    # Unique, and found by value, through id_tail's unique index (core.fields.ReversedLookupCharField): one B-tree
    # for the uniqueness, the look-up by number and the search by its last digits.
    id_number = ReversedLookupCharField(_("公民身份号码"), max_length=18, reversed_in="id_tail")
    # the old 15-digit number this record's ID number was converted from (an old card in an old roster)
    id_number_old = models.CharField(_("原15位身份证号码"), max_length=15, blank=True, default="")
    id_tail = ReversedCopyField(max_length=18, unique=True, source="id_number")  # reversed: “last digits” is a prefix
    ethnicity = models.CharField(_("民族"), max_length=30, blank=True)
    birth_date = models.DateField(_("出生日期"))
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices, blank=True)
    category = models.CharField(_("人员类别"), max_length=20, choices=Category.choices)
    # no index of its own: (org, standing, category) below starts with it and answers every lookup by org
    org = models.ForeignKey("orgs.Org", verbose_name=_("所在党组织"), on_delete=models.PROTECT, related_name="members", db_index=False)
    # the party group (党小组) of the member's branch the member sits in; a group meeting expects its group.
    # Indexed only where set (most members sit in no group), so a roster import adds no entries for it.
    party_group = models.ForeignKey(
        "orgs.Org", verbose_name=_("所在党小组"), null=True, blank=True, on_delete=models.PROTECT, related_name="group_members", db_index=False
    )
    joined_on = models.DateField(_("入党日期"))
    confirmed_on = models.DateField(_("转为正式党员日期"), null=True, blank=True)
    job = models.CharField(_("工作岗位"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    phone_tail = BytewiseCharField(max_length=30, blank=True, db_index=True, editable=False)
    address = models.CharField(_("家庭住址"), max_length=200, blank=True)
    standing = models.CharField(_("党籍状态"), max_length=20, choices=Standing.choices, default=Standing.NORMAL)
    standing_since = models.DateField(_("状态日期"), null=True, blank=True)
    lost_contact = models.BooleanField(_("是否失联"), default=False)
    lost_contact_on = models.DateField(_("失联日期"), null=True, blank=True)
    # unique where set (most members have no account): no index entry for an empty link (core.fields)
    user = SparseOneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="member")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    TOP_ORG_FROM = "org"  # the distribution column (core.distribution)
    SCOPE_PATH = "org__path"
    SCOPE_MEMBER = "pk"

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        indexes = [
            models.Index(fields=["org", "standing", "category"]),
            models.Index(fields=["party_group"], name="members_party_group_set", condition=models.Q(party_group__isnull=False)),
        ]
        constraints = [sparse_unique("user", "members_member_user_set")]

    def __str__(self):
        return self.name

    @property
    def audit_org_path(self) -> str:
        return self.org.path if self.org_id else ""

    @property
    def party_standing_start(self):
        """The day 党龄 starts counting: full membership (党章第七条), not joining."""
        from .rules import party_standing_start

        return party_standing_start(category=self.category, joined_on=self.joined_on, confirmed_on=self.confirmed_on)

    def party_standing_years(self, on=None):
        from .rules import party_standing_years

        return party_standing_years(category=self.category, joined_on=self.joined_on, confirmed_on=self.confirmed_on, on=on or dt.date.today())

    @property
    def party_age(self):
        """党龄 in whole years today; None for a probationary member (templates show “预备期”)."""
        return self.party_standing_years()

    @property
    def status_label(self) -> str:
        if self.standing == Standing.NORMAL:
            return self.get_category_display()
        return self.get_standing_display()


class StatusAction(models.TextChoices):
    CONFIRM = "confirm", _("转为正式党员")
    SUSPEND = "suspend", _("停止党籍")
    RESTORE = "restore", _("恢复党籍")
    REMOVE = "remove", _("除名")
    EXIT = "exit", _("出党")
    DECEASE = "decease", _("去世")
    TRANSFER_OUT = "transfer_out", _("转出")
    LOST_CONTACT = "lost_contact", _("标记失联")
    FOUND_CONTACT = "found_contact", _("恢复联系")
    TRANSFER_IN = "transfer_in", _("组织关系转入")
    REJOIN = "rejoin", _("重新入党")


class MemberStatusChange(TopOrgMixin, NoDeleteModel):
    """One status change, never edited or deleted: the member's standing history."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="status_changes")
    action = models.CharField(_("变动"), max_length=20, choices=StatusAction.choices)
    effective_on = models.DateField(_("日期"))
    reason = models.CharField(_("原因"), max_length=500)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150)
    org_path = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    TOP_ORG_FROM = "member"  # the distribution column (core.distribution)
    SCOPE_PATH = "member__org__path"
    SCOPE_MEMBER = "member_id"

    class Meta:
        verbose_name = _("党籍变动")
        verbose_name_plural = _("党籍变动")
        ordering = ["-effective_on", "-id"]

    def __str__(self):
        return f"{self.member_id} {self.action} {self.effective_on}"

    @property
    def audit_org_path(self) -> str:
        return self.org_path
