"""The unread-message badge of the page shell."""

from django import template

from shoumen.alerts.inbox import unread_count

register = template.Library()


@register.simple_tag
def inbox_unread(user) -> int:
    return unread_count(user)
