"""What each role's home shows: the day's work, read through each module's scoped
selectors (home sits above every module, like the demo)."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone

from shoumen.accounts.models import User
from shoumen.accounts.roles import Perm, Role
from shoumen.accounts.scoping import can, roles_of
from shoumen.alerts.rules import current_rules
from shoumen.alerts.selectors import alerts_needing_attention, open_alerts_owned_by
from shoumen.checkpoints.selectors import checkpoints_today
from shoumen.home.schools import school_home_kind
from shoumen.ledgers.selectors import imports_to_finish
from shoumen.observation.boards import BOARD_LEVELS, non_reporting_count
from shoumen.observation.selectors import (
    TodayState,
    incoming_transfers,
    today_counts,
    today_observations,
)
from shoumen.places.models import OrgUnit
from shoumen.places.selectors import top_units_of
from shoumen.screening.selectors import my_tasks_due, open_rounds_progress

ADMIN, OFFICER, STAFF, WORKER, VOLUNTEER, HEALTH, NONE = (
    "admin",
    "officer",
    "staff",
    "worker",
    "volunteer",
    "health",
    "none",
)
# The health centre's people: their home is the centre's day (the hub).
HEALTH_ROLES = {
    Role.CENTRE_MANAGER,
    Role.FAMILY_DOCTOR,
    Role.CENTRE_NURSE,
    Role.PUBLIC_HEALTH_STAFF,
}
# How many rows a home list shows before "all …".
HOME_LIST_LIMIT = 5
# A street or district has many gates: its board lists the first ones, then "all".
OFFICER_CHECKPOINTS = 10
HOUR = datetime.timedelta(hours=1)


def home_kind(user: User) -> str:
    """Which home a user gets: the widest role they hold decides."""
    roles = roles_of(user)
    if user.is_superuser or Role.SYSTEM_ADMIN in roles:
        return ADMIN
    if roles & {Role.DISTRICT_OFFICER, Role.STREET_OFFICER}:
        return OFFICER
    if Role.COMMUNITY_STAFF in roles:
        return STAFF
    if Role.GRID_WORKER in roles:
        return WORKER
    if Role.CHECKPOINT_VOLUNTEER in roles:
        return VOLUNTEER
    if roles & HEALTH_ROLES:
        return HEALTH
    return school_home_kind(user) or NONE


def board_units_of(user: User) -> list[OrgUnit]:
    """The units whose board is the user's: their own communities, streets or district."""
    return [u for u in top_units_of(user, Perm.VIEW_OBSERVATIONS) if u.level in BOARD_LEVELS]


@dataclass
class WorkerHome:
    overdue: int
    due: int
    done: int
    alerts: list[Any]
    alert_count: int
    tasks: list[Any]
    task_count: int
    transfers: int


def worker_home(user: User, *, now: datetime.datetime) -> WorkerHome:
    """A grid worker's day: follow-ups (Today's counts), own alerts, visits, transfers."""
    counts = today_counts(today_observations(user, now=now, rules=current_rules()))
    alerts = open_alerts_owned_by(user)
    tasks = list(
        my_tasks_due(user, day=timezone.localdate(now))
        .values("round_id", "round__name")
        .annotate(n=Count("pk"))
        .order_by("round_id")
    )
    return WorkerHome(
        overdue=counts[TodayState.OVERDUE],
        due=counts[TodayState.DUE],
        done=counts[TodayState.DONE],
        alerts=list(alerts[:HOME_LIST_LIMIT]),
        alert_count=alerts.count(),
        tasks=tasks,
        task_count=sum(t["n"] for t in tasks),
        transfers=incoming_transfers(user).count(),
    )


@dataclass
class StaffHome:
    alerts: list[Any]
    alert_count: int
    transfers: int
    communities: list[tuple[OrgUnit, int]]  # board unit, persons not reported yet
    checkpoints: list[Any]
    rounds: list[Any]


def staff_home(user: User, *, now: datetime.datetime) -> StaffHome:
    """A community's day: alerts overdue or unowned, transfers, reporting, gates, rounds."""
    day = timezone.localdate(now)
    alerts = alerts_needing_attention(user, now=now)
    shown = list(alerts[:HOME_LIST_LIMIT])
    for alert in shown:  # whole hours past due; None when not yet due
        hours = int((now - alert.due_at) // HOUR) if alert.due_at < now else None
        alert.overdue_hours = hours  # type: ignore[attr-defined]
    return StaffHome(
        alerts=shown,
        alert_count=alerts.count(),
        transfers=incoming_transfers(user).count(),
        communities=[
            (unit, non_reporting_count(user, unit=unit, now=now)) for unit in board_units_of(user)
        ],
        checkpoints=checkpoints_today(user, day=day),
        rounds=open_rounds_progress(user, day=day),
    )


def volunteer_home(user: User, *, now: datetime.datetime, limit: int | None = None) -> list[Any]:
    """The checkpoints a volunteer scans at, with today's scans and visitors."""
    return checkpoints_today(user, day=timezone.localdate(now), limit=limit)


def imports_of(user: User, *, now: datetime.datetime) -> list[Any]:
    """Ledger imports the user may finish (none without the right to edit the registry)."""
    if not can(user, Perm.EDIT_REGISTRY):
        return []
    return list(imports_to_finish(user, now=now)[:HOME_LIST_LIMIT])
