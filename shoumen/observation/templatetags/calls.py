"""``{% load calls %}``: whether the page shows the one-tap call button (the rule of
shoumen.observation.calls, read from objects already on the page: no query)."""

from django import template

from shoumen.alerts.models import Alert
from shoumen.observation.calls import call_is_mine
from shoumen.observation.models import Observation

register = template.Library()


@register.filter
def call_mine(obj, user) -> bool:
    """``{% if alert|call_mine:request.user %}`` — an Alert or an Observation."""
    if isinstance(obj, Observation):
        return call_is_mine(user, observation=obj)
    if isinstance(obj, Alert):
        observation = obj.observation if obj.observation_id else None
        return call_is_mine(user, alert=obj) or (
            observation is not None and call_is_mine(user, observation=observation)
        )
    return False
