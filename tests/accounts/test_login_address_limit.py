"""Failed logins are limited per client address across usernames (password spraying)."""

import time_machine
from django.test import Client
from django.urls import reverse

from shoumen.audit.models import AuditEvent
from tests.personas import PASSWORD

LOGIN = {"username": "grid_worker", "password": PASSWORD}


def _spray(client, count):
    return [
        client.post(reverse("accounts:login"), {"username": f"user{i}", "password": "wrong"})
        for i in range(count)
    ]


def test_forty_usernames_from_one_address_are_refused_after_the_threshold(world, settings):
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT  # the default, 20
    client = Client(REMOTE_ADDR="203.0.113.7")
    responses = _spray(client, 40)
    statuses = [r.status_code for r in responses]
    assert statuses[:limit] == [200] * limit  # the login form again, with its error
    assert statuses[limit:] == [429] * (40 - limit)
    assert "accounts/locked_out.html" in [t.name for t in responses[limit].templates]
    assert 'data-testid="locked-out-address"' in responses[limit].content.decode()
    assert int(responses[limit]["Retry-After"]) > 0


def test_refused_attempts_are_not_checked_against_any_account(world, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    client = Client(REMOTE_ADDR="203.0.113.7")
    _spray(client, 3)
    failures = AuditEvent.objects.filter(action="login.failure").count()
    _spray(client, 5)
    assert AuditEvent.objects.filter(action="login.failure").count() == failures


def test_a_refused_address_cannot_log_in_even_with_the_right_password(world, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    client = Client(REMOTE_ADDR="203.0.113.7")
    _spray(client, 5)
    response = client.post(reverse("accounts:login"), LOGIN)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_another_address_still_logs_in_while_one_is_refused(world, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    _spray(Client(REMOTE_ADDR="203.0.113.7"), 6)
    colleague = Client(REMOTE_ADDR="198.51.100.2")
    response = colleague.post(reverse("accounts:login"), LOGIN)
    assert (response.status_code, response.url) == (302, reverse("home"))


def test_behind_a_proxy_failures_count_per_client_header_address(world, settings):
    settings.CLIENT_IP_META_KEY = "HTTP_X_REAL_IP"
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    _spray(Client(REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.7"), 6)
    # Same proxy, another client: not refused.
    colleague = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="198.51.100.2")
    response = colleague.post(reverse("accounts:login"), LOGIN)
    assert (response.status_code, response.url) == (302, reverse("home"))
    attacker = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.7")
    assert attacker.post(reverse("accounts:login"), LOGIN).status_code == 429


def test_the_address_may_try_again_after_the_window(world, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    settings.LOGIN_ADDRESS_WINDOW_SECONDS = 600
    with time_machine.travel("2026-11-20 09:00 +0800", tick=False) as clock:
        client = Client(REMOTE_ADDR="203.0.113.7")
        _spray(client, 5)
        assert client.post(reverse("accounts:login"), LOGIN).status_code == 429
        clock.shift(601)
        response = client.post(reverse("accounts:login"), LOGIN)
    assert (response.status_code, response.url) == (302, reverse("home"))
