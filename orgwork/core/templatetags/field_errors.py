"""{% load field_errors %}: a form's errors beside the input they belong to, on pages whose forms are raw HTML inputs.

    <input name="topic" …>{% field_errors form "topic" %}           a bound Django form
    <input name="org" …>{% field_errors errors "org,org_id" %}      a list of core.errors.FieldError (or a ServiceError)
    <div class="field{% if errors|has_errors:'topic' %} has-error{% endif %}">
    {% for e in errors|unplaced:"org,topic" %}…{% endfor %}          what no field on the page shows (for the top)

The messages are the services' and forms' own (each names its field); nothing is re-worded here.
"""

from __future__ import annotations

from django import forms, template

from orgwork.core.errors import FieldError, ServiceError

register = template.Library()


def _names(names) -> set[str]:
    return {n.strip() for n in str(names or "").split(",") if n.strip()}


def error_items(source) -> list[tuple[str, str]]:
    """(field, message) pairs from a bound form, a ServiceError or a list of FieldError / {"field", "message"} dicts."""
    if not source:
        return []
    if isinstance(source, ServiceError):
        source = source.errors
    if isinstance(source, forms.BaseForm):
        if not source.is_bound:
            return []
        out = []
        for name, errs in source.errors.items():
            out += [("form" if name == "__all__" else name, str(m)) for m in errs]
        return out
    out = []
    for e in source:
        if isinstance(e, FieldError):
            out.append((e.field, str(e.message)))
        elif isinstance(e, dict):
            out.append((str(e.get("field", "")), str(e.get("message", ""))))
    return out


def messages_for(source, names) -> list[str]:
    wanted = _names(names)
    seen, out = set(), []
    for field, message in error_items(source):
        if field in wanted and message not in seen:
            seen.add(message)
            out.append(message)
    return out


@register.inclusion_tag("core/_field_errors.html")
def field_errors(source, names):
    return {"messages": messages_for(source, names), "field": ",".join(sorted(_names(names)))}


@register.filter
def has_errors(source, names) -> bool:
    return bool(messages_for(source, names))


@register.filter
def unplaced(source, names) -> list[FieldError]:
    """The errors of fields not shown on the page (and the form's own): they stay in the list at the top."""
    wanted = _names(names)
    return [FieldError(field, "", message) for field, message in error_items(source) if field not in wanted]
