"""Reads that feed the ledgers: scoped by the actor."""

import datetime

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.functions import Length

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_q
from shoumen.ledgers.models import ImportJob, ImportStatus
from shoumen.places.models import Level, OrgUnit
from shoumen.places.selectors import org_units_visible_to
from shoumen.registry.models import Person, Relation, Status
from shoumen.registry.selectors import persons_visible_to

EXPORT_LEVELS = (Level.COMMUNITY, Level.GRID)
# Statuses a register lists when asked for more than the current residents.
REGISTER_STATUSES = (Status.RESIDENT, Status.MOVED_OUT, Status.DECEASED)


# What a register row shows, and nothing else: 20,000 rows build 100,000 model instances.
REGISTER_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "document_type",
    "id_number_encrypted",
    "phone_encrypted",
    "relation_to_head",
    "status",
    "notes",
    "has_chronic_disease",
    "is_pregnant",
    "is_disabled",
    "lives_alone",
    "grid__name",
    "household__unit",
    "household__door_number",
    "household__address",
    "household__building__name",
    "household__head__name",
)


def export_units_for(user) -> QuerySet[OrgUnit]:
    """Communities and grids the actor may export, in tree order."""
    return org_units_visible_to(user, Perm.EXPORT).filter(level__in=EXPORT_LEVELS)


def _natural(field: str) -> tuple:
    """Shorter first, then by text: 5号楼 before 10号楼 and door 301 before 1201, as
    workers count them, while the database still does the sorting."""
    return (Length(field), field)


def register_persons(
    user, org_unit: OrgUnit, *, include_inactive: bool = False
) -> QuerySet[Person]:
    """The persons of a grid or community in the actor's export scope, in register order:
    grid, building (or address), unit, door, household with its head first.

    One query with everything a register row shows; callers stream it with
    ``.iterator(chunk_size=...)``."""
    statuses = REGISTER_STATUSES if include_inactive else (Status.RESIDENT,)
    head_first = Case(
        When(relation_to_head=Relation.HEAD, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        persons_visible_to(user, Perm.EXPORT)
        .filter(grid__path__startswith=org_unit.path, status__in=statuses)
        .select_related("grid", "household__building", "household__head")
        .only(*REGISTER_FIELDS)
        .annotate(head_first=head_first)
        .order_by(
            "grid__path",
            *_natural("household__building__name"),
            "household__address",
            *_natural("household__unit"),
            *_natural("household__door_number"),
            "household_id",
            "head_first",
            "id",
        )
    )


# ---------------------------------------------------------------- home

# An import left unfinished this long ago is no longer the day's work.
IMPORTS_RECENT_DAYS = 7


def imports_to_finish(user, *, now: datetime.datetime) -> QuerySet[ImportJob]:
    """Recent ledger imports in the actor's scope that are not done: to check, confirm or
    fix. Newest first."""
    return (
        ImportJob.objects.filter(
            scope_q(user, Perm.EDIT_REGISTRY, "org_unit__path"),
            created_at__gte=now - datetime.timedelta(days=IMPORTS_RECENT_DAYS),
        )
        .exclude(status=ImportStatus.DONE)
        .select_related("org_unit")
        .only("pk", "filename", "status", "created_at", "org_unit__name")
        .order_by("-created_at", "-pk")
    )
