"""Copies sent at the same moment (PostgreSQL): eight copies of one service request keep
one request and one audit event; eight copies of one hotline call keep one call."""

import json
import uuid

import pytest
from django.test import Client

from shoumen.accounts.services import api_token_create
from shoumen.audit.models import AuditEvent
from shoumen.services.hotline import hotline_call_record
from shoumen.services.models import HotlineCall, ServiceRequest
from tests.concurrency import at_once, postgresql_only

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def test_eight_copies_of_a_service_request_at_once_keep_one(world):
    body = json.dumps(
        {"person": world.shan.pk, "kind": "medicine", "client_uuid": str(uuid.uuid4())}
    )
    _token, raw = api_token_create(actor=None, user=world.grid_worker)

    def send(_i):
        client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})
        return client.post("/api/v1/service-requests", body, content_type="application/json")

    codes = sorted(r.status_code for r in at_once(send))
    assert codes == [200] * 7 + [201]
    assert ServiceRequest.objects.count() == 1
    assert AuditEvent.objects.filter(action="service_request.create").count() == 1


def test_eight_copies_of_a_hotline_call_at_once_keep_one(world):
    key = uuid.uuid4()
    staff, community = world.community_staff, world.community

    def send(_i):
        _call, created = hotline_call_record(
            actor=staff, community=community, topic="anxiety", minutes=5, client_uuid=key
        )
        return created

    assert sorted(at_once(send)) == [False] * 7 + [True]
    assert HotlineCall.objects.count() == 1
