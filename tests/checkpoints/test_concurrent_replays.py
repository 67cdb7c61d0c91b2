"""Copies sent at the same moment at a checkpoint: a phone's scan batch synced eight times
at once, a visitor's self-registration tapped eight times at once. Each is kept once, every
copy answers as a replay does (never a 500), and its audit event and alert are written
once, by the copy saved first. Eight fever scans of one resident at once count eight hits."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from shoumen.accounts.services import api_token_create
from shoumen.alerts.models import Alert, Cause, Notification
from shoumen.audit.models import AuditEvent
from shoumen.checkpoints.models import Checkpoint, Scan, Visitor
from shoumen.checkpoints.services import pass_issue, pass_token
from tests.concurrency import COPIES, at_once, postgresql_only, world_for_threads

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def _api_client(user) -> Client:
    _token, raw = api_token_create(actor=None, user=user)
    return Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})


def _batch(gate, rows):
    return json.dumps({"checkpoint": gate.pk, "rows": rows})


def _setup():
    world = world_for_threads()
    gate = Checkpoint.objects.create(community=world.community, name=f"北门{uuid.uuid4().hex[:6]}")
    tokens = {
        p.name: pass_token(pass_issue(actor=world.grid_worker, person=p))
        for p in (world.shan, world.zeng)
    }
    return world, gate, tokens


def test_a_scan_batch_synced_eight_times_at_once_keeps_each_scan_once_and_answers_200():
    world, gate, tokens = _setup()
    rows = [
        {
            "client_uuid": str(uuid.uuid4()),
            "token": tokens["单明"],
            "direction": "in",
            "temperature": "37.8",
        },
        {
            "client_uuid": str(uuid.uuid4()),
            "token": tokens["曾丽"],
            "direction": "in",
            "temperature": "36.5",
        },
        {"client_uuid": str(uuid.uuid4()), "token": tokens["曾丽"], "direction": "out"},
    ]
    body = _batch(gate, rows)
    clients = [_api_client(world.volunteer) for _ in range(COPIES)]

    def send(i):
        response = clients[i].post("/api/v1/scans/batch", body, content_type="application/json")
        ok = response.status_code == 200
        return response.status_code, response.json() if ok else response.content[:200]

    answers = at_once(send)
    assert [status for status, _ in answers] == [200] * COPIES, answers
    assert sum(body["created"] for _, body in answers) == len(rows)
    assert all(body["created"] + body["unchanged"] == len(rows) for _, body in answers)
    # Every copy names the same scans.
    assert len({tuple(r["scan_id"] for r in body["results"]) for _, body in answers}) == 1
    assert Scan.objects.filter(checkpoint=gate).count() == len(rows)
    fever = Alert.objects.get(person=world.shan, cause=Cause.FEVER)
    assert fever.hits == 1
    assert Notification.objects.filter(alert=fever).count() == 1
    assert AuditEvent.objects.filter(action="alert.raise", target_id=str(fever.pk)).count() == 1


def test_eight_fever_scans_of_one_resident_at_once_count_eight_hits_on_one_alert():
    world, gate, tokens = _setup()
    clients = [_api_client(world.volunteer) for _ in range(COPIES)]

    def send(i):
        row = {
            "client_uuid": str(uuid.uuid4()),
            "token": tokens["单明"],
            "direction": "in",
            "temperature": "38.1",
        }
        response = clients[i].post(
            "/api/v1/scans/batch", _batch(gate, [row]), content_type="application/json"
        )
        return response.status_code

    assert at_once(send) == [200] * COPIES
    fever = Alert.objects.get(person=world.shan, cause=Cause.FEVER)
    assert fever.hits == COPIES
    assert Notification.objects.filter(alert=fever).count() == 1
    assert AuditEvent.objects.filter(action="alert.raise", target_id=str(fever.pk)).count() == 1


def test_a_visitor_registration_tapped_eight_times_at_once_is_kept_once():
    world, gate, _tokens = _setup()
    url = reverse("checkpoints:visitor_self", args=[gate.visitor_key])
    data = {
        "client_uuid": str(uuid.uuid4()),
        "name": "访客甲",
        "phone": "13912345678",
        "building": world.building_a.pk,
        "unit": "2",
        "door_number": "301",
        "visiting": "",
        "reason": "探望老人",
        "temperature": "37.9",
    }

    def send(_i):
        return Client(raise_request_exception=False).post(url, data).status_code

    assert at_once(send) == [200] * COPIES
    visitor = Visitor.objects.get(checkpoint=gate)
    assert (
        AuditEvent.objects.filter(action="visitor.register", target_id=str(visitor.pk)).count() == 1
    )
    # The fever is raised once, by the copy saved first.
    alerts = Alert.objects.filter(details__visitor=visitor.pk)
    assert alerts.count() == 1
    assert Notification.objects.filter(alert=alerts.get()).count() == 1
