"""Terms ending within the reminder window (6 months) on the home page; expired and unknown terms are
already there as structure warnings (orgs.selectors.structure_warnings)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from orgwork.core.registry import Item
from orgwork.core.registry import attention as register
from orgwork.orgs import selectors as org_selectors


@register("elections.terms")
def upcoming_terms(actor, under=None):
    out = []
    for org, message in org_selectors.term_reminders(actor):
        if under is not None and not org.path.startswith(under.path):
            continue
        out.append(Item(kind="elections", title=_("%(name)s：即将换届") % {"name": org.name}, detail=message, url=reverse("elections:org", args=[org.pk]), severity="warning", due=org.term_ends_on(), org_id=org.pk))
    return out
