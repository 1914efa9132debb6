"""The public site's frame for every public page (portal, disclosure, questions, polls): sub-sites and entry links."""

from django import template

register = template.Library()


@register.simple_tag
def portal_frame():
    from ..selectors import sites
    from ..views import public_links

    return {"sites": list(sites()), "links": public_links()}
