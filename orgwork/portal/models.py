"""The public portal (党建网站): the main site and one sub-site per sector of the org tree, columns, articles with
attachments and images stored locally, and the publishing workflow draft → review (incl. secrecy) → published."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgwork.core.distribution import TopOrgMixin
from orgwork.core.models import NoDeleteModel


class SubSite(TopOrgMixin, NoDeleteModel):
    """The main site (sector "") or a sector's sub-site, run by the staff of `org` (its managing committee) and
    the editors of the orgs of that sector inside it."""

    slug = models.SlugField(_("标识"), max_length=40, unique=True)
    name = models.CharField(_("站点名称"), max_length=60)
    sector = models.CharField(_("领域"), max_length=20, blank=True)
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("主管党组织"))
    order = models.PositiveSmallIntegerField(default=50)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("子站")
        verbose_name_plural = _("子站")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


class Column(NoDeleteModel):
    site = models.ForeignKey(SubSite, on_delete=models.PROTECT, related_name="columns", verbose_name=_("站点"))
    slug = models.SlugField(_("标识"), max_length=40)
    name = models.CharField(_("栏目名称"), max_length=40)
    order = models.PositiveSmallIntegerField(default=50)

    SCOPE_PATH = "site__org__path"

    class Meta:
        verbose_name = _("栏目")
        verbose_name_plural = _("栏目")
        ordering = ["site_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["site", "slug"], name="portal_column_slug")]

    def __str__(self):
        return f"{self.site.name} · {self.name}"


class Kind(models.TextChoices):
    NEWS = "news", _("新闻")
    NOTICE = "notice", _("通知公告")


class State(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REVIEW = "review", _("待审核")
    APPROVED = "approved", _("已审核待发布")
    PUBLISHED = "published", _("已发布")
    RETURNED = "returned", _("退回修改")
    WITHDRAWN = "withdrawn", _("已撤回")


class Article(TopOrgMixin, NoDeleteModel):
    site = models.ForeignKey(SubSite, on_delete=models.PROTECT, related_name="articles", verbose_name=_("站点"))
    column = models.ForeignKey(Column, on_delete=models.PROTECT, related_name="articles", verbose_name=_("栏目"))
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("供稿党组织"))
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField(_("标题"), max_length=120)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    body = models.TextField(_("正文"), max_length=30000)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    author_name = models.CharField(_("撰稿人"), max_length=60, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reviewer_name = models.CharField(_("审核人"), max_length=60, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    secrecy_checked = models.BooleanField(_("已通过保密审查"), default=False)
    review_comment = models.CharField(_("审核意见"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    publisher_name = models.CharField(_("发布人"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    SCOPE_PATH = "org__path"

    class Meta:
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["state", "site", "-published_at"]), models.Index(fields=["state", "kind", "-published_at"])]

    def __str__(self):
        return self.title


def attachment_path(instance, filename):
    return f"portal/{instance.article_id}/{secrets.token_hex(8)}-{filename[-80:]}"


class Attachment(NoDeleteModel):
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    is_image = models.BooleanField(_("图片"), default=False)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    SCOPE_PATH = "article__org__path"

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["pk"]

    def __str__(self):
        return self.name
