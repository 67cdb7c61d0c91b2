"""Writers append without waiting on each other; the sealer picks up late commits.
Real threads, each with its own connection, committing on PostgreSQL."""

import threading
import time

from django.db import transaction

from shoumen.audit.models import AuditBlock
from shoumen.audit.sealing import audit_seal
from shoumen.audit.services import audit_event_record
from shoumen.audit.verify import verify_audit
from tests.audit.conftest import in_thread, postgresql_only

pytestmark = postgresql_only

HOLD = 5.0  # how long the long transaction stays open at most
QUICK = 1.0  # an append that waited for it would take about HOLD


def _long_transaction(opened: threading.Event, release: threading.Event):
    def run():
        with transaction.atomic():
            event = audit_event_record(actor=None, action="test.long")
            opened.set()
            release.wait(HOLD)
        return event.pk

    return run


def _timed_append(action: str):
    def run():
        started = time.perf_counter()
        with transaction.atomic():
            event = audit_event_record(actor=None, action=action)
        return event.pk, time.perf_counter() - started

    return run


def test_two_writers_append_without_waiting_for_a_long_open_transaction(committed):
    opened, release = threading.Event(), threading.Event()
    long_thread, long_out = in_thread(_long_transaction(opened, release))
    assert opened.wait(HOLD)
    writers = [in_thread(_timed_append(f"test.quick{i}")) for i in range(2)]
    for thread, _out in writers:
        thread.join(HOLD + 5)
    still_open = long_thread.is_alive()
    release.set()
    long_thread.join(HOLD + 5)
    assert still_open  # both writers finished while the long transaction was open
    for _thread, out in writers:
        assert "error" not in out, out.get("error")
        _pk, seconds = out["result"]
        assert seconds < QUICK
    assert "error" not in long_out


def test_a_late_commit_lands_in_the_next_block(committed):
    opened, release = threading.Event(), threading.Event()
    long_thread, long_out = in_thread(_long_transaction(opened, release))
    assert opened.wait(HOLD)
    quick_thread, quick_out = in_thread(_timed_append("test.quick"))
    quick_thread.join(HOLD)
    quick_pk, _seconds = quick_out["result"]

    first = audit_seal().blocks[-1]  # seals the quick event; the long one is not visible
    release.set()
    long_thread.join(HOLD + 5)
    late_pk = long_out["result"]
    assert late_pk < quick_pk
    assert first.last_event_id == quick_pk and first.high_event_id == quick_pk
    assert any(lo <= late_pk <= hi for lo, hi, _seen in first.open_gaps)
    report = verify_audit()
    assert report.ok and report.unsealed == 1  # the late event, waiting

    (second,) = audit_seal().blocks
    assert second.number == first.number + 1
    assert second.event_ranges == [[late_pk, late_pk]] and second.open_gaps == []
    report = verify_audit()
    assert report.ok and report.unsealed == 0


def test_only_one_sealer_runs_at_a_time(committed):
    audit_event_record(actor=None, action="test.waiting")
    holding, release = threading.Event(), threading.Event()

    def slow_sealer():
        with transaction.atomic():
            blocks = audit_seal().blocks
            holding.set()
            release.wait(HOLD)
        return blocks

    thread, out = in_thread(slow_sealer)
    assert holding.wait(HOLD)
    busy = in_thread(lambda: audit_seal(wait=False))
    busy[0].join(HOLD)
    release.set()
    thread.join(HOLD + 5)
    assert busy[1]["result"].busy and busy[1]["result"].blocks == []
    assert len(out["result"]) == 1
    numbers = list(AuditBlock.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
