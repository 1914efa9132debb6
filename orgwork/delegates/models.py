"""Party congress delegates (党代表): congresses and their delegates, delegate offices, reception days, opinions
followed to closure, proposals with their handling unit and the proposer's satisfaction, and online questions
to units (网络问政) answered in public within a time limit."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.models import NoDeleteModel


class Congress(TopOrgMixin, NoDeleteModel):
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("召集党委"))
    name = models.CharField(_("大会名称"), max_length=120)
    term_start = models.DateField(_("届期开始"))
    term_end = models.DateField(_("届期结束"))
    targets = models.JSONField(_("代表结构目标"), default=dict, blank=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("党代表大会")
        verbose_name_plural = _("党代表大会")
        ordering = ["-term_start", "pk"]

    def __str__(self):
        return self.name


class Occupation(models.TextChoices):
    WORKER = "worker", _("工人")
    FARMER = "farmer", _("农民")
    CADRE = "cadre", _("领导干部")
    PROFESSIONAL = "professional", _("专业技术人员")
    OTHER = "other", _("其他")


class Delegate(TopOrgMixin, NoDeleteModel):
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="delegates", verbose_name=_("大会"))
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在党组织"))
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=60)
    female = models.BooleanField(_("女性"), default=False)
    birth_date = models.DateField(_("出生日期"))
    occupation = models.CharField(_("身份"), max_length=20, choices=Occupation.choices)
    active = models.BooleanField(_("在任"), default=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("党代表")
        verbose_name_plural = _("党代表")
        ordering = ["congress_id", "name", "pk"]

    def __str__(self):
        return self.name


class Office(TopOrgMixin, NoDeleteModel):
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在党组织"))
    name = models.CharField(_("工作室名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("党代表工作室")
        verbose_name_plural = _("党代表工作室")
        ordering = ["org_id", "name"]

    def __str__(self):
        return self.name


class Reception(NoDeleteModel):
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="receptions", verbose_name=_("工作室"))
    day = models.DateField(_("接待日期"), db_index=True)
    starts = models.TimeField(_("开始"))
    ends = models.TimeField(_("结束"))
    delegates = models.ManyToManyField(Delegate, related_name="receptions", verbose_name=_("接待代表"))
    visitors = models.PositiveIntegerField(_("接待人次"), default=0)
    note = models.CharField(_("情况记录"), max_length=500, blank=True)

    SCOPE_PATH = "office__org__path"

    class Meta:
        verbose_name = _("接待日")
        verbose_name_plural = _("接待日")
        ordering = ["-day", "pk"]

    def __str__(self):
        return f"{self.office.name} {self.day:%Y-%m-%d}"


class OpinionState(models.TextChoices):
    RECEIVED = "received", _("已收集")
    PASSED = "passed", _("已转交承办单位")
    FOLLOWED = "followed", _("跟踪督办中")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")


class Opinion(TopOrgMixin, NoDeleteModel):
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在党组织"))
    reception = models.ForeignKey(Reception, null=True, blank=True, on_delete=models.PROTECT, related_name="opinions")
    delegate = models.ForeignKey(Delegate, null=True, blank=True, on_delete=models.PROTECT, related_name="opinions", verbose_name=_("收集代表"))
    from_name = models.CharField(_("反映人"), max_length=60, blank=True)
    content = models.TextField(_("意见建议"), max_length=3000)
    received_on = models.DateField(_("收集日期"))
    state = models.CharField(_("状态"), max_length=10, choices=OpinionState.choices, default=OpinionState.RECEIVED, db_index=True)
    unit = models.CharField(_("承办单位"), max_length=120, blank=True)
    log = models.JSONField(default=list, blank=True)  # [{"state", "on", "by", "note"}]
    answer = models.TextField(_("答复"), max_length=3000, blank=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("群众意见")
        verbose_name_plural = _("群众意见")
        ordering = ["-received_on", "-pk"]

    def __str__(self):
        return self.content[:30]


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Proposal(NoDeleteModel):
    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="proposals")
    delegate = models.ForeignKey(Delegate, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("提案人"))
    title = models.CharField(_("案由"), max_length=200)
    content = models.TextField(_("内容"), max_length=10000)
    submitted_on = models.DateField(_("提出日期"))
    unit = models.CharField(_("承办单位"), max_length=120, blank=True)
    reply = models.TextField(_("办理答复"), max_length=5000, blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    satisfaction = models.CharField(_("提案人满意度"), max_length=12, choices=Satisfaction.choices, blank=True)

    SCOPE_PATH = "congress__org__path"

    class Meta:
        verbose_name = _("代表提案")
        verbose_name_plural = _("代表提案")
        ordering = ["-submitted_on", "-pk"]

    def __str__(self):
        return self.title


class Question(TopOrgMixin, NoDeleteModel):
    """网络问政: a question from the public to a unit, answered in public."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("被问单位"))
    asker_name = models.CharField(_("提问人"), max_length=60, blank=True)
    title = models.CharField(_("标题"), max_length=120)
    content = models.TextField(_("问题"), max_length=3000)
    asked_on = models.DateField(_("提问日期"))
    due_on = models.DateField(_("答复期限"))
    answer = models.TextField(_("答复"), max_length=5000, blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    answered_by_name = models.CharField(_("答复人"), max_length=60, blank=True)
    rule_version = models.CharField(max_length=20, blank=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("网络问政")
        verbose_name_plural = _("网络问政")
        ordering = ["-asked_on", "-pk"]

    def __str__(self):
        return self.title

    @property
    def in_time(self) -> bool | None:
        return None if self.answered_on is None else self.answered_on <= self.due_on
