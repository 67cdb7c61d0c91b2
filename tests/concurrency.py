"""Copies of one request sent at the same moment: real threads, each with its own database
connection, released together by a barrier. Only PostgreSQL runs them concurrently (SQLite
takes one writer at a time), so these tests run there."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from shoumen.accounts.models import User
from tests.personas import World, build_world

COPIES = 8

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
)


def world_for_threads() -> World:
    """The persona world, built again if an earlier transactional test flushed it."""
    if not User.objects.filter(username="grid_worker").exists():
        build_world()
    return World()


def at_once(send: Callable[[int], Any], copies: int = COPIES) -> list[Any]:
    """Call ``send(i)`` from ``copies`` threads released together; their results in order.
    An exception in a thread is raised here."""
    barrier = threading.Barrier(copies)
    results: list[Any] = [None] * copies
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = send(i)
        except BaseException as exc:  # noqa: BLE001 (handed to the test below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    return results
