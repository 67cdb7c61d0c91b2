"""Copies sent at the same moment (PostgreSQL): eight copies of one swap request keep one
swap; two staff covering one sick call at once put one person on the shift, and the other
is told who covers it."""

import datetime
import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from shoumen.accounts.services import api_token_create
from shoumen.audit.models import AuditEvent
from shoumen.duty.cover_services import ERR_COVERED, cover_assign, replacements_for, sick_call
from shoumen.duty.models import Assignment, AssignmentSource, Swap
from shoumen.lib.dates import today
from tests.concurrency import at_once, postgresql_only
from tests.duty.swap_rows import full_roster, published, put

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]
DAY = datetime.timedelta(days=1)


def test_eight_copies_of_a_swap_request_at_once_keep_one_swap(world, duty):
    start = today() + 7 * DAY
    roster = published(duty.community, start, start + 6 * DAY)
    mine = put(roster, duty.gate, "D", start + DAY, duty.volunteer)
    body = json.dumps(
        {"client_uuid": str(uuid.uuid4()), "assignment": mine.pk, "partner": duty.people[4].pk}
    )
    _token, raw = api_token_create(actor=None, user=world.volunteer)

    def send(_i):
        client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})
        response = client.post("/api/v1/duty/swaps", body, content_type="application/json")
        return response.status_code

    assert sorted(at_once(send)) == [200] * 7 + [201]
    assert Swap.objects.count() == 1
    assert AuditEvent.objects.filter(action="swap.request").count() == 1


def test_two_staff_covering_one_sick_call_at_once_put_one_person_on_it(world, duty):
    start = today() + 7 * DAY
    roster = full_roster(duty.community, start, start + 6 * DAY)
    shift = roster.assignments.filter(date=start + 3 * DAY).order_by("starts_at").first()
    sick_call(actor=world.community_staff, assignment=shift)
    shift.refresh_from_db()
    first, second = replacements_for(shift)[:2]
    staff = [world.community_staff, world.street_officer]
    people = [first.person, second.person]

    def send(i):
        try:
            cover_assign(actor=staff[i], assignment=shift, person=people[i])
        except ValidationError as exc:
            return exc.messages[0]
        return "covered"

    answers = at_once(send, copies=2)
    assert answers.count("covered") == 1
    other = next(a for a in answers if a != "covered")
    cover = Assignment.objects.get(source=AssignmentSource.COVER)
    assert other == str(ERR_COVERED % {"names": cover.person.name})
