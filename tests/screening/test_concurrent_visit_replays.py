"""Eight copies of one visit sent at the same moment: one visit, one audit event, and
every copy answers as the API documents (201 for the one recorded, 200 for the replays)."""

import datetime
import json
import uuid

import pytest
from django.test import Client

from shoumen.accounts.services import api_token_create
from shoumen.audit.models import AuditEvent
from shoumen.lib.dates import today
from shoumen.observation.models import HealthReport
from shoumen.screening.models import Visit, VisitTask
from shoumen.screening.services import round_create
from tests.concurrency import at_once, postgresql_only, world_for_threads

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def test_eight_copies_of_a_visit_sent_at_once_record_one_visit_and_all_answer_2xx():
    world = world_for_threads()
    day = today()
    round_ = round_create(
        actor=world.street_officer,
        scope=world.street,
        name="并发走访",
        starts_on=day,
        ends_on=day + datetime.timedelta(days=1),
    )
    task = VisitTask.objects.get(round=round_, household=world.household_a)
    shan = world.shan
    body = json.dumps(
        {
            "task": task.pk,
            "client_uuid": str(uuid.uuid4()),
            "outcome": "visited",
            "method": "in_person",
            "members_present": [shan.pk],
            "member_reports": [{"person": shan.pk, "temperature": "36.6", "symptoms": []}],
        }
    )
    _token, raw = api_token_create(actor=None, user=world.grid_worker)
    before = AuditEvent.objects.filter(action="screening.visit").count()

    def send(_i):
        client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})
        response = client.post("/api/v1/visits", body, content_type="application/json")
        ok = response.status_code < 300
        return response.status_code, response.json()["id"] if ok else None

    answers = at_once(send)
    statuses = sorted(status for status, _id in answers)
    assert statuses == [200] * 7 + [201], answers
    assert len({visit_id for _status, visit_id in answers}) == 1
    assert Visit.objects.filter(task=task).count() == 1
    assert HealthReport.objects.filter(person=shan, date=day).count() == 1
    task.refresh_from_db()
    assert task.attempts == 1
    assert AuditEvent.objects.filter(action="screening.visit").count() == before + 1
