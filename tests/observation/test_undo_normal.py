"""A mistaken one-tap Normal can be undone for a few minutes (audited); after the window
the undo is refused with a clear message and the report stays."""

import datetime
import re

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from shoumen.audit.models import AuditEvent
from shoumen.observation.models import HealthReport
from shoumen.observation.quick_undo import ERR_UNDO_EXPIRED, ERR_UNDO_NOT_YOURS
from tests.observation.test_today_pages import HTMX, MORNING, observe, row_html, tap

pytestmark = pytest.mark.django_db


def undo(client, obs, report_id):
    url = reverse("observation:today_undo", args=[obs.pk])
    return client.post(url, {"report": report_id}, **HTMX)


def tapped_normal(world, login):
    obs = observe(world, world.shan)
    client = login(world.grid_worker)
    with time_machine.travel(MORNING, tick=False):
        page = client.get(reverse("observation:today")).content.decode()
        response = tap(client, obs, page, "normal")
    return obs, client, response


def test_row_offers_undo_right_after_normal(world, login):
    _obs, _client, response = tapped_normal(world, login)
    body = response.content.decode()
    report = HealthReport.objects.get()
    assert 'data-testid="tap-undo"' in body
    assert re.search(rf'name="report" value="{report.pk}"', body)


def test_undo_within_the_window_removes_the_report_and_is_audited(world, login):
    obs, client, _ = tapped_normal(world, login)
    report = HealthReport.objects.get()

    with time_machine.travel(MORNING + datetime.timedelta(minutes=5), tick=False):
        response = undo(client, obs, report.pk)

    assert response.status_code == 200
    assert not HealthReport.objects.exists()
    event = AuditEvent.objects.get(action="health_report.withdraw")
    assert event.actor == world.grid_worker and event.target_id == str(world.shan.pk)
    assert 'data-testid="tap-normal"' in response.content.decode()


def test_undo_after_the_window_is_refused_and_keeps_the_report(world, login):
    obs, client, _ = tapped_normal(world, login)
    report = HealthReport.objects.get()

    late = MORNING + datetime.timedelta(minutes=5, seconds=1)
    with time_machine.travel(late, tick=False):
        page = client.get(reverse("observation:today")).content.decode()
        response = undo(client, obs, report.pk)

    assert 'data-testid="tap-undo"' not in row_html(page, obs)
    assert response.status_code == 409
    assert str(ERR_UNDO_EXPIRED % {"minutes": 5}) in response.content.decode()
    assert HealthReport.objects.filter(pk=report.pk).exists()
    assert not AuditEvent.objects.filter(action="health_report.withdraw").exists()


@override_settings(SHOUMEN_NORMAL_UNDO_MINUTES=10)
def test_undo_window_is_a_setting(world, login):
    obs, client, _ = tapped_normal(world, login)
    report = HealthReport.objects.get()

    with time_machine.travel(MORNING + datetime.timedelta(minutes=9), tick=False):
        response = undo(client, obs, report.pk)

    assert response.status_code == 200
    assert not HealthReport.objects.exists()


def test_only_the_worker_who_tapped_can_undo(world, login):
    obs, _client, _ = tapped_normal(world, login)
    report = HealthReport.objects.get()

    with time_machine.travel(MORNING + datetime.timedelta(minutes=1), tick=False):
        response = undo(login(world.community_staff), obs, report.pk)

    assert response.status_code == 409
    assert str(ERR_UNDO_NOT_YOURS) in response.content.decode()
    assert HealthReport.objects.filter(pk=report.pk).exists()
