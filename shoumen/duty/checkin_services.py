"""Stub: filled in by its part."""

ACTION_LABELS: dict = {}


def register() -> None:
    """Hooks into lower apps and notification texts, called once at start-up."""
