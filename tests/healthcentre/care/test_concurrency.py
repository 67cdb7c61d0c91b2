"""Copies sent at the same moment (PostgreSQL): eight bookings of one check keep one; eight
answers of one resident to a survey keep one."""

import datetime
import json
import uuid

import pytest
from django.test import Client

from shoumen.accounts.services import api_token_create
from shoumen.audit.models import AuditEvent
from shoumen.healthcentre.models import ElderlyCheck, SurveyResponse
from shoumen.healthcentre.survey_services import survey_answer, survey_open
from shoumen.lib.dates import today
from tests.concurrency import at_once, postgresql_only

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def test_eight_copies_of_a_booking_at_once_keep_one(world):
    body = json.dumps(
        {"client_uuid": str(uuid.uuid4()), "person": world.zeng.pk, "year": today().year}
    )
    _token, raw = api_token_create(actor=None, user=world.family_doctor)

    def send(_i):
        client = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})
        return client.post(
            "/api/v1/health-centre/elderly-checks", body, content_type="application/json"
        )

    codes = sorted(r.status_code for r in at_once(send))
    assert codes == [200] * 7 + [201]
    assert ElderlyCheck.objects.count() == 1
    assert AuditEvent.objects.filter(action="elderly_check.book").count() == 1


def test_eight_answers_of_one_resident_at_once_keep_one(world):
    day = today()
    survey = survey_open(
        actor=world.centre_manager,
        centre=world.health_centre,
        year=day.year,
        quarter=(day.month - 1) // 3 + 1,
        opens_on=day,
        closes_on=day + datetime.timedelta(days=10),
    )
    person = world.shan

    def send(i):
        _response, created = survey_answer(survey=survey, person=person, centre_score=1 + i % 5)
        return created

    assert sorted(at_once(send)) == [False] * 7 + [True]
    assert SurveyResponse.objects.count() == 1
    assert AuditEvent.objects.filter(action="survey.answer").count() == 1
