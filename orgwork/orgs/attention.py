"""The org registry's items on the home page's attention list."""

from __future__ import annotations


def structure_attention(actor, under=None):
    """Structure warnings (rules.md §1) as home-page attention items."""
    from django.urls import reverse

    from orgwork.core.registry import Item

    from .selectors import WARNING_LABELS, structure_warnings

    severity = {"term_expired": "danger", "too_few_full_members": "warning", "too_many_members": "warning", "committee_required": "warning", "term_unknown": "info"}
    return [
        Item(
            kind="structure",
            title=f"{w.org_name}：{WARNING_LABELS.get(w.code, w.code)}",
            detail=w.message,
            url=reverse("orgs:detail", args=[w.org_id]),
            severity=severity.get(w.code, "warning"),
            org_id=w.org_id,
        )
        for w in structure_warnings(actor, under=under)
    ]
