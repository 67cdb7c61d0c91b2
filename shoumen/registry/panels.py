"""Person panels: what the apps above the registry show on a person's page.

The registry sits below observation, alerts and checkpoints and may not import them, so
each of those apps registers a provider here from its ``AppConfig.ready()``. A provider
takes the actor and the person and returns a ``Panel`` (a template, its context and
optionally the buttons for the page's row of actions), or
None when it has nothing to show that actor. Providers read through their own selectors,
so each costs a fixed number of queries whatever the person's history.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shoumen.registry.models import Person


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    # Lower first; the person's state (observation, alerts) comes before tools (pass).
    order: int = 100
    # Buttons for the page's row of actions, rendered with the same context.
    actions_template: str | None = None


Provider = Callable[[Any, Person], Panel | None]

_providers: dict[str, Provider] = {}


def register_person_panel(name: str, provider: Provider) -> None:
    """Register (or replace, on a second ready()) the provider called ``name``."""
    _providers[name] = provider


def person_panels(user, person: Person) -> list[Panel]:
    panels = [p for provider in _providers.values() if (p := provider(user, person)) is not None]
    return sorted(panels, key=lambda p: p.order)
