"""How an alert on a school or class reads: its figures, with the codes in words."""

from django import template

from shoumen.alerts.messages import label_of

register = template.Library()


@register.filter
def code_labels(codes) -> str:
    return "、".join(label_of(code) for code in codes or [])
