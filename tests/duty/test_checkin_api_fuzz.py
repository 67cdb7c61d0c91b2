"""The check-in and own-shifts API fuzzed from its OpenAPI schema, as the checkpoint
volunteer on a shift under way: no input gives a server error or an undocumented answer,
and each operation answers with success too."""

import datetime
import uuid

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.utils import timezone
from schemathesis.generation.modes import GenerationMode

from shoumen.accounts.services import api_token_create
from shoumen.duty.models import Assignment, DutyPerson, Post, PostKind, Roster, Shift
from shoumen.registry.models import Volunteer
from tests.api.test_schemathesis import _fuzz, same_connection_for_requests

CHECKIN_OPERATIONS = {"POST /api/v1/duty/check-ins", "GET /api/v1/duty/my-shifts"}


def _shift_under_way(world) -> Assignment:
    post = Post.objects.create(community=world.community, name="监测点", kind=PostKind.MONITORING)
    now = timezone.localtime()
    start = now.replace(minute=0, second=0, microsecond=0) - datetime.timedelta(hours=1)
    shift = Shift.objects.create(
        post=post, code="X", label="值班", start=start.time(), hours=4, headcount=1
    )
    volunteer = Volunteer.objects.create(
        community=world.community, name="志愿者", user=world.volunteer
    )
    person = DutyPerson.objects.create(
        community=world.community, name="志愿者", volunteer=volunteer
    )
    day = start.date()
    roster = Roster.objects.create(
        community=world.community, starts_on=day, ends_on=day, status="published"
    )
    return Assignment.objects.create(
        roster=roster,
        shift=shift,
        date=day,
        person=person,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=4),
    )


@pytest.mark.django_db
def test_the_check_in_api_gives_no_server_error_or_undocumented_answer(world):
    _token, raw = api_token_create(actor=None, user=world.volunteer)
    headers = {"Authorization": f"Bearer {raw}"}
    shift = _shift_under_way(world)
    body = {"client_uuid": str(uuid.uuid4()), "assignment": shift.pk, "kind": "in", "at": None}
    seen: dict[str, set[int]] = {}
    with same_connection_for_requests():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.label not in CHECKIN_OPERATIONS:
                continue
            if operation.label == "POST /api/v1/duty/check-ins":
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, body_fields=body)
            _fuzz(operation, GenerationMode.POSITIVE, headers, seen)
            _fuzz(operation, GenerationMode.NEGATIVE, headers, seen)
    assert set(seen) == CHECKIN_OPERATIONS
    assert {label for label, codes in seen.items() if codes & {200, 201}} == CHECKIN_OPERATIONS
