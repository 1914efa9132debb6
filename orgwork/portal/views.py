"""The public portal (no account; pages cached, cleared on publish) and the editors' console pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from orgwork.core import gate, params
from orgwork.core.errors import NotFound, PermissionDenied, ServiceError

from . import cache as page_cache
from . import forms, selectors, services
from .models import State
from .rules import portal_rules

PAGE = 20


def public_links() -> list[tuple[str, str]]:
    """The public entry points of the other channels (12380, the petition hall), where those apps are installed.

    Each is looked up by URL name when it exists at render time (the apps are built separately), else a plain link."""
    out = []
    for names, label, fallback in (
        (("tipoffs:submit", "tipoffs_public:form"), _("12380举报"), "/12380/"),
        (("petitions:submit", "petitions_public:form", "petitions_public:submit"), _("网上信访大厅"), "/petitions/"),
    ):
        out.append((label, _first_url(names) or fallback))
    for name, label in (("disclosure:public", _("党务公开")), ("delegates:questions", _("网络问政")), ("polls:public", _("民意调查"))):
        url = _first_url((name,))
        if url:
            out.append((label, url))
    return out


def _first_url(names) -> str:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def _cached(key: str, build) -> HttpResponse:
    html = cache.get(key)
    if html is None:
        html = build()
        cache.set(key, html, portal_rules()["page_cache_seconds"])
    return HttpResponse(html)


def _ctx(**kw):
    return kw


@gate.public
def home(request):
    def build():
        sites = list(selectors.sites())
        blocks = [(s, list(selectors.latest(site=s)[:6])) for s in sites if s.sector]
        main = next((s for s in sites if not s.sector), None)
        return render_to_string(
            "portal/home.html",
            _ctx(main=main, news=list(selectors.latest(kind="news")[:10]), notices=list(selectors.notices()[:10]), blocks=blocks),
        )

    return _cached(page_cache.list_key(f"home:{request.LANGUAGE_CODE}"), build)


def _page_number(request) -> int:
    return params.integer(request.GET, "page", label=_("页码"), default=1, min_value=1, max_value=params.PAGE_MAX)


@gate.public
def site(request, slug, column=""):
    s = selectors.site_by_slug(slug)
    if s is None:
        raise Http404
    col = None
    if column:
        col = selectors.column_of(s, column)
        if col is None:
            raise Http404
    number = _page_number(request)

    def build():
        page = Paginator(selectors.latest(site=s, column=col), PAGE).get_page(number)
        return render_to_string("portal/site.html", _ctx(site=s, column=col, columns=list(s.columns.all()), page=page))

    return _cached(page_cache.list_key(f"site:{s.pk}:{col.pk if col else 0}:{number}:{request.LANGUAGE_CODE}"), build)


@gate.public
def notices(request):
    number = _page_number(request)

    def build():
        return render_to_string("portal/site.html", _ctx(site=None, title=_("通知公告"), page=Paginator(selectors.notices(), PAGE).get_page(number)))

    return _cached(page_cache.list_key(f"notices:{number}:{request.LANGUAGE_CODE}"), build)


@gate.public
def article(request, pk):
    key = page_cache.article_key(pk, request.LANGUAGE_CODE)
    html = cache.get(key)
    if html is None:
        a = selectors.published_article(pk)
        if a is None:
            raise Http404
        html = render_to_string("portal/article.html", _ctx(a=a, attachments=list(a.attachments.all())))
        cache.set(key, html, portal_rules()["page_cache_seconds"])
    return HttpResponse(html)


@gate.public
def search(request):
    form = forms.SearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(selectors.search(q), PAGE).get_page(_page_number(request))
    return render(request, "portal/site.html", _ctx(site=None, title=_("搜索"), q=q, page=page, searching=True))


@gate.public
def attachment(request, pk):
    att = selectors.public_attachment(pk)
    if att is None:
        raise Http404
    return FileResponse(att.file.open("rb"), filename=att.name, as_attachment=not att.is_image)


# --- console ------------------------------------------------------------------------------------
@gate.staff
def console(request, actor):
    if request.method == "POST":
        assign = forms.AssignForm(request.POST)
        try:
            if not assign.is_valid():
                raise ServiceError.single("org", "required", _("请选择主管党组织"))
            services.assign_site(actor=actor, site_id=assign.cleaned_data["site"], org_id=assign.cleaned_data["org"])
            messages.success(request, _("已保存"))
        except NotFound:
            raise Http404 from None
        except ServiceError as exc:
            for e in exc.errors:
                messages.error(request, e.message)
        return redirect("portal:console")
    form = forms.FilterForm(request.GET or None)
    qs = selectors.articles(actor)
    if form.is_valid():
        if form.cleaned_data["state"]:
            qs = qs.filter(state=form.cleaned_data["state"])
        if form.cleaned_data["q"]:
            qs = qs.filter(title__icontains=form.cleaned_data["q"])
    page = Paginator(qs, 50).get_page(_page_number(request))
    queue = Paginator(selectors.review_queue(actor), 50).get_page(params.integer(request.GET, "qpage", label=_("页码"), default=1, min_value=1, max_value=params.PAGE_MAX))
    run = [s for s in selectors.sites() if services.can_write_site(actor, s)]
    return render(request, "portal/console.html", {"form": form, "page": page, "queue": queue, "run": run, "crumbs": [(_("门户网站"), "")]})


@gate.staff
def new(request, actor):
    sites = selectors.editable_sites(actor)
    form = forms.ArticleForm(request.POST or None, sites=sites)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        site_id, column_id = d["column"].split(":")
        try:
            a = services.create_article(actor=actor, site_id=site_id, column_id=column_id, org_id=d["org"], title=d["title"], body=d["body"], summary=d["summary"], kind=d["kind"])
        except ServiceError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, _("已保存草稿"))
            return redirect("portal:edit", pk=a.pk)
    return render(request, "portal/new.html", {"form": form, "crumbs": [(_("门户网站"), reverse("portal:console")), (_("写文章"), "")]})


@gate.staff
def edit(request, actor, pk):
    a = selectors.article_for(actor, pk)
    if a is None:
        raise Http404
    action = forms.ActionForm(request.POST).choice("action", "") if request.method == "POST" else ""
    edit_form = forms.EditForm(request.POST if action == "save" else None, initial={"title": a.title, "summary": a.summary, "body": a.body}, prefix="e")
    review_form = forms.ReviewForm(request.POST if action == "review" else None, prefix="r")
    withdraw_form = forms.WithdrawForm(request.POST if action == "withdraw" else None, prefix="w")
    upload_form = forms.UploadForm(request.POST if action == "upload" else None, request.FILES if action == "upload" else None, prefix="u")
    bound = {"save": edit_form, "review": review_form, "withdraw": withdraw_form, "upload": upload_form}.get(action)
    if request.method == "POST":
        try:
            if action == "submit":
                services.submit(actor=actor, article_id=a.pk)
                messages.success(request, _("已送审"))
            elif action == "publish":
                services.publish(actor=actor, article_id=a.pk)
                messages.success(request, _("已发布"))
            elif bound is not None and bound.is_valid():
                d = bound.cleaned_data
                if action == "save":
                    services.update_article(actor=actor, article_id=a.pk, **d)
                elif action == "review":
                    services.review(actor=actor, article_id=a.pk, approve=d["decision"] == "approve", secrecy_checked=d["secrecy_checked"], comment=d["comment"])
                elif action == "withdraw":
                    services.withdraw(actor=actor, article_id=a.pk, reason=d["reason"])
                elif action == "upload":
                    services.add_attachment(actor=actor, article_id=a.pk, upload=d["file"])
                messages.success(request, _("已保存"))
            else:
                raise ServiceError.single("action", "bad_value", _("请按提示填写"))
            return redirect("portal:edit", pk=a.pk)
        except (NotFound, PermissionDenied) as exc:
            messages.error(request, str(exc) or _("无权进行此操作"))
        except ServiceError as exc:
            if bound is not None:
                forms.apply_errors(bound, exc)
            for e in exc.errors:
                messages.error(request, e.message)
        a = selectors.article_for(actor, pk)
    user = getattr(actor, "user", None)
    ctx = {
        "a": a, "edit_form": edit_form, "review_form": review_form, "withdraw_form": withdraw_form, "upload_form": upload_form,
        "can_edit": a.state in (State.DRAFT, State.RETURNED) and selectors.articles(actor).filter(pk=a.pk).exists(),
        "can_review": a.state == State.REVIEW and services.can_write_site(actor, a.site) and not (user is not None and a.author_id == user.pk),
        "can_publish": a.state == State.APPROVED, "attachments": list(a.attachments.all()),
        "crumbs": [(_("门户网站"), reverse("portal:console")), (a.title, "")],
    }  # fmt: skip
    return render(request, "portal/edit.html", ctx)
