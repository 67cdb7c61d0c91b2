"""Stub: filled in by its part."""

ACTION_LABELS: dict = {}
