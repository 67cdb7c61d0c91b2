"""The replica router and middleware without a replica: which alias each read would go to,
who is pinned to the primary and for how long, the retry of a read whose replica failed,
and the per-process health view. The replicas' answers are stood in for here; the real
thing is tests/ops/test_replica_cluster.py."""

import json
import os
import subprocess
import sys
import threading
import time

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import OperationalError, connections, router
from django.http import HttpResponse
from django.urls import path

from shoumen.accounts.models import RoleAssignment, User
from shoumen.lib import replicas

REPLICA = "replica1"
PIN_SECONDS = 10


# ---------------------------------------------------------------- views for these tests


def where(request):
    """Where a read of an ordinary model would go."""
    return HttpResponse(router.db_for_read(Group))


def write_then_where(request):
    """Runs an UPDATE on the primary as far as the connection's execute wrappers see."""
    for wrapper in connections["default"].execute_wrappers:
        wrapper(lambda *args: None, "UPDATE auth_group SET name = name", (), False, {})
    return HttpResponse(router.db_for_read(Group))


def update_rows(request):
    Group.objects.filter(name="no such group").update(name="still none")
    return HttpResponse(router.db_for_read(Group))


def get_or_create_existing(request):
    Group.objects.get_or_create(name="replica readers")  # found: Django asks db_for_write
    return HttpResponse(router.db_for_read(Group))


def session_where(request):
    return HttpResponse(router.db_for_read(Session))


calls: list[str] = []


def fails_on_replica(request):
    """Fails as a dead replica would the first time, then answers with where it read."""
    alias = router.db_for_read(Group)
    calls.append(alias)
    if alias == REPLICA:
        raise OperationalError("connection refused")
    return HttpResponse(alias)


urlpatterns = [
    path("where/", where),
    path("write/", write_then_where),
    path("session/", session_where),
    path("fails/", fails_on_replica),
    path("update/", update_rows),
    path("get-or-create/", get_or_create_existing),
]

pytestmark = pytest.mark.urls(__name__)


# ---------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def fresh_health(monkeypatch, settings):
    """Each test starts with a process that has not checked its replicas yet, and serves
    these views through the replica middleware alone (the others read the database)."""
    monkeypatch.setattr(replicas, "_health", replicas._Health())
    settings.MIDDLEWARE = ["shoumen.lib.replicas.ReplicaMiddleware"]
    calls.clear()


@pytest.fixture
def one_replica(settings, monkeypatch):
    """One replica configured, answering and within the lag limit."""
    settings.REPLICA_DATABASES = [REPLICA]
    settings.SHOUMEN_REPLICA_PIN_SECONDS = PIN_SECONDS
    monkeypatch.setattr(replicas, "used_replicas", lambda: (REPLICA,))


def _read(client, url="/where/", **extra) -> str:
    response = client.get(url, **extra)
    assert response.status_code == 200
    return response.content.decode()


# ---------------------------------------------------------------- no replicas


def test_without_replicas_every_read_and_write_goes_to_the_primary(client, monkeypatch):
    def no_check():
        raise AssertionError("no replica is checked when none is configured")

    monkeypatch.setattr(replicas, "used_replicas", no_check)
    assert settings.REPLICA_DATABASES == []
    assert _read(client) == "default"
    response = client.post("/write/")
    assert response.content == b"default"
    assert replicas.PIN_COOKIE not in response.cookies
    assert replicas.replica_states() == []


def test_without_replicas_the_router_leaves_every_choice_to_django():
    test_router = replicas.ReplicaRouter()
    assert test_router.db_for_read(Group) is None
    assert test_router.db_for_write(Group) is None
    assert test_router.allow_migrate("default", "auth") is None


# ---------------------------------------------------------------- where reads go


def test_a_read_only_request_reads_from_the_replica(client, one_replica):
    assert _read(client) == REPLICA
    assert _read(client, HTTP_AUTHORIZATION="Bearer some-token") == REPLICA


def test_every_method_that_may_write_reads_from_the_primary(client, one_replica):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)("/where/")
        assert response.content == b"default", method


def test_reads_after_a_write_in_the_same_request_go_to_the_primary(client, one_replica):
    assert _read(client, "/write/") == "default"


def test_only_statements_that_write_count_as_writes():
    for sql in (
        "SELECT 1",
        " (SELECT 1) UNION (SELECT 2)",
        'SAVEPOINT "s1"',
        "RELEASE SAVEPOINT x",
    ):
        assert replicas._reads_only(sql), sql
    for sql in (
        "INSERT INTO t VALUES (1)",
        "update t set a = 1",
        "DELETE FROM t",
        "COPY t FROM STDIN",
    ):
        assert not replicas._reads_only(sql), sql
    assert not replicas._reads_only(object())  # composed SQL: counted as a write


@pytest.mark.django_db
def test_a_real_update_pins_and_a_lookup_of_get_or_create_does_not(client, one_replica):
    Group.objects.create(name="replica readers")
    response = client.get("/get-or-create/")
    assert replicas.PIN_COOKIE not in response.cookies
    response = client.get("/update/")
    assert replicas.PIN_COOKIE in response.cookies


def test_reads_inside_a_transaction_on_the_primary_go_to_the_primary(one_replica, monkeypatch):
    token = replicas._reads.set(replicas._Reads(alias=REPLICA))
    try:
        assert router.db_for_read(Group) == REPLICA
        monkeypatch.setattr(connections["default"], "in_atomic_block", True)
        assert router.db_for_read(Group) == "default"
    finally:
        replicas._reads.reset(token)


def test_a_request_reading_the_primary_names_it_even_for_a_row_read_from_a_replica(
    one_replica,
):
    # After a failed replica read is answered again from the primary, a related row of an
    # instance that came from the replica must not be looked up there (Django's default).
    token = replicas._reads.set(replicas._Reads(alias=None))
    try:
        from_replica = Group(name="read before the replica failed")
        from_replica._state.db = REPLICA
        assert router.db_for_read(Group, instance=from_replica) == "default"
    finally:
        replicas._reads.reset(token)


def test_who_is_calling_and_their_roles_are_read_from_the_primary(one_replica):
    token = replicas._reads.set(replicas._Reads(alias=REPLICA))
    try:
        assert not connections["default"].in_atomic_block
        assert router.db_for_read(Group) == REPLICA
        assert router.db_for_read(User) == "default"
        assert router.db_for_read(RoleAssignment) == "default"
    finally:
        replicas._reads.reset(token)


def test_sessions_are_always_read_from_the_primary(client, one_replica):
    assert _read(client, "/session/") == "default"


def test_the_choice_ends_with_the_request(client, one_replica):
    _read(client)
    assert replicas._reads.get() is None
    assert router.db_for_read(Group) == "default"


def test_reads_are_shared_round_robin_between_used_replicas(client, one_replica, monkeypatch):
    monkeypatch.setattr(replicas, "used_replicas", lambda: ("replica1", "replica2"))
    assert {_read(client) for _ in range(4)} == {"replica1", "replica2"}


def test_with_no_replica_used_reads_go_to_the_primary(client, one_replica, monkeypatch):
    monkeypatch.setattr(replicas, "used_replicas", lambda: ())
    assert _read(client) == "default"


# ---------------------------------------------------------------- read-your-writes


def test_a_browser_that_wrote_reads_from_the_primary_until_its_pin_ends(client, one_replica):
    with time_machine.travel(time.time(), tick=False) as clock:
        response = client.post("/where/")
        cookie = response.cookies[replicas.PIN_COOKIE]
        assert cookie["max-age"] == PIN_SECONDS
        assert cookie["httponly"]
        assert _read(client) == "default"
        clock.shift(PIN_SECONDS - 1)
        assert _read(client) == "default"
        clock.shift(2)
        assert _read(client) == REPLICA


def test_a_read_only_request_that_wrote_pins_its_browser(client, one_replica):
    response = client.get("/write/")
    assert replicas.PIN_COOKIE in response.cookies
    assert _read(client) == "default"


def test_a_request_that_did_not_write_sets_no_pin(client, one_replica):
    response = client.get("/where/")
    assert replicas.PIN_COOKIE not in response.cookies


def test_a_pin_cookie_not_signed_by_the_server_pins_nothing(client, one_replica):
    client.cookies[replicas.PIN_COOKIE] = str(int(time.time()) + 3600)
    assert _read(client) == REPLICA


def test_an_api_token_that_wrote_reads_from_the_primary_until_its_pin_ends(client, one_replica):
    writer = {"HTTP_AUTHORIZATION": "Bearer writer-token-0123456789"}
    other = {"HTTP_AUTHORIZATION": "Bearer other-token-0123456789"}
    response = client.post("/where/", **writer)
    assert replicas.PIN_COOKIE not in response.cookies  # the pin is the token's
    assert _read(client, **writer) == "default"
    assert _read(client, HTTP_AUTHORIZATION="Token writer-token-0123456789") == "default"
    assert _read(client, **other) == REPLICA
    cache.delete(replicas._pin_key("writer-token-0123456789"))  # as when the pin expires
    assert _read(client, **writer) == REPLICA


def test_a_token_pin_lasts_the_pin_seconds_in_the_cache(one_replica, monkeypatch):
    stored = {}
    monkeypatch.setattr(cache, "set", lambda key, value, timeout: stored.update({key: timeout}))
    request = type("Request", (), {"META": {"HTTP_AUTHORIZATION": "Bearer abc"}})()
    replicas.pin(request, HttpResponse())
    assert list(stored.values()) == [PIN_SECONDS]


def test_the_cache_never_holds_the_token(client, one_replica, monkeypatch):
    token = "secret-token-value-0123456789"
    keys = []
    store = cache.set
    monkeypatch.setattr(
        cache, "set", lambda key, *a, **kw: keys.append(key) or store(key, *a, **kw)
    )
    client.post("/where/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert keys, "the pin is in the cache"
    assert not [key for key in keys if token in key]
    assert _read(client, HTTP_AUTHORIZATION=f"Bearer {token}") == "default"


def test_a_token_reads_from_the_primary_when_the_cache_does_not_answer(
    client, one_replica, monkeypatch
):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", broken)
    assert _read(client, HTTP_AUTHORIZATION="Bearer abc") == "default"
    assert _read(client) == REPLICA  # a browser's pin is its cookie: no cache involved


# ---------------------------------------------------------------- a replica that fails


def test_a_read_whose_replica_fails_is_answered_again_from_the_primary(
    client, one_replica, monkeypatch
):
    monkeypatch.setattr(replicas, "_replica_failed", lambda alias: True)
    assert _read(client, "/fails/") == "default"
    assert calls == [REPLICA, "default"]
    assert replicas._health.states[REPLICA].answering is False


def test_an_error_that_is_not_the_replicas_is_not_retried(client, one_replica, monkeypatch):
    monkeypatch.setattr(replicas, "_replica_failed", lambda alias: False)
    with pytest.raises(OperationalError):
        client.get("/fails/")
    assert calls == [REPLICA]


def test_a_replica_that_failed_a_request_is_skipped_until_the_next_check(settings):
    settings.REPLICA_DATABASES = [REPLICA]
    replicas._health.used = (REPLICA,)
    replicas._health.checked_at = time.monotonic()
    replicas.mark_down(REPLICA)
    assert replicas.used_replicas() == ()


# ---------------------------------------------------------------- health


def _measured(states: dict[str, tuple[bool, float | None]], counter: list[str]):
    def measure(alias):
        counter.append(alias)
        answering, lag = states[alias]
        limit = settings.SHOUMEN_REPLICA_MAX_LAG_SECONDS
        used = answering and lag is not None and lag <= limit
        return replicas.ReplicaState(alias, answering, lag, used)

    return measure


def test_a_lagging_or_silent_replica_is_not_used(settings, monkeypatch):
    settings.REPLICA_DATABASES = ["replica1", "replica2", "replica3"]
    counter: list[str] = []
    monkeypatch.setattr(
        replicas,
        "measure",
        _measured(
            {"replica1": (True, 0.5), "replica2": (True, 31.0), "replica3": (False, None)},
            counter,
        ),
    )
    states = replicas.replica_states(fresh=True)
    assert [(s.alias, s.answering, s.used) for s in states] == [
        ("replica1", True, True),
        ("replica2", True, False),
        ("replica3", False, False),
    ]
    assert replicas.used_replicas() == ("replica1",)


def test_replicas_are_checked_in_the_background_at_most_every_few_seconds(settings, monkeypatch):
    settings.REPLICA_DATABASES = [REPLICA]
    counter: list[str] = []
    measured = _measured({REPLICA: (True, 0.0)}, counter)
    answer = threading.Event()

    def slow_measure(alias):
        answer.wait(5)  # a replica slow to answer holds up no request
        return measured(alias)

    monkeypatch.setattr(replicas, "measure", slow_measure)
    assert replicas.used_replicas() == ()  # not checked yet: the primary meanwhile
    answer.set()
    deadline = time.monotonic() + 5
    while not replicas._health.used and time.monotonic() < deadline:
        time.sleep(0.01)
    assert replicas.used_replicas() == (REPLICA,)
    for _ in range(100):
        replicas.used_replicas()
        replicas.replica_states()
    assert counter == [REPLICA]
    replicas._health.checked_at -= replicas.CHECK_SECONDS
    replicas.used_replicas()
    deadline = time.monotonic() + 5
    while len(counter) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert counter == [REPLICA, REPLICA]


def test_a_replica_going_down_and_back_is_logged_once_each_way(settings, monkeypatch, caplog):
    settings.REPLICA_DATABASES = [REPLICA]
    answers = {REPLICA: (False, None)}
    monkeypatch.setattr(replicas, "measure", _measured(answers, []))
    for _ in range(3):
        replicas.replica_states(fresh=True)
    answers[REPLICA] = (True, 0.1)
    for _ in range(3):
        replicas.replica_states(fresh=True)
    lines = [r.getMessage() for r in caplog.records if r.name == "shoumen.lib.replicas"]
    assert lines == [f"replica {REPLICA} skipped: not answering", f"replica {REPLICA} used again"]


def test_a_replica_not_checked_yet_reads_as_down(settings, monkeypatch):
    settings.REPLICA_DATABASES = [REPLICA]
    monkeypatch.setattr(replicas, "_check_in_background", lambda: None)
    assert replicas.replica_states() == [replicas.ReplicaState(REPLICA, False, None, False)]


@pytest.mark.django_db
@pytest.mark.skipif(
    connections["default"].vendor != "postgresql", reason="the lag query is PostgreSQL's"
)
def test_a_server_not_in_recovery_measures_no_lag():
    state = replicas.measure("default")
    assert (state.answering, state.lag_seconds, state.used) == (True, 0.0, True)


# ---------------------------------------------------------------- routing rules


def test_rows_from_a_replica_and_the_primary_may_be_related(settings):
    settings.REPLICA_DATABASES = [REPLICA]
    from_replica, from_primary, elsewhere = Group(), Group(), Group()
    from_replica._state.db, from_primary._state.db, elsewhere._state.db = (
        REPLICA,
        "default",
        "other",
    )
    test_router = replicas.ReplicaRouter()
    assert test_router.allow_relation(from_replica, from_primary) is True
    assert test_router.allow_relation(from_replica, elsewhere) is False


def test_a_replica_is_never_migrated(settings):
    settings.REPLICA_DATABASES = [REPLICA]
    test_router = replicas.ReplicaRouter()
    assert test_router.allow_migrate(REPLICA, "registry") is False
    assert test_router.allow_migrate("default", "registry") is None


def test_replica_settings_fail_fast_and_keep_the_replicas_own_options():
    env = dict(
        os.environ,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/primary",
        DATABASE_REPLICA_URLS=(
            "postgres://postgres@10.0.0.2:5432/primary?sslmode=require&connect_timeout=7,"
            "postgres://postgres@10.0.0.3:5432/primary"
        ),
    )
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({'replicas': settings.REPLICA_DATABASES, "
        "'options': [settings.DATABASES[a]['OPTIONS'] for a in settings.REPLICA_DATABASES], "
        "'test': settings.DATABASES['replica1']['TEST']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "shoumen.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=settings.BASE_DIR,
    )
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["replicas"] == ["replica1", "replica2"]
    first, second = found["options"]
    assert first["sslmode"] == "require"
    assert "sslmode" not in second
    assert first["connect_timeout"] == 7  # its URL's own
    assert second["connect_timeout"] == settings.REPLICA_CONNECT_TIMEOUT
    for options in (first, second):
        assert options["pool"]["timeout"] == settings.REPLICA_CONNECT_TIMEOUT
    assert found["test"]["MIRROR"] == "default"
