import datetime as dt

from django import template

from orgwork.core.normalize import years_between

register = template.Library()


@register.filter
def years_since(value):
    """Whole years from a date until today (age, party age)."""
    if not value:
        return ""
    return years_between(value, dt.date.today())


@register.filter
def mask_id(value):
    """Show an ID number with the middle hidden, as on printed lists."""
    if not value or len(value) < 10:
        return value or ""
    return f"{value[:6]}********{value[-4:]}"
