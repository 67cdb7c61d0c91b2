"""A screening round needs at least one question, when it is made and when its
questionnaire is revised; without one it is refused with the reason and nothing is
written: no round, no visit tasks, no new version, no audit event."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shoumen.screening.models import QuestionnaireVersion, ScreeningRound
from shoumen.screening.services import ERR_NO_QUESTIONS, questionnaire_revise, round_create
from tests.nothing_written import nothing_written

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 20)


def _create(world, questions):
    return round_create(
        actor=world.street_officer,
        scope=world.street,
        name="街道走访",
        starts_on=DAY,
        ends_on=DAY,
        questions=questions,
    )


def test_a_round_without_questions_is_refused(world):
    with nothing_written(), pytest.raises(ValidationError) as refused:
        _create(world, [])
    assert refused.value.message_dict == {"questions": [str(ERR_NO_QUESTIONS)]}
    assert not ScreeningRound.objects.exists()


def test_a_questionnaire_cannot_be_revised_to_no_questions(world):
    round_ = _create(world, ["symptoms"])
    with nothing_written(), pytest.raises(ValidationError) as refused:
        questionnaire_revise(actor=world.street_officer, round_=round_, questions=[])
    assert refused.value.message_dict == {"questions": [str(ERR_NO_QUESTIONS)]}
    assert list(QuestionnaireVersion.objects.filter(round=round_).values_list("number")) == [(1,)]


def test_the_new_round_page_refuses_a_round_without_questions(world, client):
    client.force_login(world.street_officer)
    data = {
        "scope": world.street.pk,
        "name": "街道走访",
        "starts_on": DAY.isoformat(),
        "ends_on": DAY.isoformat(),
    }
    with nothing_written():
        response = client.post(reverse("screening:round_new"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["questions"]
