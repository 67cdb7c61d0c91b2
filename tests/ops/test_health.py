"""/healthz says the process answers and touches nothing else; /readyz says whether this
node can serve (primary database and cache) and how its helpers are, cheaply, with no
login, no personal data and no secrets."""

import datetime
import json

import pytest
import time_machine
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from shoumen.accounts import keys
from shoumen.audit.models import AuditBlock
from shoumen.audit.sealing import audit_seal
from shoumen.lib.dates import today
from shoumen.lib.replicas import ReplicaState
from shoumen.ops import health
from shoumen.reports.services import figures_fill
from shoumen.reports.tasks import figures_fill_today_task

NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)
CHECKS = {"database", "cache", "replicas", "task_queue", "audit_sealer", "daily_rollup"}
# A database error's message names the server, the user and sometimes a value.
SECRET_MESSAGE = 'connection to server at "10.1.2.3", port 5432 failed: password "s3cret"'


def _ready(client):
    response = client.get(reverse("ops:readyz"))
    return response, json.loads(response.content)


@pytest.fixture
def started(monkeypatch):
    """A process whose keys were checked at start (the middleware did it on loading)."""
    monkeypatch.setattr(keys, "_started", True)


def test_healthz_answers_ok_without_any_database_access(client, started):
    # No django_db mark: any database access here raises instead of answering.
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.django_db
def test_healthz_makes_no_query(client, started, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(reverse("ops:healthz")).status_code == 200


def test_readyz_answers_200_with_every_check(world, client):
    response, body = _ready(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert body["status"] == "ready"
    assert set(body["checks"]) == CHECKS
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["database"]["ms"] >= 0
    assert body["checks"]["cache"]["ms"] >= 0
    assert body["checks"]["replicas"] == {"ok": True, "replicas": []}


def test_readyz_counts_ready_tasks_and_the_oldest_one_s_wait(
    world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(NOW - datetime.timedelta(minutes=5), tick=False):
            figures_fill_today_task.enqueue()
        with time_machine.travel(NOW - datetime.timedelta(minutes=1), tick=False):
            figures_fill_today_task.enqueue()
    with time_machine.travel(NOW, tick=False):
        _, body = _ready(client)
    assert body["checks"]["task_queue"] == {"ok": True, "ready": 2, "oldest_age_seconds": 300.0}


def test_readyz_reports_when_the_audit_sealer_last_sealed(world, client):
    with time_machine.travel(NOW - datetime.timedelta(seconds=40), tick=False):
        audit_seal()
    sealed_at = AuditBlock.objects.order_by("-number").values_list("sealed_at", flat=True)[0]
    with time_machine.travel(NOW, tick=False):
        _, body = _ready(client)
    sealer = body["checks"]["audit_sealer"]
    assert datetime.datetime.fromisoformat(sealer["last_sealed_at"]) == sealed_at
    assert sealer["age_seconds"] == pytest.approx((NOW - sealed_at).total_seconds())


def test_readyz_reports_the_last_fill_of_the_daily_figures(world, client):
    with time_machine.travel(NOW - datetime.timedelta(minutes=2), tick=False):
        day = today()
        figures_fill(day=day)
    with time_machine.travel(NOW, tick=False):
        _, body = _ready(client)
    assert body["checks"]["daily_rollup"] == {
        "ok": True,
        "date": day.isoformat(),
        "last_filled_at": (NOW - datetime.timedelta(minutes=2)).isoformat(),
        "age_seconds": 120.0,
    }


def test_readyz_reports_lagging_and_silent_replicas_but_stays_ready(world, client, monkeypatch):
    states = [
        ReplicaState(alias="replica1", answering=True, lag_seconds=95.5, used=False),
        ReplicaState(alias="replica2", answering=False, lag_seconds=None, used=False),
    ]
    monkeypatch.setattr(health, "replica_states", lambda **kw: states)
    response, body = _ready(client)
    assert response.status_code == 200
    assert body["checks"]["replicas"]["replicas"] == [
        {"alias": "replica1", "answering": True, "lag_seconds": 95.5, "used": False},
        {"alias": "replica2", "answering": False, "lag_seconds": None, "used": False},
    ]


def _raise(exc):
    def check(*args, **kwargs):
        raise exc

    return check


def test_readyz_answers_503_when_the_database_fails(world, client, monkeypatch):
    monkeypatch.setattr(health, "database_check", _raise(OperationalError(SECRET_MESSAGE)))
    response, body = _ready(client)
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert body["checks"]["cache"]["ok"]
    # The reads that need the database are not tried (each would wait for it again).
    for name in ("task_queue", "audit_sealer", "daily_rollup"):
        assert body["checks"][name] == health.SKIPPED


def test_readyz_answers_503_when_the_cache_fails(world, client, monkeypatch):
    monkeypatch.setattr(health, "cache_check", _raise(ConnectionError("redis at 10.1.2.3")))
    response, body = _ready(client)
    assert response.status_code == 503
    assert body["checks"]["cache"] == {"ok": False, "error": "ConnectionError"}
    assert body["checks"]["database"]["ok"]
    assert body["checks"]["task_queue"]["ok"]


def test_readyz_answers_503_when_the_cache_server_does_not_answer(world, client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    response, body = _ready(client)
    assert response.status_code == 503
    assert body["checks"]["cache"]["ok"] is False


def test_a_failed_check_tells_the_exception_s_class_never_its_message(world, client, monkeypatch):
    monkeypatch.setattr(health, "task_queue_state", _raise(OperationalError(SECRET_MESSAGE)))
    response, body = _ready(client)
    assert response.status_code == 200  # the queue is reported, not required
    assert body["checks"]["task_queue"] == {"ok": False, "error": "OperationalError"}
    assert "10.1.2.3" not in response.content.decode()
    assert "s3cret" not in response.content.decode()


def test_readyz_takes_four_queries(world, client, django_assert_num_queries):
    audit_seal()
    figures_fill(day=today())
    with django_assert_num_queries(4):
        assert client.get(reverse("ops:readyz")).status_code == 200


def test_probes_need_no_login_and_leave_no_session(world, started):
    client = Client()
    for name in ("ops:healthz", "ops:readyz"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert "sessionid" not in response.cookies
        assert "no-store" in response["Cache-Control"]


def test_probes_refuse_post_with_405_without_asking_for_a_csrf_token(world, started):
    client = Client(enforce_csrf_checks=True)
    for name in ("ops:healthz", "ops:readyz"):
        assert client.post(reverse(name)).status_code == 405
        assert client.head(reverse(name)).status_code == 200


def test_an_address_locked_out_of_logins_still_gets_the_probes(world, started, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    client = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(4):
        client.post(reverse("accounts:login"), {"username": f"user{i}", "password": "wrong"})
    locked = client.post(reverse("accounts:login"), {"username": "x", "password": "wrong"})
    assert locked.status_code == 429
    assert client.get(reverse("ops:healthz")).status_code == 200
    assert client.get(reverse("ops:readyz")).status_code == 200
