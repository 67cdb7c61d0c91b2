"""Satisfaction surveys: staff rated only after a real contact, one answer a resident,
aggregates only, small numbers left out, comments without their writers."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from shoumen.healthcentre.models import StaffRating, SurveyResponse
from shoumen.healthcentre.survey_selectors import (
    CONTRACT,
    ELDERLY_CHECK,
    FOLLOW_UP,
    staff_contacts,
    survey_results,
)
from shoumen.healthcentre.survey_services import ERR_NOT_CONTACT, survey_answer, survey_open
from shoumen.registry.models import Person
from tests.healthcentre.care.helpers import TODAY, book, frozen, record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with frozen():
        yield


def open_survey(world):
    return survey_open(
        actor=world.centre_manager,
        centre=world.health_centre,
        year=2026,
        quarter=2,
        opens_on=datetime.date(2026, 6, 1),
        closes_on=datetime.date(2026, 6, 30),
    )


def elderly(world, person, born=datetime.date(1950, 3, 3)):
    Person.objects.filter(pk=person.pk).update(birth_date=born)
    person.refresh_from_db()
    return person


def checked_by(world, person, actor):
    return record(world, book(world, person=elderly(world, person)), actor=actor)


def follow_up(world, day):
    from tests.healthcentre.chronic.helpers import record as record_follow_up
    from tests.healthcentre.chronic.helpers import register

    patient = register(world)
    patient.registered_on = day - datetime.timedelta(days=1)
    patient.save(update_fields=["registered_on"])
    return record_follow_up(world, patient, date=day)


def test_contacts_are_the_follow_up_doctor_within_12_months(world):
    old = follow_up(world, TODAY - datetime.timedelta(days=366))
    assert staff_contacts(world.zeng, TODAY) == []
    recent = follow_up(world, TODAY - datetime.timedelta(days=365))
    (contact,) = staff_contacts(world.zeng, TODAY)
    assert (contact.staff, contact.kind, contact.id) == (world.family_doctor, FOLLOW_UP, recent.pk)
    assert old.pk != recent.pk


def test_contacts_are_the_contract_team_and_the_check_recorder(world):
    from shoumen.healthcentre.contract_services import contract_sign

    contract, _ = contract_sign(
        actor=world.family_doctor, person=world.shan, team=world.team_a, client_uuid=uuid.uuid4()
    )
    kinds = {(c.staff.username, c.kind) for c in staff_contacts(world.shan, TODAY)}
    assert kinds == {("family_doctor", CONTRACT), ("centre_nurse", CONTRACT)}
    check = checked_by(world, world.neighbour, world.centre_nurse)
    (contact,) = staff_contacts(world.neighbour, TODAY)
    assert (contact.staff, contact.kind, contact.id) == (
        world.centre_nurse,
        ELDERLY_CHECK,
        check.pk,
    )


def test_rating_staff_without_a_contact_is_refused(world):
    survey = open_survey(world)
    with pytest.raises(ValidationError) as exc:
        survey_answer(
            survey=survey, person=world.shan, centre_score=5, ratings={world.family_doctor.pk: 5}
        )
    assert str(ERR_NOT_CONTACT) in exc.value.messages
    assert not SurveyResponse.objects.exists()


def test_a_rating_keeps_its_contact(world):
    check = checked_by(world, world.shan, world.family_doctor)
    response, created = survey_answer(
        survey=open_survey(world),
        person=world.shan,
        centre_score=4,
        ratings={world.family_doctor.pk: 5},
    )
    rating = StaffRating.objects.get(response=response)
    assert created and (rating.contact_kind, rating.contact_id) == (ELDERLY_CHECK, check.pk)


@pytest.mark.parametrize("score", [0, 6])
def test_scores_are_1_to_5(world, score):
    with pytest.raises(ValidationError):
        survey_answer(survey=open_survey(world), person=world.shan, centre_score=score)


def test_one_answer_a_resident_a_survey(world):
    survey = open_survey(world)
    first, created = survey_answer(survey=survey, person=world.shan, centre_score=4)
    again, created_again = survey_answer(survey=survey, person=world.shan, centre_score=1)
    assert created and not created_again and first.pk == again.pk
    assert SurveyResponse.objects.get().centre_score == 4
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(
            survey=survey, person=world.shan, centre_score=3, submitted_at=first.submitted_at
        )


def test_a_closed_survey_takes_no_answer(world):
    survey = open_survey(world)
    survey.closes_on = TODAY - datetime.timedelta(days=1)
    survey.save()
    with pytest.raises(ValidationError):
        survey_answer(survey=survey, person=world.shan, centre_score=4)


def _three_ratings(world, scores=(5, 4, 3), comments=("很好", "", "等太久")):
    survey = open_survey(world)
    for person, score, comment in zip(
        (world.shan, world.zeng, world.neighbour), scores, comments, strict=True
    ):
        checked_by(world, person, world.family_doctor)
        survey_answer(
            survey=survey,
            person=person,
            centre_score=score,
            ratings={world.family_doctor.pk: score},
            comment=comment,
        )
    return survey


def test_averages_are_shown_from_three_ratings(world):
    survey = open_survey(world)
    for person in (world.shan, world.zeng):
        checked_by(world, person, world.family_doctor)
        survey_answer(
            survey=survey, person=person, centre_score=5, ratings={world.family_doctor.pk: 5}
        )
    results = survey_results(world.centre_manager, survey)
    assert results.centre_average is None
    assert [(a.count, a.average) for a in results.staff] == [(2, None)]
    checked_by(world, world.neighbour, world.family_doctor)
    survey_answer(
        survey=survey, person=world.neighbour, centre_score=2, ratings={world.family_doctor.pk: 2}
    )
    results = survey_results(world.centre_manager, survey)
    assert str(results.centre_average) == "4.00"
    assert [(a.count, str(a.average)) for a in results.staff] == [(3, "4.00")]
    assert [(t.label, t.count, str(t.average)) for t in results.teams] == [("光华一队", 3, "4.00")]


def test_the_manager_sees_comments_without_their_writers(world):
    results = survey_results(world.centre_manager, _three_ratings(world))
    assert results.comments == sorted(["很好", "等太久"])


def test_staff_see_only_their_own_aggregate_and_no_comments(world):
    survey = _three_ratings(world)
    doctor = survey_results(world.family_doctor, survey)
    assert [(a.label, a.count) for a in doctor.staff] == [(str(world.family_doctor), 3)]
    assert doctor.comments == [] and doctor.teams == []
    nurse = survey_results(world.centre_nurse, survey)
    assert nurse.staff == [] and nurse.comments == []


def test_the_results_page_never_shows_an_answer_to_the_staff_rated(world, client, settings):
    settings.LANGUAGE_CODE = "en"
    survey = _three_ratings(world)
    client.force_login(world.family_doctor)
    page = client.get(f"/health/surveys/{survey.pk}/").content.decode()
    assert "等太久" not in page and "单明" not in page and "曾丽" not in page
    assert 'data-testid="comments"' not in page
    client.force_login(world.centre_manager)
    page = client.get(f"/health/surveys/{survey.pk}/").content.decode()
    assert "等太久" in page and "单明" not in page


def test_the_api_results_are_aggregates(world, api):
    survey = _three_ratings(world)
    body = api(world.centre_nurse).get(f"/health-centre/surveys/{survey.pk}/results").json()
    assert body["responses"] == 3 and body["staff"] == [] and body["comments"] == []
    body = api(world.centre_manager).get(f"/health-centre/surveys/{survey.pk}/results").json()
    assert body["staff"] == [{"label": str(world.family_doctor), "count": 3, "average": "4.00"}]
