"""{% load privacy %}: `value|mask_id`, `value|mask_phone`, `text|mask_text` — the kernel's one masking function."""

from django import template

from orgwork.core import privacy

register = template.Library()


@register.filter
def mask_id(value):
    """公民身份号码 as lists show it: first 6 and last 4 characters."""
    return privacy.mask_id_number(value)


@register.filter
def mask_phone(value):
    """联系电话 as lists show it: first 3 and last 4 characters."""
    return privacy.mask_phone(value)


@register.filter
def mask_text(value):
    """Free text (an error message) with every ID number and mobile number in it masked."""
    return privacy.mask_text(value)
