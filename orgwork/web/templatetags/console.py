import datetime as dt

from django import template

from orgwork.core import privacy
from orgwork.core.errors import error_kind as _error_kind
from orgwork.core.normalize import years_between
from orgwork.core.present import label_name, person_name

register = template.Library()


@register.filter
def years_since(value):
    """Whole years from a date until today (age, party age)."""
    if not value:
        return ""
    return years_between(value, dt.date.today())


@register.filter
def mask_id(value):
    """Show an ID number with the middle hidden, as on printed lists (the kernel's masking)."""
    return privacy.mask_id_number(value)


@register.filter
def mask_phone(value):
    return privacy.mask_phone(value)


@register.simple_tag(takes_context=True)
def page_url(context, param, number):
    """The current URL's query with one page parameter changed (several paginated lists on one page)."""
    query = context["request"].GET.copy()
    query[param] = number
    return "?" + query.urlencode()


@register.filter
def org_label(org):
    """An org as “第一党支部（城关镇党委）”: with its parent's short name, so same-named branches are told apart.

    Callers load the parent with the org (select_related("…org__parent")).
    """
    if org is None:
        return ""
    parent = getattr(org, "parent", None) if getattr(org, "parent_id", None) else None
    if parent is None:
        return org.name
    return f"{org.name}（{parent.short_name or parent.name}）"


@register.filter
def handled_by(record):
    """经办人 of a recorded step: the handling user's real name (records keep the login in actor_label)."""
    user = getattr(record, "actor", None)
    if user is not None:
        return person_name(user)
    return label_name(getattr(record, "actor_label", "") or "")


@register.filter
def error_kind(code):
    """An error code (id_checksum…) as users read it (身份证号码校验位不对…)."""
    return _error_kind(code or "")
