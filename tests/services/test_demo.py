"""The demo's resident services: every door, open and delivered requests, a standing
delivery for an isolated household, hotline calls; loading again adds nothing."""

import datetime

import pytest
import time_machine

from shoumen.demo import services as demo
from shoumen.services.models import Door, RequestStatus, ServiceRequest
from tests.services.helpers import NOW, observed, volunteer_of

pytestmark = pytest.mark.django_db


def test_the_demo_loads_requests_from_every_door_once(world, monkeypatch):
    monkeypatch.setattr(demo, "DUTY_COMMUNITY_CODE", "C1")
    with time_machine.travel(NOW - datetime.timedelta(days=3), tick=False):
        observed(world)
    volunteer_of(world)
    with time_machine.travel(NOW, tick=False):
        counts = demo.demo_services_load(world.unit("D1"), day=NOW.date(), seed=7)
        again = demo.demo_services_load(world.unit("D1"), day=NOW.date(), seed=7)
    assert counts == again
    assert counts["service_requests"] == len(demo.PLAN) + 3
    assert counts["standing_deliveries"] == 1 and counts["hotline_calls"] == len(demo.HOTLINE)
    doors = set(ServiceRequest.objects.values_list("door", flat=True))
    assert doors == {Door.SELF_REPORT, Door.VISIT, Door.CALL}
    statuses = set(ServiceRequest.objects.values_list("status", flat=True))
    assert {RequestStatus.NEW, RequestStatus.CONFIRMED, RequestStatus.DONE} <= statuses
    assert ServiceRequest.objects.filter(standing_from__isnull=False).count() == 2
    assert all(r.created_at <= r.due_at for r in ServiceRequest.objects.all())
