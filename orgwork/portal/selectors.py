"""Portal reads. Public reads see published articles only; console reads go through the scope."""

from __future__ import annotations

from django.db.models import Q

from orgwork.core.actor import Actor
from orgwork.core.scope import scope

from .models import Article, Attachment, Column, Kind, State, SubSite
from .services import can_write_site


def sites():
    return SubSite.objects.select_related("org").order_by("order", "pk")


def published():
    return Article.objects.filter(state=State.PUBLISHED).select_related("site", "column", "org")


def site_by_slug(slug: str) -> SubSite | None:
    return SubSite.objects.select_related("org").filter(slug=slug).first()


def column_of(site: SubSite, slug: str) -> Column | None:
    return Column.objects.filter(site=site, slug=slug).first()


def published_article(pk: int) -> Article | None:
    return published().filter(pk=pk).first()


def public_attachment(pk: int) -> Attachment | None:
    return Attachment.objects.filter(pk=pk, article__state=State.PUBLISHED).select_related("article").first()


def latest(*, site: SubSite | None = None, kind: str | None = None, column: Column | None = None):
    qs = published()
    if site is not None and site.sector:
        qs = qs.filter(site=site)
    if kind:
        qs = qs.filter(kind=kind)
    if column is not None:
        qs = qs.filter(column=column)
    return qs.order_by("-published_at", "-pk")


def notices():
    return latest(kind=Kind.NOTICE)


def search(q: str):
    q = (q or "").strip()
    if not q:
        return published().none()
    cond = Q()
    for word in q.split()[:5]:
        cond &= Q(title__icontains=word) | Q(body__icontains=word) | Q(summary__icontains=word)
    return published().filter(cond).order_by("-published_at", "-pk")


# --- console ----------------------------------------------------------------------------------
def articles(actor: Actor):
    """Articles of the orgs in the actor's scope, and those on sites the actor runs (to review)."""
    own = scope(Article.objects.all(), actor).values("pk")
    run = [s.pk for s in sites() if can_write_site(actor, s)]
    return Article.objects.filter(Q(pk__in=own) | Q(site_id__in=run)).select_related("site", "column", "org").order_by("-updated_at", "-pk")


def review_queue(actor: Actor):
    run = [s.pk for s in sites() if can_write_site(actor, s)]
    return Article.objects.filter(site_id__in=run, state__in=[State.REVIEW, State.APPROVED]).select_related("site", "column", "org").order_by("submitted_at", "pk")


def article_for(actor: Actor, pk: int) -> Article | None:
    return articles(actor).filter(pk=pk).first()


def editable_sites(actor: Actor):
    """Sites where the actor may file an article: sites whose area overlaps the actor's write scope."""
    paths = actor.subtree_paths(write=True)
    out = []
    for s in sites():
        if actor.unrestricted or any(s.org.path.startswith(p) or p.startswith(s.org.path) for p in paths):
            out.append(s)
    return out
