"""What checkpoints do when the registry or observation announce a change: passes follow
their holders' households and are revoked or restored with their residence and isolation."""

from shoumen.checkpoints.services import passes_follow_residence, passes_sync_for_person
from shoumen.lib import events
from shoumen.lib.events import (
    HouseholdMoved,
    ObservationEnded,
    ObservationStarted,
    PersonMove,
    PersonsMerged,
    PersonsMoved,
    PersonStatusChanged,
)
from shoumen.registry.models import Person


def on_persons_moved(event: PersonsMoved) -> None:
    passes_follow_residence(event.moves)


def on_household_moved(event: HouseholdMoved) -> None:
    members = Person.objects.filter(household_id=event.household_id).values_list("pk", flat=True)
    passes_follow_residence(
        [PersonMove(pk, event.household_id, event.grid_id) for pk in members],
        building=(event.building_before, event.building_after),
    )


def on_person_status_changed(event: PersonStatusChanged) -> None:
    passes_sync_for_person(event.person_id)


def on_persons_merged(event: PersonsMerged) -> None:
    passes_sync_for_person(event.duplicate_id)


def on_observation_started(event: ObservationStarted) -> None:
    passes_sync_for_person(event.person_id)


def on_observation_ended(event: ObservationEnded) -> None:
    if event.person_id is not None:
        passes_sync_for_person(event.person_id)


def subscribe_all() -> None:
    events.subscribe(PersonsMoved, on_persons_moved)
    events.subscribe(HouseholdMoved, on_household_moved)
    events.subscribe(PersonStatusChanged, on_person_status_changed)
    events.subscribe(PersonsMerged, on_persons_merged)
    events.subscribe(ObservationStarted, on_observation_started)
    events.subscribe(ObservationEnded, on_observation_ended)
