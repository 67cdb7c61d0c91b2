"""What a load balancer and an operator need to know about this node, read cheaply:
readiness checks for ``/readyz`` and the platform's own figures for ``/metrics``.

Everything here reads; the cache check's short-lived key is the only thing written. The
figures are counts and times, never a person's data, and a failed check reports the
exception's class, never its message (which may name a host, a user or a value). Reads go
to the primary (``PRIMARY``): these are the figures of record, and a replica that lags is
what they report, not where they read."""

import datetime
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Case, Count, F, Min, Q, When
from django.db.models.functions import Greatest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from shoumen.alerts.families import FAMILIES, family_name_of
from shoumen.alerts.models import OPEN_STATUSES, Alert
from shoumen.audit.models import AuditBlock, AuditEvent
from shoumen.lib.replicas import replica_states
from shoumen.reports.models import FilledDay

PRIMARY = DEFAULT_DB_ALIAS
# Readiness fails when one of these fails; the others are reported only (the router
# skips a replica that lags or is down; a queue or a sealer behind is for an operator).
REQUIRED = ("database", "cache")
# Counting unsealed events stops here, so that a sealer stopped for days costs a scrape
# no more than this many index entries (the gauge then reads this number).
UNSEALED_COUNT_LIMIT = 1_000_000
CACHE_KEY_SECONDS = 10
SKIPPED = {"ok": False, "error": "skipped: the database did not answer"}


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def _age_seconds(moment: datetime.datetime | None, now: datetime.datetime) -> float | None:
    return None if moment is None else round((now - moment).total_seconds(), 3)


def _iso(moment: datetime.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def database_check() -> dict[str, Any]:
    """A trivial query on the primary, timed."""
    started = time.perf_counter()
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ms": _ms(started)}


def cache_check() -> dict[str, Any]:
    """A set and a get in Django's cache (Redis when there are several nodes). The key is
    new each time, so two processes checking at once do not read each other's value."""
    started = time.perf_counter()
    key, value = f"shoumen:readyz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, timeout=CACHE_KEY_SECONDS)
    if cache.get(key) != value:
        raise LookupError("the cache did not return the value just set")
    return {"ms": _ms(started)}


def replicas_check() -> dict[str, Any]:
    """Each replica as the router last saw it (not checked again here: a replica that does
    not answer must not make a probe wait for its connection timeout)."""
    return {
        "replicas": [
            {
                "alias": state.alias,
                "answering": state.answering,
                "lag_seconds": state.lag_seconds,
                "used": state.used,
            }
            for state in replica_states()
        ]
    }


def task_queue_state(now: datetime.datetime | None = None) -> dict[str, Any]:
    """Tasks ready to run now, and how long the one waiting longest has waited (since it
    was enqueued, or since its ``run_after`` when that came later). One query over the
    queue's partial index of READY tasks: its cost is the queue's depth."""
    now = now or timezone.now()
    never = get_date_max()
    waiting_since = Case(
        When(run_after=never, then=F("enqueued_at")),
        default=Greatest("enqueued_at", "run_after"),
    )
    found = (
        DBTaskResult.objects.using(PRIMARY)
        .ready()
        .order_by()
        .aggregate(depth=Count("pk"), oldest=Min(waiting_since))
    )
    return {
        "ready": found["depth"],
        "oldest_age_seconds": max(_age_seconds(found["oldest"], now) or 0.0, 0.0),
    }


def last_audit_block() -> Mapping[str, Any] | None:
    """The newest sealed block: when it was sealed, the highest event id it covers and the
    ids below that not sealed yet. One row by primary key."""
    return (
        AuditBlock.objects.using(PRIMARY)
        .order_by("-number")
        .values("sealed_at", "high_event_id", "open_gaps")
        .first()
    )


def audit_sealer_state(now: datetime.datetime | None = None) -> dict[str, Any]:
    """When the sealer last sealed a block. It writes one only when events wait, and every
    login and write adds one, so on a working system this is seconds ago."""
    now = now or timezone.now()
    block = last_audit_block()
    sealed_at = block["sealed_at"] if block else None
    return {"last_sealed_at": _iso(sealed_at), "age_seconds": _age_seconds(sealed_at, now)}


def audit_unsealed_count(block: Mapping[str, Any] | None) -> int:
    """Events committed but not in a block yet: above the last block's highest id, or in
    its open gaps. A range scan of the events' primary key, bounded by
    ``UNSEALED_COUNT_LIMIT``: seconds' worth of events while the sealer runs."""
    unsealed = Q(pk__gt=block["high_event_id"] if block else 0)
    for gap in block["open_gaps"] if block else []:
        unsealed |= Q(pk__range=(gap[0], gap[1]))
    events = AuditEvent.objects.using(PRIMARY).filter(unsealed).order_by().values("pk")
    return events[:UNSEALED_COUNT_LIMIT].count()


def last_daily_fill() -> Mapping[str, Any] | None:
    """The last fill of the daily figures (every metric and unit): which day, and when. The
    table holds one row a day, so reading it whole costs nothing."""
    fills = FilledDay.objects.using(PRIMARY).order_by("-filled_at").values("date", "filled_at")
    return fills.first()


def daily_rollup_state(now: datetime.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    last = last_daily_fill()
    filled_at = last["filled_at"] if last else None
    return {
        "date": last["date"].isoformat() if last else None,
        "last_filled_at": _iso(filled_at),
        "age_seconds": _age_seconds(filled_at, now),
    }


def open_alert_counts(now: datetime.datetime | None = None) -> dict[str, dict[str, int]]:
    """Open (open or acknowledged) alerts and those of them past due, by cause family:
    ``{"resident": {"open": n, "overdue": m}, ...}``, every family present. One query over
    the (status, …) indexes: its cost is the number of open alerts, not of all alerts."""
    now = now or timezone.now()
    counts = {name: {"open": 0, "overdue": 0} for name in FAMILIES}
    rows = (
        Alert.objects.using(PRIMARY)
        .filter(status__in=OPEN_STATUSES)
        .order_by()
        .values("cause")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
    )
    for row in rows:
        family = counts[family_name_of(row["cause"])]
        family["open"] += row["open"]
        family["overdue"] += row["overdue"]
    return counts


def _run(check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return {"ok": True, **check()}
    except Exception as exc:  # a check that fails is reported, whatever failed
        return {"ok": False, "error": type(exc).__name__}


def readiness() -> tuple[bool, dict[str, Any]]:
    """(ready, body): every check with ``ok`` and its figures; ready when the primary
    database and the cache answer. Four queries on the primary and a cache round trip."""
    checks = {
        "database": _run(database_check),
        "cache": _run(cache_check),
        "replicas": _run(replicas_check),
    }
    # Without the primary the other reads would each wait for a connection that fails.
    for name, check in (
        ("task_queue", task_queue_state),
        ("audit_sealer", audit_sealer_state),
        ("daily_rollup", daily_rollup_state),
    ):
        checks[name] = _run(check) if checks["database"]["ok"] else dict(SKIPPED)
    ready = all(checks[name]["ok"] for name in REQUIRED)
    return ready, {"status": "ready" if ready else "unavailable", "checks": checks}
