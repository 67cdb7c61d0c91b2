"""Reads of alerts that feed pages, scoped by the actor."""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from shoumen.accounts.roles import Perm, Role
from shoumen.accounts.scoping import assignments_of, scope_paths, scope_q
from shoumen.alerts.families import FAMILIES, SEPARATE
from shoumen.alerts.models import (
    OPEN_STATUSES,
    Alert,
    AlertStatus,
    EscalationLevel,
)
from shoumen.observation.models import Observation, ObservationStatus

# The ladder step each role is called to: escalated alerts reach them there.
ESCALATED_TO = {
    Role.COMMUNITY_STAFF: EscalationLevel.COMMUNITY,
    Role.STREET_OFFICER: EscalationLevel.STREET,
    Role.PRINCIPAL: EscalationLevel.COMMUNITY,
    Role.EDUCATION_OFFICER: EscalationLevel.STREET,
    Role.CDC_OFFICER: EscalationLevel.STREET,
}

STATE_OPEN = "open"
STATE_RESOLVED = "resolved"
STATE_ALL = "all"


# The residents' family: every cause that no other family (schools', patients') holds.
_RESIDENTS_ONLY = ~Q(cause__in=sorted(set().union(*(f.causes for f in SEPARATE))))


def alerts_visible_to(user, perm: str = Perm.HANDLE_ALERTS) -> QuerySet[Alert]:
    """Residents' alerts under ``perm`` and, when asked for alerts to handle, each other
    family's alerts (schools', the health centre's) under its own permission: the
    education bureau sees no resident's alert, a street officer no school's and no
    patient's."""
    residents = scope_q(user, perm, "grid__path") & _RESIDENTS_ONLY
    parts = [residents] if scope_paths(user, perm) else []
    if perm == Perm.HANDLE_ALERTS:
        for family in SEPARATE:
            if scope_paths(user, family.perm):
                own = Q(cause__in=sorted(family.causes))
                parts.append(scope_q(user, family.perm, "grid__path") & own)
    if not parts:
        return Alert.objects.filter(residents)
    return Alert.objects.filter(reduce(or_, parts))


def may_handle_alerts(user) -> bool:
    """Whether the actor handles any alerts at all: residents', schools' or patients'."""
    return any(scope_paths(user, f.perm) for f in FAMILIES.values())


def mine_q(user) -> Q:
    """Alerts that are the actor's to act on: owned, or escalated to the actor's step of
    the ladder within the unit they are assigned to."""
    parts = [Q(owner=user)]
    for role, path in assignments_of(user):
        level = ESCALATED_TO.get(Role(role))
        if level is not None:
            parts.append(Q(level__gte=level, grid__path__startswith=path))
    return reduce(or_, parts)


@dataclass(frozen=True)
class AlertFilters:
    state: str = STATE_OPEN
    mine: bool = False
    cause: str = ""


def alerts_list(user, filters: AlertFilters) -> QuerySet[Alert]:
    """Scoped alerts, the most urgent first (earliest due)."""
    qs = alerts_visible_to(user)
    if filters.state == STATE_OPEN:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif filters.state == STATE_RESOLVED:
        qs = qs.filter(status=AlertStatus.RESOLVED)
    if filters.mine:
        qs = qs.filter(mine_q(user))
    if filters.cause:
        qs = qs.filter(cause=filters.cause)
    order = ("due_at", "pk") if filters.state == STATE_OPEN else ("-opened_at", "-pk")
    return qs.select_related("person", "grid", "owner").order_by(*order)


def alert_for(user, *, pk: int, perm: str = Perm.HANDLE_ALERTS) -> Alert:
    """One alert in scope, or Alert.DoesNotExist."""
    return (
        alerts_visible_to(user, perm)
        .select_related(
            "person__household__building",
            "grid",
            "owner",
            "observation",
            "acknowledged_by",
            "resolved_by",
        )
        .get(pk=pk)
    )


def open_alerts_of(person_ids) -> dict[int, list[Alert]]:
    """Open residents' alerts of a few persons (the caller scoped them), by person: a
    patient's alerts are the health centre's."""
    found: dict[int, list[Alert]] = {}
    for alert in Alert.objects.filter(
        _RESIDENTS_ONLY, person_id__in=list(person_ids), status__in=OPEN_STATUSES
    ).order_by("due_at"):
        assert alert.person_id is not None
        found.setdefault(alert.person_id, []).append(alert)
    return found


def alerts_of_person(user, person_id: int, *, limit: int = 20) -> list[Alert]:
    """A person's alerts in the actor's scope, newest first."""
    return list(
        alerts_visible_to(user, Perm.VIEW_OBSERVATIONS)
        .filter(person_id=person_id)
        .select_related("owner")
        .order_by("-opened_at", "-pk")[:limit]
    )


def observations_to_end(alert: Alert) -> list:
    """The observations resolving ``alert`` as sent to the fever clinic or hospital may end:
    the person's active ones (the caller scoped the alert)."""
    if alert.person_id is None:
        return []
    return list(
        Observation.objects.filter(person_id=alert.person_id, status=ObservationStatus.ACTIVE)
        .select_related("grid")
        .order_by("pk")
    )


# ---------------------------------------------------------------- home


def open_alerts_owned_by(user) -> QuerySet[Alert]:
    """The actor's own open alerts (owned or escalated to them), the earliest due first."""
    return (
        alerts_visible_to(user)
        .filter(mine_q(user), status__in=OPEN_STATUSES)
        .select_related("person", "grid", "owner")
        .order_by("due_at", "pk")
    )


def alerts_needing_attention(user, *, now) -> QuerySet[Alert]:
    """Open alerts in scope that are overdue or have no owner, the most overdue first."""
    return (
        alerts_visible_to(user)
        .filter(Q(due_at__lt=now) | Q(owner__isnull=True), status__in=OPEN_STATUSES)
        .select_related("person", "grid", "owner")
        .order_by("due_at", "pk")
    )
