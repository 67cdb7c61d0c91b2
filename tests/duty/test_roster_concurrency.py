"""Eight copies of one "solve" sent at the same moment (PostgreSQL) start one solve of the
period: one roster, one audit event, one 201 and seven 200 answers naming it."""

import datetime
import json

import pytest
from django.test import Client

from shoumen.accounts.services import api_token_create
from shoumen.audit.models import AuditEvent
from shoumen.duty.models import Roster
from shoumen.lib.dates import today
from tests.concurrency import at_once, postgresql_only

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def test_eight_copies_of_a_solve_at_once_start_one_solve(world, duty, settings):
    # Queued, not run: the race is in starting the solve.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    start = today() + datetime.timedelta(days=7)
    body = json.dumps(
        {
            "unit": "C1",
            "starts_on": start.isoformat(),
            "ends_on": (start + datetime.timedelta(days=6)).isoformat(),
            "time_limit_seconds": 10,
        }
    )
    _token, raw = api_token_create(actor=None, user=world.community_staff)

    def send(_i):
        client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})
        response = client.post("/api/v1/duty/rosters", body, content_type="application/json")
        return response.status_code, response.json().get("id")

    answers = at_once(send)
    assert sorted(code for code, _id in answers) == [200] * 7 + [201]
    roster = Roster.objects.get()
    assert {roster_id for _code, roster_id in answers} == {roster.pk}
    assert AuditEvent.objects.filter(action="roster.solve").count() == 1
