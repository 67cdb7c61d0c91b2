"""Domain events: how a lower app tells higher ones what happened without importing them.

The app where something happens announces a named event; apps above it subscribe in their
``AppConfig.ready()`` (from their own ``handlers.py``). Handlers run synchronously, in
order of subscription, inside the announcer's transaction: what they write commits or rolls
back with the change that caused it (a pass moves atomically with its holder), and a
handler's error reaches the announcer.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

# ---------------------------------------------------------------- the events


@dataclass(frozen=True)
class PersonMove:
    """Where one person lives now."""

    person_id: int
    household_id: int
    grid_id: int


@dataclass(frozen=True)
class PersonsMoved:
    """Persons (one, or many from a ledger import) now live in another household."""

    moves: tuple[PersonMove, ...]


@dataclass(frozen=True)
class HouseholdMoved:
    """A household and everyone in it moved to another grid and/or building."""

    household_id: int
    grid_id: int
    building_before: int | None
    building_after: int | None


@dataclass(frozen=True)
class PersonStatusChanged:
    """A person moved out, died, or was restored as a resident."""

    person_id: int
    status: str


@dataclass(frozen=True)
class PersonsMerged:
    """``duplicate_id`` was folded into ``keep_id`` and is now a merged record."""

    keep_id: int
    duplicate_id: int


@dataclass(frozen=True)
class ObservationStarted:
    observation_id: int
    person_id: int
    kind: str


@dataclass(frozen=True)
class ObservationEnded:
    """An observation left the active state (completed, cancelled, hospitalised, lost)."""

    observation_id: int
    person_id: int | None
    status: str


# ---------------------------------------------------------------- subscribing and announcing

E = TypeVar("E")
Handler = Callable[[Any], None]

_handlers: dict[type, list[Handler]] = defaultdict(list)


def subscribe(event_type: type[E], handler: Callable[[E], None]) -> None:
    """Call ``handler`` with every announced ``event_type``; subscribing twice is once."""
    if handler not in _handlers[event_type]:
        _handlers[event_type].append(handler)


def unsubscribe(event_type: type[E], handler: Callable[[E], None]) -> None:
    if handler in _handlers[event_type]:
        _handlers[event_type].remove(handler)


def handlers_of(event_type: type) -> tuple[Handler, ...]:
    """The handlers subscribed to ``event_type``, in the order they run."""
    return tuple(_handlers.get(event_type, ()))


def announce(event: object) -> None:
    """Run the handlers of ``event``'s type now, in the caller's transaction."""
    for handler in handlers_of(type(event)):
        handler(event)
