"""Copies sent at the same moment (PostgreSQL): eight copies of one API registration keep
one volunteer and answer 201 once, 200 the rest; eight sign-ups with one phone keep one."""

import json
import uuid

import pytest
from django.test import Client

from shoumen.accounts.services import api_token_create
from shoumen.registry.models import Volunteer
from shoumen.services.volunteer_selectors import sign_up_key
from tests.concurrency import COPIES, at_once, postgresql_only, world_for_threads

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def test_eight_copies_of_one_registration_keep_one_volunteer():
    world = world_for_threads()
    _token, raw = api_token_create(actor=None, user=world.community_staff)
    body = json.dumps(
        {
            "community": "C1",
            "name": "李红",
            "phone": "13912345678",
            "client_uuid": str(uuid.uuid4()),
        }
    )

    def send(i):
        client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})
        response = client.post("/api/v1/volunteers", body, content_type="application/json")
        return response.status_code, response.json()

    answers = at_once(send)
    assert sorted(status for status, _ in answers) == [200] * (COPIES - 1) + [201], answers
    assert len({b["id"] for _, b in answers}) == 1
    assert Volunteer.objects.filter(community=world.community).count() == 1


def test_eight_sign_ups_with_one_phone_keep_one_while_the_others_refusals_see_its_row(
    refusal_may_write,
):
    world = world_for_threads()
    from django.urls import reverse

    url = reverse("volunteers:join", args=[sign_up_key(world.community)])

    def send(i):
        client = Client(raise_request_exception=False, REMOTE_ADDR=f"10.0.0.{i + 1}")
        data = {"name": f"张晓{i}", "phone": "13912345678", "consent": "on"}
        return client.post(url, data).status_code

    answers = at_once(send)
    assert sorted(answers) == [200] + [400] * (COPIES - 1), answers
    assert Volunteer.objects.filter(community=world.community).count() == 1
