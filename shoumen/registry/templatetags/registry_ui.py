"""Template helpers for registry pages."""

from django import template

from shoumen.registry.models import Tag

register = template.Library()


@register.filter
def tag_label(value):
    """A person's tag in words ("elderly" → 60岁以上老人); an unknown value as it is."""
    try:
        return Tag(value).label
    except ValueError:
        return value
