import threading
from collections.abc import Callable

import pytest
from django.db import connection

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL behaviour"
)


def raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def tamper(sql: str, params=()) -> None:
    """Run ``sql`` as a superuser would, with the append-only trigger out of the way
    (dropped inside the test's transaction on PostgreSQL, so the rollback restores it)."""
    if connection.vendor == "postgresql":
        for table in ("audit_auditevent", "audit_auditblock"):
            raw(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    raw(sql, params)


@pytest.fixture
def committed(db):
    """For threads with their own connections, which commit for real: the audit rows they
    add are removed afterwards (by a connection of its own, with the trigger off)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM audit_auditevent")
        (events,) = cursor.fetchone()
        cursor.execute("SELECT coalesce(max(number), 0) FROM audit_auditblock")
        (blocks,) = cursor.fetchone()
    yield

    def clean():
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("DELETE FROM audit_auditblock WHERE number > %s", [blocks])
            cursor.execute("DELETE FROM audit_auditevent WHERE id > %s", [events])
            cursor.execute("SET session_replication_role = DEFAULT")

    thread, out = in_thread(clean)
    thread.join(30)
    assert "error" not in out, out.get("error")


def in_thread(target: Callable[[], object]) -> tuple[threading.Thread, dict]:
    """Start ``target`` on its own thread (and its own connection); the dict gets its
    ``result`` or ``error``."""
    out: dict = {}

    def run():
        try:
            out["result"] = target()
        except Exception as error:  # reported by the test
            out["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out
