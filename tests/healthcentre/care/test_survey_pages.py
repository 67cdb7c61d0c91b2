"""The survey's public QR page and the section on a resident's personal link."""

import pytest
from django.core.cache import cache

from shoumen.healthcentre import link_section
from shoumen.healthcentre.models import StaffRating, SurveyResponse
from shoumen.healthcentre.survey_views import ERR_NOT_FOUND
from tests.healthcentre.care.helpers import frozen
from tests.healthcentre.care.test_surveys import checked_by, open_survey
from tests.personas import ID_SHAN, ID_ZENG

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(settings):
    settings.LANGUAGE_CODE = "en"
    cache.clear()
    with frozen():
        yield
    cache.clear()


def _url(survey) -> str:
    return f"/health/survey/{survey.token}/"


def test_the_qr_page_asks_who_you_are_without_login(world, client):
    response = client.get(_url(open_survey(world)))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert b'name="id_number"' in response.content


@pytest.mark.parametrize(
    ("name", "number"),
    [("单明", ID_ZENG), ("单明", "110105198503070000"), ("李强", "110105197707070032"), ("", "")],
)
def test_a_wrong_identity_gets_one_generic_error(world, client, name, number):
    response = client.post(
        _url(open_survey(world)), {"step": "identify", "name": name, "id_number": number}
    )
    assert response.status_code == 400
    assert str(ERR_NOT_FOUND) in response.content.decode()


def test_an_unknown_survey_code_is_a_404(world, client):
    assert client.get("/health/survey/not-a-token/").status_code == 404


def test_a_resident_answers_by_the_qr_page(world, client):
    survey = open_survey(world)
    checked_by(world, world.shan, world.family_doctor)
    identity = {"name": "单明", "id_number": ID_SHAN}
    step = client.post(_url(survey), {"step": "identify", **identity})
    assert step.status_code == 200
    field = f"staff_{world.family_doctor.pk}"
    assert f'name="{field}"'.encode() in step.content
    done = client.post(
        _url(survey),
        {"step": "answer", **identity, "centre_score": "5", field: "4", "comment": "好"},
    )
    assert done.status_code == 200 and b'data-testid="survey-done"' in done.content
    assert SurveyResponse.objects.get().person == world.shan
    assert StaffRating.objects.get().score == 4
    again = client.post(_url(survey), {"step": "identify", **identity})
    assert b"answered this survey already" in again.content


def test_the_answer_needs_the_identity_again(world, client):
    survey = open_survey(world)
    response = client.post(
        _url(survey), {"step": "answer", "name": "单明", "id_number": ID_ZENG, "centre_score": "5"}
    )
    assert response.status_code == 400 and not SurveyResponse.objects.exists()


def test_the_qr_page_is_rate_limited(world, client, settings):
    settings.PUBLIC_POST_RATE = "2/m"
    survey = open_survey(world)
    codes = [
        client.post(_url(survey), {"step": "identify", "name": "x", "id_number": "1"}).status_code
        for _ in range(3)
    ]
    assert codes == [400, 400, 429]


def test_the_personal_link_shows_and_takes_the_survey(world, client):
    from tests.services.helpers import link_url

    link_section.register()
    url = link_url(world)
    assert b'data-testid="health-survey"' not in client.get(url).content
    survey = open_survey(world)
    page = client.get(url)
    assert b'data-testid="health-survey"' in page.content
    response = client.post(
        url,
        {
            "section": "health_survey",
            "person": world.shan.pk,
            f"sv{world.shan.pk}-centre_score": "4",
        },
    )
    assert response.status_code == 302
    assert SurveyResponse.objects.get(survey=survey).person == world.shan
    assert b'data-testid="health-survey"' not in client.get(url).content


def test_the_link_answers_only_for_its_persons(world, client):
    from tests.services.helpers import link_url

    link_section.register()
    url = link_url(world)
    open_survey(world)
    response = client.post(
        url,
        {
            "section": "health_survey",
            "person": world.zeng.pk,
            f"sv{world.zeng.pk}-centre_score": "4",
        },
    )
    assert response.status_code == 400 and not SurveyResponse.objects.exists()
