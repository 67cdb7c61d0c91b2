"""Template helpers of the screening pages."""

from django import template
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import covers
from shoumen.lib.names import mask_name

register = template.Library()

YES, NO = _("Yes"), _("No")


@register.filter
def answer_text(value, question):
    """An answer as a worker reads it: yes/no, choice labels, or the value."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return YES if value else NO
    labels = {c[0]: c[1] for c in question.get("choices") or []}
    if isinstance(value, list):
        return "、".join(str(labels.get(v, v)) for v in value)
    return labels.get(value, value)


@register.filter
def percent(part, whole):
    return round(100 * part / whole) if whole else 0


@register.filter
def getfield(form, name):
    """A bound field by its name (for fields built per household member)."""
    return form[name]


@register.simple_tag(takes_context=True)
def shown_name(context, name: str, grid) -> str:
    """A name in full where the actor may open the person's page (their registry scope,
    the rule of person pages: a grid worker in their own grid), masked elsewhere."""
    return name if names_in_full(context["request"].user, grid) else mask_name(name)


def names_in_full(user, grid) -> bool:
    return covers(user, Perm.VIEW_REGISTRY, grid.path)
