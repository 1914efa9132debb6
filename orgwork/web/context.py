from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from orgwork.core import registry
from orgwork.core.gate import is_member_only
from orgwork.core.middleware import actor_for_request


def _nav(request, actor):
    """Left navigation grouped by section, from what every app registered; the current page marked."""
    if is_member_only(actor):
        return []
    sections: list[dict] = []
    best = None
    for item in registry.nav_items_for(actor):
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entry = {"label": item.label, "url": url, "icon": item.icon, "active": False}
        if not sections or sections[-1]["title"] != str(item.section):
            match = next((s for s in sections if s["title"] == str(item.section)), None)
            if match is None:
                match = {"title": str(item.section), "items": []}
                sections.append(match)
        else:
            match = sections[-1]
        match["items"].append(entry)
        path = request.path
        if (url == "/" and path == "/") or (url != "/" and path.startswith(url)):
            if best is None or len(url) > len(best["url"]):
                best = entry
    if best is not None:
        best["active"] = True
    return sections


def console(request):
    """What every console page needs: the actor, their grants (for the scope switcher), the navigation."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"brand_name": _("组工云")}
    actor = actor_for_request(request)
    return {
        "brand_name": _("组工云"),
        "actor": actor,
        "grants": actor.grants,
        "active_grant": actor.active_grant,
        "nav_sections": _nav(request, actor),
        "member_only": is_member_only(actor),
    }
