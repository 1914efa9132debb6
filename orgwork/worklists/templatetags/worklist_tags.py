from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (status labels and totals by status)."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
