"""Cause families: residents' alerts and schools' alerts climb different ladders, are
handled under different permissions and step up at different intervals.

A resident's alert goes to the community staff (depth 3), then to the street officers
(depth 2). A school's alert goes to the principal (the school, depth 3), then to the
district's education bureau and CDC officers (depth 1). A patient's alert (the health
centre's) goes to the centre's manager at the community and stays there. The schools app
sets the schools' step (its own rules table) through ``set_step``: alerts may not read
schools' tables."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from shoumen.accounts.roles import Perm, Role
from shoumen.alerts.models import HEALTH_CAUSES, SCHOOL_CAUSES, EscalationLevel

RESIDENT = "resident"
SCHOOL = "school"
HEALTH = "health"


@dataclass(frozen=True)
class Family:
    name: str
    perm: str
    # The causes of a family of its own; the residents' family has every other cause.
    causes: frozenset[str]
    # level -> the (role, org depth) pairs that answer for an alert at that level
    ladder: dict[int, tuple[tuple[str, int], ...]]


FAMILIES = {
    RESIDENT: Family(
        RESIDENT,
        Perm.HANDLE_ALERTS,
        frozenset(),
        {
            EscalationLevel.COMMUNITY: ((Role.COMMUNITY_STAFF, 3),),
            EscalationLevel.STREET: ((Role.STREET_OFFICER, 2),),
        },
    ),
    SCHOOL: Family(
        SCHOOL,
        Perm.HANDLE_SCHOOL_ALERTS,
        SCHOOL_CAUSES,
        {
            EscalationLevel.COMMUNITY: ((Role.PRINCIPAL, 3),),
            EscalationLevel.STREET: ((Role.EDUCATION_OFFICER, 1), (Role.CDC_OFFICER, 1)),
        },
    ),
    # A patient's alert stays within the health centre: its manager at the community.
    HEALTH: Family(
        HEALTH,
        Perm.HANDLE_HEALTH_ALERTS,
        HEALTH_CAUSES,
        {
            EscalationLevel.COMMUNITY: ((Role.CENTRE_MANAGER, 3),),
            EscalationLevel.STREET: ((Role.CENTRE_MANAGER, 3),),
        },
    ),
}

# The families with causes of their own, apart from the residents'.
SEPARATE = tuple(f for f in FAMILIES.values() if f.causes)

_steps: dict[str, Callable[[], datetime.timedelta]] = {}


def family_name_of(cause: str) -> str:
    for family in SEPARATE:
        if cause in family.causes:
            return family.name
    return RESIDENT


def family_of(cause: str) -> Family:
    return FAMILIES[family_name_of(cause)]


def handling_perm(cause: str) -> str:
    """The permission that acknowledges and resolves an alert of ``cause``."""
    return family_of(cause).perm


def set_step(family: str, step: Callable[[], datetime.timedelta]) -> None:
    """How long a family's alert waits at a level before it climbs again."""
    _steps[family] = step


def step_of(family: str, default: datetime.timedelta) -> datetime.timedelta:
    step = _steps.get(family)
    return step() if step is not None else default
