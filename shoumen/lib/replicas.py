"""Reads from streaming replicas, writes to the primary (see settings.REPLICA_DATABASES)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ReplicaState:
    """One replica as this process last saw it."""

    alias: str
    answering: bool
    lag_seconds: float | None  # None when not answering
    used: bool  # answering and within SHOUMEN_REPLICA_MAX_LAG_SECONDS


def replica_states(*, fresh: bool = False) -> list[ReplicaState]:
    """Every configured replica's state (checked again now when ``fresh``)."""
    return []


class ReplicaRouter:
    """Every query goes to the primary until the router is built."""

    def db_for_read(self, model, **hints):
        return None

    def db_for_write(self, model, **hints):
        return None


class ReplicaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
