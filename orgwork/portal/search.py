"""The console's global search: portal articles in the actor's reach."""

from __future__ import annotations

from django.urls import reverse


def articles(actor, q, *, limit):
    from . import selectors

    q = (q or "").strip()
    if not q:
        return []
    qs = selectors.articles(actor).filter(title__icontains=q)[:limit]  # a search hit list: the page says "first N", the full list is the portal console
    return [{"title": a.title, "detail": f"{a.site.name} · {a.get_state_display()}", "url": reverse("portal:edit", args=[a.pk])} for a in qs]
