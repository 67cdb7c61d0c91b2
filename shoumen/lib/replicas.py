"""Reads from streaming replicas, writes to the primary (see settings.REPLICA_DATABASES).

A request that only reads (GET, HEAD, OPTIONS) reads from one replica; everything else,
and all work outside a request (task worker, scheduler, shell, commands), uses the
primary. Within a request the primary takes over for the rest of it once the request
writes, inside a transaction on the primary, and for the session rows (who is calling is
checked on the primary: a lagging replica must never revive a session that logged out).

Read-your-writes: after a request that was unsafe or wrote, its caller reads from the
primary for ``SHOUMEN_REPLICA_PIN_SECONDS`` — a browser through a signed cookie holding
the pin's end (no session write), an API token through a cache key made from a keyed hash
of the token (Redis when several nodes share it; otherwise each process pins on its own).

A request "wrote" when it ran a statement that writes on the primary (seen by an execute
wrapper on the primary connection), whichever way it got there: the ORM, bulk paths or
raw SQL.

A replica is used when it answers and lags at most ``SHOUMEN_REPLICA_MAX_LAG_SECONDS``.
Each process checks its replicas at most every ``CHECK_SECONDS``, in a background thread
(a dead replica's connection timeout never holds up a request). A safe request whose
replica fails mid-way is answered again from the primary, once, and that replica is
skipped until the next check. With no replicas configured (the default) nothing here runs:
every query goes to the primary and the router adds no query.
"""

import itertools
import logging
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import InterfaceError, OperationalError
from django.utils.crypto import salted_hmac

log = logging.getLogger(__name__)

PRIMARY = DEFAULT_DB_ALIAS
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# How old this process's view of its replicas may be before it checks them again.
CHECK_SECONDS = 2.0
PIN_COOKIE = "shoumen_pin"
PIN_SALT = "shoumen.lib.replicas.pin"
# Read from the primary even by a request that reads from a replica.
# Who is calling, and what they may see: a deactivated account, a changed password or a
# role taken away must hold at once, not after a replica catches up.
PRIMARY_ONLY_MODELS = frozenset({"sessions.session", "accounts.user", "accounts.roleassignment"})
# Statements on the primary that write nothing; any other is a write (conservatively: a
# WITH that may hold an INSERT, a COPY). SELECT ... FOR UPDATE runs in a transaction.
_NOT_WRITES = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "SET", "SHOW")
# Lag 0 when the replica is streaming from the primary and has applied everything it
# received (an idle primary writes nothing to apply); otherwise the age of the last
# transaction applied. A replica cut off from its primary has applied all it received,
# yet is behind by everything since: without a WAL receiver it is measured by its last
# transaction, so it is skipped once that is older than the limit (a role without
# pg_read_all_stats sees only whether a receiver runs, not its status). A server not in
# recovery (promoted, or no replica at all) is not behind anything.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
        AND EXISTS (
            SELECT 1 FROM pg_stat_wal_receiver
            WHERE pid IS NOT NULL AND coalesce(status, 'streaming') = 'streaming'
        ) THEN 0
    ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
END
"""


@dataclass(frozen=True)
class ReplicaState:
    """One replica as this process last saw it."""

    alias: str
    answering: bool
    lag_seconds: float | None  # None when not answering (or its lag is not known yet)
    used: bool  # answering and within SHOUMEN_REPLICA_MAX_LAG_SECONDS


# ----------------------------------------------------------------- health, per process


class _Health:
    def __init__(self) -> None:
        self.states: dict[str, ReplicaState] = {}
        self.used: tuple[str, ...] = ()
        self.checked_at = float("-inf")  # time.monotonic() of the last check
        self.lock = threading.Lock()  # one check at a time


_health = _Health()
_turn = itertools.count()


def _down(alias: str) -> ReplicaState:
    return ReplicaState(alias=alias, answering=False, lag_seconds=None, used=False)


def _discard_pool(wrapper) -> None:
    """Drop a failed replica's connection pool, so that none of its connections (broken by
    a restart, say) is handed out again: the next use opens new ones."""
    close_pool = getattr(wrapper, "close_pool", None)
    if close_pool is not None and wrapper.settings_dict["OPTIONS"].get("pool"):
        try:
            close_pool()
        except Exception:  # already dropped by someone else: nothing left to drop
            log.debug("replica pool already closed", exc_info=True)


def measure(alias: str) -> ReplicaState:
    """Ask one replica how far behind it is, on a connection of its own (taken from the
    alias's pool, which is dropped when the replica fails: its other connections are as
    broken as this one)."""
    wrapper = connections.create_connection(alias)
    try:
        with wrapper.cursor() as cursor:
            cursor.execute(LAG_SQL)
            (lag,) = cursor.fetchone()
    except Exception as exc:  # any failure to connect or answer: not answering
        log.debug("replica %s did not answer: %s", alias, type(exc).__name__)
        wrapper.close()
        _discard_pool(wrapper)
        return _down(alias)
    wrapper.close()
    if lag is None:  # in recovery, nothing applied since it started: unknown
        return ReplicaState(alias=alias, answering=True, lag_seconds=None, used=False)
    lag = max(float(lag), 0.0)
    limit = settings.SHOUMEN_REPLICA_MAX_LAG_SECONDS
    return ReplicaState(alias=alias, answering=True, lag_seconds=lag, used=lag <= limit)


def _change(state: ReplicaState) -> str:
    if state.used:
        return "used again"
    if not state.answering:
        return "skipped: not answering"
    return f"skipped: lag {state.lag_seconds} s"


def _check() -> None:
    """Check every replica now (the caller holds ``_health.lock``)."""
    states = {alias: measure(alias) for alias in settings.REPLICA_DATABASES}
    for alias, state in states.items():
        before = _health.states.get(alias)
        if (before.used if before else True) != state.used:  # said once, not every check
            log.warning("replica %s %s", alias, _change(state))
    _health.states = states
    _health.used = tuple(alias for alias, state in states.items() if state.used)
    _health.checked_at = time.monotonic()


def _check_and_release(lock: threading.Lock) -> None:
    try:
        _check()
    except Exception:  # a check must never take the process down
        log.exception("replica check failed")
    finally:
        lock.release()


def _check_in_background() -> None:
    """Start a check unless one is running; callers go on with what is known."""
    lock = _health.lock
    if not lock.acquire(blocking=False):
        return
    try:
        threading.Thread(
            target=_check_and_release, args=(lock,), name="replica-check", daemon=True
        ).start()
    except Exception:
        lock.release()
        raise


def _stale() -> bool:
    return time.monotonic() - _health.checked_at >= CHECK_SECONDS


def used_replicas() -> tuple[str, ...]:
    """The replicas reads may go to now, as last checked (a check starts when that is
    older than ``CHECK_SECONDS``; until the first one ends, none)."""
    if _stale():
        _check_in_background()
    return _health.used


def mark_down(alias: str) -> None:
    """A replica failed a request: skip it until the next check says otherwise."""
    _health.states = {**_health.states, alias: _down(alias)}
    _health.used = tuple(used for used in _health.used if used != alias)


def replica_states(*, fresh: bool = False) -> list[ReplicaState]:
    """Every configured replica's state (checked again now when ``fresh``; otherwise as
    last seen, never waiting for a replica: a replica not checked yet reads as down)."""
    aliases = settings.REPLICA_DATABASES
    if not aliases:
        return []
    if fresh:
        with _health.lock:
            _check()
    elif _stale():
        _check_in_background()
    states = _health.states
    return [states.get(alias) or _down(alias) for alias in aliases]


# ------------------------------------------------------------------ per request


def _reads_only(sql) -> bool:
    """Whether a statement writes nothing (composed SQL counts as a write)."""
    return isinstance(sql, str) and sql.lstrip(" \t\n(")[:9].upper().startswith(_NOT_WRITES)


@dataclass
class _Reads:
    """Where this request's reads go: ``alias`` (None: the primary), until it writes."""

    alias: str | None
    wrote: bool = False
    retried: bool = False
    # This thread's primary connection, looked up once (the router asks it every read).
    primary: Any = field(default_factory=lambda: connections[PRIMARY])

    def watch(self, execute, sql, params, many, context):
        """Every statement on the primary passes here: one that writes marks the request.
        (Not the router's db_for_write: Django asks it for reads too, such as the lookup
        of get_or_create, and a page that only looks would pin its reader for good.)"""
        self.wrote = self.wrote or not _reads_only(sql)
        return execute(sql, params, many, context)


_reads: ContextVar[_Reads | None] = ContextVar("shoumen_replica_reads", default=None)


class ReplicaRouter:
    """Reads to the request's replica, writes (and reads after them) to the primary."""

    def db_for_read(self, model, **hints):
        reads = _reads.get()
        if reads is None:
            return None  # outside a request, or no replicas: Django's default
        if reads.alias is None:
            # Named, not left to Django: its default follows the instance a related row
            # hangs on, which may have come from a replica that has since failed.
            return PRIMARY
        if (
            reads.wrote
            or model._meta.label_lower in PRIMARY_ONLY_MODELS
            or reads.primary.in_atomic_block
        ):
            return PRIMARY
        return reads.alias

    def db_for_write(self, model, **hints):
        if _reads.get() is None:
            return None  # outside a request, or no replicas: Django's default
        return PRIMARY  # also for a row read from a replica

    def allow_relation(self, obj1, obj2, **hints):
        """Rows read from a replica and from the primary are the same rows."""
        replicas = settings.REPLICA_DATABASES
        if obj1._state.db in replicas or obj2._state.db in replicas:
            same = {PRIMARY, *replicas}
            return obj1._state.db in same and obj2._state.db in same
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        """A replica follows the primary's schema; it is never migrated itself."""
        return False if db in settings.REPLICA_DATABASES else None


def _token(request) -> str | None:
    """The API token an ``Authorization: Bearer|Token <token>`` header carries."""
    scheme, _, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    value = value.strip()
    return value if value and scheme.lower() in ("bearer", "token") else None


def _pin_key(token: str) -> str:
    # Keyed, so the cache never holds the token or a digest the database also holds.
    return "shoumen:replica-pin:" + salted_hmac(PIN_SALT, token).hexdigest()


def pinned(request) -> bool:
    """Whether this caller wrote within the last ``SHOUMEN_REPLICA_PIN_SECONDS``."""
    if PIN_COOKIE in request.COOKIES:
        try:
            until = float(request.get_signed_cookie(PIN_COOKIE, salt=PIN_SALT))
        except (signing.BadSignature, ValueError):
            until = 0.0
        if until > time.time():
            return True
    token = _token(request)
    if token is None:
        return False
    try:
        return cache.get(_pin_key(token)) is not None
    except Exception:  # the cache does not answer: the primary is always right
        log.warning("replica pin not readable: reading from the primary")
        return True


def pin(request, response) -> None:
    """Send this caller's reads to the primary for ``SHOUMEN_REPLICA_PIN_SECONDS``."""
    seconds = settings.SHOUMEN_REPLICA_PIN_SECONDS
    if seconds <= 0:
        return
    token = _token(request)
    if token is not None:
        try:
            cache.set(_pin_key(token), 1, timeout=seconds)
        except Exception:
            log.warning("replica pin not stored: this token may read its writes late")
        return
    response.set_signed_cookie(
        PIN_COOKIE,
        f"{time.time() + seconds:.3f}",
        salt=PIN_SALT,
        max_age=seconds,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _pick() -> str | None:
    used = used_replicas()
    return used[next(_turn) % len(used)] if used else None


def _replica_failed(alias: str) -> bool:
    return connections[alias].errors_occurred


class ReplicaMiddleware:
    """Chooses where each request reads from, and pins the callers that wrote."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.REPLICA_DATABASES:
            return self.get_response(request)
        safe = request.method in SAFE_METHODS
        reads = _Reads(alias=_pick() if safe and not pinned(request) else None)
        context = _reads.set(reads)
        try:
            with reads.primary.execute_wrapper(reads.watch):
                response = self.get_response(request)
        finally:
            _reads.reset(context)
        if reads.wrote or not safe:
            pin(request, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _reads.get() is not None:
            request.replica_view = (view_func, view_args, view_kwargs)

    def process_exception(self, request, exception):
        """A safe request whose replica failed before it wrote anything is answered again,
        once, from the primary (replaying a GET is what GET allows)."""
        reads = _reads.get()
        view = getattr(request, "replica_view", None)
        if (
            reads is None
            or reads.alias is None
            or reads.wrote
            or reads.retried
            or view is None
            or not isinstance(exception, OperationalError | InterfaceError)
            or not _replica_failed(reads.alias)
        ):
            return None
        alias, reads.alias, reads.retried = reads.alias, None, True
        log.warning("replica %s failed a read: answered from the primary", alias)
        mark_down(alias)
        try:
            connections[alias].close()
        except Exception:  # a broken connection may fail to close: it is dropped anyway
            log.debug("replica connection not closed cleanly", exc_info=True)
        view_func, view_args, view_kwargs = view
        response = view_func(request, *view_args, **view_kwargs)
        render = getattr(response, "render", None)
        return render() if callable(render) else response
