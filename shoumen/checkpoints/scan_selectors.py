"""Reads for the scan page: what a checkpoint phone may know, and the manual lookup.

Both are scoped by the checkpoint, which the caller obtained through ``checkpoint_for``
(the actor's scope): a volunteer only ever reaches their own community's posts."""

import datetime
from dataclasses import dataclass

from shoumen.checkpoints.models import Checkpoint, Pass
from shoumen.checkpoints.selectors import pass_changes_since
from shoumen.lib.names import mask_name, surname_of
from shoumen.registry.models import Person, Status, id_last4_index

LOOKUP_LIMIT = 10


def pass_list_for_phone(checkpoint: Checkpoint, since: datetime.datetime | None) -> list[dict]:
    """The passes of the checkpoint's community changed since ``since``, each with the
    masked name a volunteer may see, so that an offline phone can show who it let in, and
    the building of the pass's household, which the checkpoint may not let through."""
    changes = pass_changes_since(checkpoint, since)
    extra = {
        pk: (name, building)
        for pk, name, building in Pass.objects.filter(
            pk__in=[c["id"] for c in changes]
        ).values_list("pk", "person__name", "household__building_id")
    }
    for change in changes:
        name, building = extra.get(change["id"], ("", None))
        change["name"] = mask_name(name)
        change["building"] = building
    return changes


def checkpoint_building_ids(checkpoint: Checkpoint) -> list[int]:
    """The buildings whose residents ``checkpoint`` lets through; empty: every building."""
    return sorted(
        Checkpoint.buildings.through.objects.filter(checkpoint_id=checkpoint.pk).values_list(
            "building_id", flat=True
        )
    )


@dataclass(frozen=True)
class Candidate:
    person_id: int
    display_name: str
    place: str
    checkpoint_pass: Pass | None


def _place(person: Person) -> str:
    """Building and unit only: enough to tell two candidates apart at the gate."""
    household = person.household
    if household.building is not None:
        return f"{household.building.name} {household.unit}".strip()
    return ""


def residents_lookup(
    checkpoint: Checkpoint,
    *,
    surname: str = "",
    id_last4: str = "",
    building: str = "",
    door: str = "",
) -> list[Candidate]:
    """Residents of the checkpoint's community matching surname + ID last 4, or building +
    door number; at most ``LOOKUP_LIMIT``. The caller checks that one pair is complete."""
    persons = Person.objects.filter(
        grid__path__startswith=checkpoint.community.path, status=Status.RESIDENT
    )
    if surname and id_last4:
        by_last4 = id_last4_index(id_last4)
        persons = persons.filter(name__startswith=surname, id_number_last4_index=by_last4)
    else:
        persons = persons.filter(household__building__name=building, household__door_number=door)
    rows = persons.select_related("household__building", "checkpoint_pass").order_by("pk")[
        : LOOKUP_LIMIT + 1
    ]
    candidates = []
    for person in rows:
        if surname and surname_of(person.name) != surname:
            continue  # 欧 must not match 欧阳
        candidates.append(
            Candidate(
                person_id=person.pk,
                display_name=mask_name(person.name),
                place=_place(person),
                checkpoint_pass=getattr(person, "checkpoint_pass", None),
            )
        )
    return candidates[:LOOKUP_LIMIT]
