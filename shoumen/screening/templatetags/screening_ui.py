"""Template helpers of the screening pages."""

from django import template
from django.utils.translation import gettext_lazy as _

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
