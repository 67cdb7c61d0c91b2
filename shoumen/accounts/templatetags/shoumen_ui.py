"""Template helpers for the page shell: the user's roles, permission checks, masked names."""

from django import template

from shoumen.accounts.scoping import can
from shoumen.accounts.selectors import assignments_with_units
from shoumen.lib import names

register = template.Library()


@register.simple_tag
def my_assignments(user):
    """The user's role assignments with their units (one query, cached per request)."""
    return assignments_with_units(user)


@register.simple_tag
def user_can(user, perm, org_unit=None):
    return can(user, perm, org_unit)


@register.filter
def mask_name(value):
    """A resident's name as it shows where the full name is not needed: 单*, 欧阳**."""
    return names.mask_name(value or "")
