"""Names on checkpoint pages appear as volunteers see them: the surname and stars."""

from django import template

from shoumen.lib import names

register = template.Library()


@register.filter
def mask_name(value: str) -> str:
    return names.mask_name(value or "")
