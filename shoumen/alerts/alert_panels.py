"""Alert panels: what the apps above alerts show on an alert's page (a school alert's
epidemic report, for one). Each app registers a provider from its ``AppConfig.ready()``;
a provider takes the actor and the alert and returns a ``Panel`` or None."""

from collections.abc import Callable
from typing import Any

from shoumen.alerts.models import Alert
from shoumen.registry.panels import Panel

AlertProvider = Callable[[Any, Alert], Panel | None]

_providers: dict[str, AlertProvider] = {}


def register_alert_panel(name: str, provider: AlertProvider) -> None:
    """Register (or replace, on a second ready()) the provider called ``name``."""
    _providers[name] = provider


def alert_panels(user, alert: Alert) -> list[Panel]:
    panels = [p for provider in _providers.values() if (p := provider(user, alert)) is not None]
    return sorted(panels, key=lambda p: p.order)
