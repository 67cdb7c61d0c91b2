"""Domain events: handlers run in subscription order, inside the announcer's transaction."""

from dataclasses import FrozenInstanceError, dataclass

import pytest

from shoumen.lib import events
from shoumen.lib.events import PersonMove, PersonsMoved
from shoumen.registry.models import Person
from shoumen.registry.services import person_move


@dataclass(frozen=True)
class Rang:
    bell: str


@pytest.fixture
def subscribed():
    """Subscribe handlers for one test and remove them afterwards."""
    added = []

    def _subscribe(event_type, handler):
        events.subscribe(event_type, handler)
        added.append((event_type, handler))

    yield _subscribe
    for event_type, handler in added:
        events.unsubscribe(event_type, handler)


def test_handlers_run_in_the_order_they_subscribed(subscribed):
    heard = []
    subscribed(Rang, lambda e: heard.append(("first", e.bell)))
    subscribed(Rang, lambda e: heard.append(("second", e.bell)))
    subscribed(Rang, lambda e: heard.append(("third", e.bell)))
    events.announce(Rang("door"))
    assert heard == [("first", "door"), ("second", "door"), ("third", "door")]


def test_every_handler_of_the_type_hears_each_event_once(subscribed):
    heard = []

    def handler(event):
        heard.append(event.bell)

    subscribed(Rang, handler)
    subscribed(Rang, handler)  # subscribing twice is once
    events.announce(Rang("one"))
    events.announce(Rang("two"))
    assert heard == ["one", "two"]


def test_an_event_reaches_only_the_handlers_of_its_own_type(subscribed):
    heard = []
    subscribed(PersonsMoved, lambda e: heard.append(e))
    events.announce(Rang("door"))
    assert heard == []


def test_an_event_with_no_handler_is_announced_quietly():
    events.announce(Rang("nobody listens"))


def test_events_cannot_be_changed_by_a_handler():
    event = PersonsMoved(moves=(PersonMove(1, 2, 3),))
    with pytest.raises(FrozenInstanceError):
        event.moves = ()  # type: ignore[misc]


def test_a_service_announces_what_it_did_inside_its_transaction(world, subscribed):
    seen = []
    target = world.neighbour.household

    def handler(event):
        # The move is already written when the handler runs, in the same transaction.
        seen.append((event, Person.objects.get(pk=world.zeng.pk).household_id))

    subscribed(PersonsMoved, handler)
    person_move(actor=world.community_staff, person=world.zeng, household=target)
    assert seen == [
        (PersonsMoved(moves=(PersonMove(world.zeng.pk, target.pk, target.grid_id),)), target.pk)
    ]


def test_a_handler_error_rolls_back_the_announcers_transaction(world, subscribed):
    before = Person.objects.get(pk=world.zeng.pk)

    def broken(event):
        raise RuntimeError("handler failed")

    subscribed(PersonsMoved, broken)
    with pytest.raises(RuntimeError, match="handler failed"):
        person_move(
            actor=world.community_staff, person=world.zeng, household=world.neighbour.household
        )
    after = Person.objects.get(pk=world.zeng.pk)
    assert (after.household_id, after.grid_id) == (before.household_id, before.grid_id)
