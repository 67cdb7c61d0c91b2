"""Copies sent at the same moment (PostgreSQL): eight copies of one sign-up keep one
contract and one audit event; eight sign-ups of one resident under different client UUIDs
(or with different teams) keep one open contract and never answer 500."""

import json
import uuid

import pytest
from django.test import Client

from shoumen.accounts.services import api_token_create
from shoumen.audit.models import AuditEvent
from shoumen.healthcentre.models import Contract
from tests.concurrency import at_once, postgresql_only, world_for_threads

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def _send_all(bodies):
    world = world_for_threads()
    _token, raw = api_token_create(actor=None, user=world.centre_manager)

    def send(i):
        client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})
        return client.post(
            "/api/v1/health-centre/contracts",
            json.dumps(bodies(world, i)),
            content_type="application/json",
        )

    return sorted(r.status_code for r in at_once(send))


def test_eight_copies_of_one_sign_up_keep_one():
    key = str(uuid.uuid4())

    def body(world, _i):
        return {"client_uuid": key, "person": world.shan.pk, "team": world.team_a.pk}

    assert _send_all(body) == [200] * 7 + [201]
    assert Contract.objects.count() == 1
    assert AuditEvent.objects.filter(action="contract.sign").count() == 1


def test_eight_sign_ups_of_one_resident_keep_one_open_contract(refusal_may_write):
    """The refusals see rows move: the winning copy writes at the same moment."""

    def body(world, i):
        team = world.team_a if i % 2 else world.team_b
        return {"client_uuid": str(uuid.uuid4()), "person": world.shan.pk, "team": team.pk}

    assert _send_all(body) == [201] + [422] * 7
    assert Contract.objects.count() == 1
