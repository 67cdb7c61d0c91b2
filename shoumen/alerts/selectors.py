"""Reads about alerts, scoped by the actor."""

from django.db.models import QuerySet

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_q
from shoumen.alerts.models import Alert


def alerts_visible_to(user, perm: str = Perm.HANDLE_ALERTS) -> QuerySet[Alert]:
    return Alert.objects.filter(scope_q(user, perm, "grid__path"))


def alert_for(user, *, pk: int, perm: str = Perm.HANDLE_ALERTS) -> Alert:
    """One alert in scope, or Alert.DoesNotExist."""
    return alerts_visible_to(user, perm).select_related("person", "grid", "owner").get(pk=pk)
