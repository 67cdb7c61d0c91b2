"""Eight taps on "re-solve around the absence" at the same moment (PostgreSQL) start one
re-solve: one row, one audit event, every tap led to it."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from shoumen.audit.models import AuditEvent
from shoumen.duty.cover_services import sick_call
from shoumen.duty.models import Resolve, ResolveStatus
from tests.concurrency import at_once, postgresql_only
from tests.duty.conftest import NOW
from tests.duty.resolve_rows import TUESDAY, small_roster

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def test_eight_taps_at_once_start_one_re_solve(world, settings):
    # Queued, not run: the race is in starting the re-solve.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with time_machine.travel(NOW, tick=True):
        small = small_roster(world)
        row = small.roster.assignments.get(
            person=small.people["A"], date=TUESDAY + datetime.timedelta(days=2), shift__code="D"
        )
        sick_call(actor=world.community_staff, assignment=row)

        def send(_i):
            client = Client(raise_request_exception=False)
            client.force_login(world.community_staff)
            response = client.post(reverse("duty:resolve_start", args=[row.pk]), {"confirm": "1"})
            return response.status_code, response.get("Location")

        answers = at_once(send)
    resolve = Resolve.objects.get()
    assert resolve.status == ResolveStatus.SOLVING
    assert answers == [(302, reverse("duty:resolve", args=[resolve.pk]))] * 8
    assert AuditEvent.objects.filter(action="roster.resolve").count() == 1
