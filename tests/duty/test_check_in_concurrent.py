"""Eight copies of one check-in at the same moment (a double tap and a phone's retries): one
row, one audit event; one copy answers 201 and the others 200 with the same check-in."""

import json
import uuid

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from shoumen.accounts.services import api_token_create
from shoumen.audit.models import AuditEvent
from shoumen.duty.models import CheckIn, DutyPerson, Post, PostKind
from tests.concurrency import COPIES, at_once, postgresql_only, world_for_threads
from tests.duty.conftest import TWELVE, add_shifts
from tests.duty.my_helpers import assign, roster

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


class _Duty:
    def __init__(self, community):
        self.community = community


def _shift_now(world):
    post = Post.objects.create(
        community=world.community, name=f"监测点{uuid.uuid4().hex[:6]}", kind=PostKind.MONITORING
    )
    day, _night = add_shifts(post, TWELVE)
    person = DutyPerson.objects.create(
        community=world.community, name="社区工作人员", user=world.community_staff
    )
    today = timezone.localdate()
    return assign(roster(_Duty(world.community), start=today, days=1), day, person, day=today)


def test_eight_copies_of_one_check_in_at_once_keep_one_row_and_answer_201_once():
    world = world_for_threads()
    now = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    with time_machine.travel(now, tick=False):
        assignment = _shift_now(world)
        _token, raw = api_token_create(actor=None, user=world.community_staff)
        body = json.dumps(
            {"client_uuid": str(uuid.uuid4()), "assignment": assignment.pk, "kind": "in"}
        )

        def send(i):
            client = Client(
                raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"}
            )
            response = client.post("/api/v1/duty/check-ins", body, content_type="application/json")
            return response.status_code, response.json()

        answers = at_once(send)
    assert sorted(status for status, _ in answers) == [200] * (COPIES - 1) + [201], answers
    assert len({body["id"] for _, body in answers}) == 1
    assert sum(not body["replay"] for _, body in answers) == 1
    assert CheckIn.objects.filter(assignment=assignment).count() == 1
    assert AuditEvent.objects.filter(action="shift.check_in").count() == 1


def test_eight_different_check_ins_of_one_shift_at_once_keep_one_and_refuse_the_rest_with_409(
    refusal_may_write,
):
    # The row the refused copies see appear is the accepted copy's, written meanwhile.
    world = world_for_threads()
    now = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    with time_machine.travel(now, tick=False):
        assignment = _shift_now(world)
        _token, raw = api_token_create(actor=None, user=world.community_staff)

        def send(i):
            client = Client(
                raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"}
            )
            body = {"client_uuid": str(uuid.uuid4()), "assignment": assignment.pk, "kind": "in"}
            response = client.post(
                "/api/v1/duty/check-ins", json.dumps(body), content_type="application/json"
            )
            return response.status_code

        answers = at_once(send)
    assert sorted(answers) == [201] + [409] * (COPIES - 1), answers
    assert CheckIn.objects.filter(assignment=assignment).count() == 1
    assert AuditEvent.objects.filter(action="shift.check_in").count() == 1
