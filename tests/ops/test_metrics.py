"""/metrics: django-prometheus's metrics and the platform's own figures, for the bearer of
SHOUMEN_METRICS_TOKEN only; the figures are the database's rows, read cheaply."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.parser import text_string_to_metric_families

from shoumen.accounts import keys
from shoumen.alerts.models import Cause
from shoumen.alerts.services import alert_acknowledge, alert_raise, alert_raise_for_unit
from shoumen.audit.models import AuditBlock, AuditEvent
from shoumen.audit.sealing import audit_seal
from shoumen.lib.dates import today
from shoumen.lib.replicas import ReplicaState
from shoumen.ops import health, metrics, views
from shoumen.reports.services import figures_fill
from shoumen.reports.tasks import figures_fill_today_task

TOKEN = "t0ken-for-the-scraper-4c1f9a7e2b"
NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def token(settings, monkeypatch):
    settings.SHOUMEN_METRICS_TOKEN = TOKEN
    monkeypatch.setattr(keys, "_started", True)


def _scrape(client=None, token=TOKEN):
    client = client or Client()
    return client.get(reverse("ops:metrics"), HTTP_AUTHORIZATION=f"Bearer {token}")


def _samples(response) -> dict[tuple[str, tuple], float]:
    """{(name, ((label, value), ...)): value} of every sample in the exposition."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def _value(samples, name, **labels):
    return samples[(name, tuple(sorted(labels.items())))]


def test_metrics_answer_404_while_no_token_is_configured(world, settings):
    settings.SHOUMEN_METRICS_TOKEN = ""
    assert Client().get(reverse("ops:metrics")).status_code == 404
    assert _scrape(token="").status_code == 404


def test_metrics_answer_401_without_a_token(world):
    response = Client().get(reverse("ops:metrics"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    basic = Client().get(reverse("ops:metrics"), HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")
    assert basic.status_code == 401


def test_metrics_answer_403_with_a_wrong_token(world):
    assert _scrape(token=TOKEN[:-1]).status_code == 403
    assert _scrape(token=TOKEN + "x").status_code == 403
    assert b"shoumen_" not in _scrape(token="wrong").content


def test_the_token_is_compared_in_constant_time(world, monkeypatch):
    compared = []

    def compare_digest(a, b):
        compared.append((a, b))
        return a == b

    monkeypatch.setattr(views.hmac, "compare_digest", compare_digest)
    assert _scrape(token="wrong").status_code == 403
    assert compared == [(b"wrong", TOKEN.encode())]


def test_metrics_with_the_token_expose_django_prometheus_and_the_platform(world):
    response = _scrape()
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE_LATEST  # the text format
    names = {family.name for family in text_string_to_metric_families(response.content.decode())}
    assert "django_http_requests_before_middlewares" in names  # django-prometheus's
    assert set(metrics.HELP) - {metrics.AUDIT_LAST_SEAL, metrics.ROLLUP_LAST_FILL} <= names


def test_metrics_refuse_post_with_405_without_asking_for_a_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("ops:metrics"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 405


def test_an_address_locked_out_of_logins_still_gets_metrics(world, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    client = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(4):
        client.post(reverse("accounts:login"), {"username": f"user{i}", "password": "wrong"})
    assert client.post(reverse("accounts:login"), {"username": "x"}).status_code == 429
    assert _scrape(client).status_code == 200


def _alerts(world):
    """Two residents' alerts, one of them overdue and acknowledged, and a school's, overdue."""
    overdue, _ = alert_raise(
        person=world.shan,
        cause=Cause.FEVER,
        details={"temperature": "37.8"},
        now=NOW - datetime.timedelta(hours=3),
        due_minutes=120,
    )
    alert_acknowledge(actor=world.community_staff, alert=overdue)
    alert_raise(person=world.zeng, cause=Cause.FEVER, details={}, now=NOW, due_minutes=120)
    alert_raise_for_unit(
        unit=world.class_a.unit,
        cause=Cause.SCHOOL_CLASS_CLUSTER,
        key="cluster",
        details={"count": 3},
        due_minutes=60,
        now=NOW - datetime.timedelta(hours=2),
    )


def test_alert_gauges_count_open_and_overdue_alerts_by_family(world):
    _alerts(world)
    with time_machine.travel(NOW, tick=False):
        samples = _samples(_scrape())
    assert _value(samples, "shoumen_alerts_open", family="resident") == 2
    assert _value(samples, "shoumen_alerts_overdue", family="resident") == 1
    assert _value(samples, "shoumen_alerts_open", family="school") == 1
    assert _value(samples, "shoumen_alerts_overdue", family="school") == 1
    assert _value(samples, "shoumen_alerts_open", family="health") == 0


def test_task_queue_gauges_count_ready_tasks_and_the_oldest_wait(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for minutes in (10, 3, 1):
            with time_machine.travel(NOW - datetime.timedelta(minutes=minutes), tick=False):
                figures_fill_today_task.enqueue()
    with time_machine.travel(NOW, tick=False):
        samples = _samples(_scrape())
    assert _value(samples, "shoumen_task_queue_depth") == 3
    assert _value(samples, "shoumen_task_queue_oldest_age_seconds") == 600


def test_a_task_to_run_later_is_not_waiting_yet(world, django_capture_on_commit_callbacks):
    later = figures_fill_today_task.using(run_after=NOW + datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(NOW, tick=False):
        later.enqueue()
    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        samples = _samples(_scrape())
    assert _value(samples, "shoumen_task_queue_depth") == 0
    assert _value(samples, "shoumen_task_queue_oldest_age_seconds") == 0


def test_unsealed_events_gauge_counts_events_written_since_the_last_seal(world):
    with time_machine.travel(NOW - datetime.timedelta(minutes=1), tick=False):
        audit_seal()
    assert _value(_samples(_scrape()), "shoumen_audit_unsealed_events") == 0
    before = AuditEvent.objects.count()
    _alerts(world)
    written = AuditEvent.objects.count() - before
    assert written >= 3
    samples = _samples(_scrape())
    assert _value(samples, "shoumen_audit_unsealed_events") == written
    # On PostgreSQL the sealer takes the database's clock, not the frozen one.
    block = AuditBlock.objects.order_by("-number").first()
    assert _value(samples, "shoumen_audit_last_seal_timestamp_seconds") == (
        block.sealed_at.timestamp()
    )


def test_the_last_fill_of_the_daily_figures_is_a_timestamp(world):
    with time_machine.travel(NOW, tick=False):
        figures_fill(day=today())
    samples = _samples(_scrape())
    assert _value(samples, "shoumen_rollup_last_fill_timestamp_seconds") == NOW.timestamp()


def test_replica_gauges_tell_up_used_and_lag_per_alias(world, monkeypatch):
    states = [
        ReplicaState(alias="replica1", answering=True, lag_seconds=0.4, used=True),
        ReplicaState(alias="replica2", answering=False, lag_seconds=None, used=False),
    ]
    monkeypatch.setattr(metrics, "replica_states", lambda **kw: states)
    samples = _samples(_scrape())
    assert _value(samples, "shoumen_replica_up", alias="replica1") == 1
    assert _value(samples, "shoumen_replica_used", alias="replica1") == 1
    assert _value(samples, "shoumen_replica_lag_seconds", alias="replica1") == 0.4
    assert _value(samples, "shoumen_replica_up", alias="replica2") == 0
    assert ("shoumen_replica_lag_seconds", (("alias", "replica2"),)) not in samples


def test_a_failed_database_read_leaves_the_other_metrics_and_says_so(world, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(health, "open_alert_counts", fail)
    response = _scrape()
    assert response.status_code == 200
    samples = _samples(response)
    assert _value(samples, "shoumen_platform_metrics_ok") == 0
    assert not any(name == "shoumen_alerts_open" for name, _ in samples)
    assert any(name.startswith("django_http_requests") for name, _ in samples)


def test_metrics_scrape_takes_five_queries(world, django_assert_num_queries):
    _alerts(world)
    audit_seal()
    figures_fill(day=today())
    with django_assert_num_queries(5):
        assert _scrape().status_code == 200


def test_under_several_workers_the_platform_figures_come_once(world, monkeypatch, tmp_path):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    _alerts(world)
    with time_machine.travel(NOW, tick=False):
        samples = _samples(_scrape())
    assert _value(samples, "shoumen_alerts_open", family="resident") == 2
    assert _value(samples, "shoumen_platform_metrics_ok") == 1


def test_the_collector_is_registered_once(world):
    assert metrics.register_platform_collector() is metrics.register_platform_collector()
