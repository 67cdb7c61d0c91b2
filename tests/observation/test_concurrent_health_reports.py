"""Eight copies of one health report sent at the same moment: one report, one audit event,
one alert; the copy saved first answers 201 and the others 200 (unchanged)."""

import datetime
import json
import uuid
from decimal import Decimal

import pytest
from django.test import Client

from shoumen.accounts.services import api_token_create
from shoumen.alerts.models import Alert, Cause
from shoumen.audit.models import AuditEvent
from shoumen.lib.dates import today
from shoumen.observation.models import HealthReport
from tests.concurrency import at_once, postgresql_only, world_for_threads

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def test_eight_copies_of_a_fever_report_sent_at_once_keep_one_report_and_one_alert():
    world = world_for_threads()
    body = json.dumps(
        {
            "person": world.shan.pk,
            "date": today().isoformat(),
            "slot": "am",
            "temperature": "37.8",
            "source": "worker_phone",
            "client_uuid": str(uuid.uuid4()),
        }
    )
    _token, raw = api_token_create(actor=None, user=world.grid_worker)
    before = AuditEvent.objects.filter(action="health_reports.ingest").count()

    def send(_i):
        client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})
        response = client.post("/api/v1/health-reports", body, content_type="application/json")
        return response.status_code

    assert sorted(at_once(send)) == [200] * 7 + [201]
    assert HealthReport.objects.filter(person=world.shan).count() == 1
    assert AuditEvent.objects.filter(action="health_reports.ingest").count() == before + 1
    alert = Alert.objects.get(person=world.shan, cause=Cause.FEVER)
    assert alert.hits == 1


def test_eight_different_fever_reports_at_once_count_eight_hits_on_one_alert():
    world = world_for_threads()
    person = world.neighbour
    _token, raw = api_token_create(actor=None, user=world.neighbour_worker)

    def send(i):
        body = {
            "person": person.pk,
            "date": today().isoformat(),
            "slot": "pm",
            "temperature": str(Decimal("37.4") + Decimal(i) / 10),  # 37.4 ... 38.1
            "source": "worker_phone",
            "client_uuid": str(uuid.uuid4()),
        }
        client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})
        response = client.post(
            "/api/v1/health-reports", json.dumps(body), content_type="application/json"
        )
        return response.status_code

    assert sorted(at_once(send)) == [200] * 7 + [201]
    assert HealthReport.objects.filter(person=person).count() == 1
    alert = Alert.objects.get(person=person, cause=Cause.FEVER)
    assert alert.hits == 8


def test_eight_batches_over_the_same_slots_at_once_all_answer_and_keep_one_report_a_slot():
    world = world_for_threads()
    persons = [world.shan, world.zeng]
    slots = [
        (person.pk, (today() - datetime.timedelta(days=d)).isoformat(), slot)
        for person in persons
        for d in range(3)
        for slot in ("am", "pm")
    ]
    _token, raw = api_token_create(actor=None, user=world.grid_worker)

    def send(i):
        order = slots[i % len(slots) :] + slots[: i % len(slots)]  # each starts elsewhere
        rows = [
            {
                "person": person,
                "date": date,
                "slot": slot,
                "temperature": str(Decimal("36.0") + Decimal(i) / 10),
                "source": "worker_phone",
                "client_uuid": str(uuid.uuid4()),
            }
            for person, date, slot in order
        ]
        client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})
        response = client.post(
            "/api/v1/health-reports/batch",
            json.dumps({"rows": rows}),
            content_type="application/json",
        )
        return response.status_code

    assert at_once(send) == [200] * 8
    assert HealthReport.objects.filter(person__in=persons).count() == len(slots)
