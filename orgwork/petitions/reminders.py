"""Petition time limits (15 days to decide, 60 to conclude, +30 — rules.py) are reminded by the kernel's procedure
provider; gaps in leaders' reception are an attention item on the home page of those who keep the schedule."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from orgwork.core import deadlines, registry

from .rules import KIND


@deadlines.procedure_link(KIND)
def petition_link(instance) -> str:
    return reverse("petitions:detail", args=[instance.subject_id]) if instance.subject_id else reverse("petitions:register")


@registry.attention("petitions.reception_gaps")
def reception_gaps(actor, *, under=None):
    from .selectors import READ_ROLES, gaps

    if not actor.unrestricted and not actor.has_role(*READ_ROLES):
        return []
    out = []
    for g in gaps(actor):
        out.append(registry.Item(
            kind="petitions.reception_gap",
            title=(_("%(name)s（%(post)s）未按期接访") if g.kind == "missed" else _("%(name)s（%(post)s）本期尚未安排接访")) % {"name": g.leader.name, "post": g.leader.post},
            detail=_("%(start)s至%(end)s") % {"start": g.start.isoformat(), "end": g.end.isoformat()}, url=reverse("petitions:reception"),
            severity="danger" if g.kind == "missed" else "warning", due=g.end, org_id=g.leader.org_id,
        ))
    return out
