"""Portal writes: sites and columns, articles through draft → review (incl. secrecy) → publish, attachments.
Every write is validated, runs in one transaction and appends an audit event; publishing clears the cached pages."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgwork.core import audit, params
from orgwork.core.actor import Actor
from orgwork.core.errors import FieldError, NotFound, PermissionDenied, ServiceError
from orgwork.core.fields import subtree_q
from orgwork.core.scope import get_in_scope, scope
from orgwork.orgs.models import Org, Sector

from . import cache
from .models import Article, Attachment, Column, State, SubSite
from .rules import portal_rules

DEFAULT_COLUMNS = [("news", "工作动态"), ("notices", "通知公告"), ("policy", "政策文件"), ("models", "先进典型")]


def _name(actor: Actor) -> str:
    u = getattr(actor, "user", None)
    if u is None:
        return actor.label
    return (u.get_full_name() or u.first_name or actor.label)[:60]


def can_write_site(actor: Actor, site: SubSite) -> bool:
    return actor.unrestricted or any(site.org.path.startswith(p) for p in actor.subtree_paths(write=True))


@transaction.atomic
def ensure_sites(*, actor: Actor, root_org_id) -> list[SubSite]:
    """The main site and one sub-site per sector present under the root (idempotent), with default columns.

    Names are stored in Chinese whatever language the acting user reads the console in (the labels are lazy)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return _ensure_sites(actor=actor, root_org_id=root_org_id)


def _ensure_sites(*, actor: Actor, root_org_id) -> list[SubSite]:
    root = params.writable_org(actor, root_org_id)
    made = []
    sectors_present = set(Org.objects.filter(subtree_q(root.path, "path"), abolished_on__isnull=True).values_list("sector", flat=True))
    wanted = [("main", f"{root.short_name or root.name}党建网", "", 0)]
    for i, (code, label) in enumerate(Sector.choices):
        if code in sectors_present and code != Sector.OTHER:
            wanted.append((code, f"{label!s}党建", code, 10 + i))
    for slug, name, sector, order in wanted:
        site, created = SubSite.objects.get_or_create(slug=slug, defaults={"name": name, "sector": sector, "org": root, "order": order})
        if created:
            for j, (cslug, cname) in enumerate(DEFAULT_COLUMNS):
                Column.objects.create(site=site, slug=cslug, name=str(cname), order=j)
            audit.record(actor, "portal.site_create", site, changes={"name": [None, name]})
            made.append(site)
    if made:
        cache.invalidate()
    return made


def _check_fields(*, title, body, summary) -> list[FieldError]:
    errors = []
    if not (title or "").strip():
        errors.append(FieldError("title", "required", _("请填写标题")))
    elif len(title) > 120:
        errors.append(FieldError("title", "too_long", _("标题不能超过120字")))
    if not (body or "").strip():
        errors.append(FieldError("body", "required", _("请填写正文")))
    elif len(body) > 30000:
        errors.append(FieldError("body", "too_long", _("正文不能超过30000字")))
    if len(summary or "") > 300:
        errors.append(FieldError("summary", "too_long", _("摘要不能超过300字")))
    return errors


def _site_and_column(site_id, column_id) -> tuple[SubSite, Column]:
    site = SubSite.objects.select_related("org").filter(pk=params.to_id(site_id, field="site", label=_("站点"), required=True)).first()
    if site is None:
        raise ServiceError.single("site", "unknown", _("站点不存在"))
    column = Column.objects.filter(site=site, pk=params.to_id(column_id, field="column", label=_("栏目"), required=True)).first()
    if column is None:
        raise ServiceError.single("column", "unknown", _("栏目不属于所选站点"))
    return site, column


def _check_org_for_site(org: Org, site: SubSite) -> None:
    if not org.path.startswith(site.org.path):
        raise ServiceError.single("org", "not_allowed", _("%(name)s不在%(name2)s的范围内") % {"name": org.name, "name2": site.name})
    if site.sector and org.sector != site.sector:
        raise ServiceError.single("site", "not_allowed", _("%(name)s属于“%(sector)s”领域，不能在%(name2)s发稿") % {"name": org.name, "sector": org.get_sector_display(), "name2": site.name})


@transaction.atomic
def create_article(*, actor: Actor, site_id, column_id, org_id, title: str, body: str, summary: str = "", kind: str = "news") -> Article:
    org = params.writable_org(actor, org_id)
    site, column = _site_and_column(site_id, column_id)
    _check_org_for_site(org, site)
    errors = _check_fields(title=title, body=body, summary=summary)
    if kind not in ("news", "notice"):
        errors.append(FieldError("kind", "bad_value", _("类别不正确")))
    if errors:
        raise ServiceError(errors)
    a = Article.objects.create(
        site=site, column=column, org=org, kind=kind, title=title.strip(), summary=(summary or "").strip(), body=body.strip(),
        author=getattr(actor, "user", None), author_name=_name(actor),
    )  # fmt: skip
    audit.record(actor, "portal.article_create", a, changes={"title": [None, a.title], "state": [None, a.state]})
    return a


def _article_for_write(actor: Actor, article_id) -> Article:
    pk = params.to_id(article_id, field="article", label=_("文章"), required=True)
    return get_in_scope(Article.objects.select_for_update().select_related("site__org", "org"), actor, write=True, pk=pk)


def _article_for_review(actor: Actor, article_id) -> Article:
    """Reviewers act on the site they run: write scope over the site's managing org (the sector committee)."""
    pk = params.to_id(article_id, field="article", label=_("文章"), required=True)
    a = Article.objects.select_for_update().select_related("site__org", "org").filter(pk=pk).first()
    if a is None or not (can_write_site(actor, a.site) or scope(Article.objects.filter(pk=pk), actor).exists()):
        raise NotFound()
    if not can_write_site(actor, a.site):
        raise PermissionDenied(_("只有站点主管党组织的工作人员可以审核和发布"))
    return a


@transaction.atomic
def update_article(*, actor: Actor, article_id, title: str, body: str, summary: str = "") -> Article:
    a = _article_for_write(actor, article_id)
    if a.state not in (State.DRAFT, State.RETURNED):
        raise ServiceError.single("article", "not_allowed", _("“%(state)s”的文章不能修改，请先撤回") % {"state": a.get_state_display()})
    errors = _check_fields(title=title, body=body, summary=summary)
    if errors:
        raise ServiceError(errors)
    before = audit.snapshot(a, ["title", "summary", "body"])
    a.title, a.body, a.summary = title.strip(), body.strip(), (summary or "").strip()
    a.save(update_fields=["title", "body", "summary", "updated_at"])
    audit.record(actor, "portal.article_update", a, changes=audit.diff(before, audit.snapshot(a, ["title", "summary", "body"])))
    return a


@transaction.atomic
def submit(*, actor: Actor, article_id) -> Article:
    a = _article_for_write(actor, article_id)
    if a.state not in (State.DRAFT, State.RETURNED):
        raise ServiceError.single("article", "not_allowed", _("“%(state)s”的文章不能送审") % {"state": a.get_state_display()})
    old = a.state
    a.state, a.submitted_at = State.REVIEW, timezone.now()
    a.save(update_fields=["state", "submitted_at", "updated_at"])
    audit.record(actor, "portal.article_submit", a, changes={"state": [old, a.state]})
    return a


@transaction.atomic
def review(*, actor: Actor, article_id, approve: bool, secrecy_checked: bool, comment: str = "") -> Article:
    a = _article_for_review(actor, article_id)
    rules = portal_rules()
    if a.state != State.REVIEW:
        raise ServiceError.single("article", "not_allowed", _("“%(state)s”的文章不在审核中") % {"state": a.get_state_display()})
    user = getattr(actor, "user", None)
    if rules["reviewer_not_author"] and user is not None and a.author_id == user.pk:
        raise ServiceError.single("article", "not_allowed", _("撰稿人不能审核自己的文章"))
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ServiceError.single("comment", "too_long", _("审核意见不能超过500字"))
    if approve and rules["secrecy_review_required"] and not secrecy_checked:
        raise ServiceError.single("secrecy_checked", "required", _("请完成保密审查（确认不含涉密内容）后再通过"))
    if not approve and not comment:
        raise ServiceError.single("comment", "required", _("退回时请填写审核意见"))
    old = a.state
    a.state = State.APPROVED if approve else State.RETURNED
    a.secrecy_checked = bool(approve and secrecy_checked)
    a.review_comment, a.reviewer, a.reviewer_name, a.reviewed_at = comment, user, _name(actor), timezone.now()
    a.save(update_fields=["state", "secrecy_checked", "review_comment", "reviewer", "reviewer_name", "reviewed_at", "updated_at"])
    audit.record(actor, "portal.article_review", a, changes={"state": [old, a.state], "secrecy_checked": [False, a.secrecy_checked]}, data={"comment": comment})
    return a


@transaction.atomic
def publish(*, actor: Actor, article_id) -> Article:
    try:
        a = _article_for_write(actor, article_id)
    except NotFound:
        a = _article_for_review(actor, article_id)
    if a.state != State.APPROVED or not a.secrecy_checked:
        raise ServiceError.single("article", "not_allowed", _("文章须经审核（含保密审查）通过后才能发布"))
    a.state, a.published_at, a.publisher_name = State.PUBLISHED, timezone.now(), _name(actor)
    a.save(update_fields=["state", "published_at", "publisher_name", "updated_at"])
    audit.record(actor, "portal.article_publish", a, changes={"state": [State.APPROVED, a.state]})
    transaction.on_commit(lambda: cache.invalidate(a.pk))
    return a


@transaction.atomic
def withdraw(*, actor: Actor, article_id, reason: str) -> Article:
    try:
        a = _article_for_write(actor, article_id)
    except NotFound:
        a = _article_for_review(actor, article_id)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError.single("reason", "required", _("请填写撤回原因"))
    if len(reason) > 200:
        raise ServiceError.single("reason", "too_long", _("撤回原因不能超过200字"))
    if a.state not in (State.PUBLISHED, State.APPROVED, State.REVIEW):
        raise ServiceError.single("article", "not_allowed", _("“%(state)s”的文章无需撤回") % {"state": a.get_state_display()})
    old = a.state
    a.state, a.secrecy_checked = State.WITHDRAWN if old == State.PUBLISHED else State.DRAFT, False
    a.save(update_fields=["state", "secrecy_checked", "updated_at"])
    audit.record(actor, "portal.article_withdraw", a, changes={"state": [old, a.state]}, data={"reason": reason})
    transaction.on_commit(lambda: cache.invalidate(a.pk))
    return a


@transaction.atomic
def add_attachment(*, actor: Actor, article_id, upload) -> Attachment:
    a = _article_for_write(actor, article_id)
    rules = portal_rules()
    if a.state not in (State.DRAFT, State.RETURNED):
        raise ServiceError.single("file", "not_allowed", _("只有草稿或退回修改的文章可以添加附件"))
    if upload is None:
        raise ServiceError.single("file", "required", _("请选择文件"))
    name = PurePosixPath(str(upload.name).replace("\\", "/")).name[:200]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in rules["file_ext"]:
        raise ServiceError.single("file", "bad_value", _("不支持的文件类型“%(value)s”") % {"value": ext or _("无扩展名")})
    if upload.size > rules["max_file_mb"] * 1024 * 1024:
        raise ServiceError.single("file", "out_of_range", _("文件超过%(max_file_mb)sMB") % {"max_file_mb": rules['max_file_mb']})
    if a.attachments.count() >= rules["max_files"]:
        raise ServiceError.single("file", "out_of_range", _("每篇文章最多%(max_files)s个附件") % {"max_files": rules['max_files']})
    att = Attachment(article=a, name=name, is_image=ext in rules["image_ext"], size=upload.size)
    att.file.save(name, upload, save=False)
    att.save()
    audit.record(actor, "portal.attachment_add", att, org_path=a.org.path, data={"article": a.pk, "name": name, "size": upload.size})
    return att


@transaction.atomic
def assign_site(*, actor: Actor, site_id, org_id) -> SubSite:
    """Hand a sector sub-site to the committee that runs that sector (e.g. 两新组织党工委): its staff then review and
    publish there. Only staff who run the site now may hand it on, and only to an org inside the site's area."""
    site = SubSite.objects.select_for_update().select_related("org").filter(pk=params.to_id(site_id, field="site", label=_("站点"), required=True)).first()
    if site is None or not can_write_site(actor, site):
        raise NotFound()
    org = params.writable_org(actor, org_id)
    if not org.path.startswith(site.org.path):
        raise ServiceError.single("org", "not_allowed", _("%(name)s不在%(name2)s原主管党组织的范围内") % {"name": org.name, "name2": site.name})
    old = site.org.name
    site.org = org
    site.save(update_fields=["org"])
    audit.record(actor, "portal.site_assign", site, changes={"org": [old, org.name]})
    cache.invalidate()
    return site
