"""A questionnaire made in Chinese reads in English for an English reader, and the other
way round; a question text changed after it was stored stays as stored."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from shoumen.screening.models import VisitTask
from shoumen.screening.questions import LIBRARY, localized
from shoumen.screening.services import round_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def language_restored():
    """A request with a language cookie leaves that language active in the thread."""
    language = translation.get_language()
    yield
    translation.activate(language)


TODAY = datetime.date(2026, 11, 20)


def make_round(world, language):
    with translation.override(language):
        return round_create(
            actor=world.street_officer,
            scope=world.street,
            name="街道走访",
            starts_on=TODAY,
            ends_on=TODAY,
        )


def get(client, url, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url).content.decode()


def test_a_chinese_questionnaire_reads_in_english_on_the_round_page(world, login):
    round_ = make_round(world, "zh-hans")
    stored = round_.versions.get().questions[0]["text"]
    html = get(login(world.street_officer), reverse("screening:round", args=[round_.pk]), "en")
    assert "Has anyone in the household been to a risk area in the last 14 days?" in html
    assert stored not in html


def test_a_chinese_questionnaire_reads_in_english_on_the_visit_form(world, login):
    round_ = make_round(world, "zh-hans")
    task = VisitTask.objects.filter(round=round_, household__grid=world.grid_a).first()
    html = get(login(world.grid_worker), reverse("screening:visit_new", args=[task.pk]), "en")
    assert "Does anyone in the household have fever, cough or other symptoms?" in html
    assert "Elderly living alone" in html


def test_an_english_questionnaire_reads_in_chinese_for_a_chinese_reader(world):
    round_ = make_round(world, "en")
    question = round_.versions.get().questions[0]
    with translation.override("zh-hans"):
        assert localized(question)["text"] == str(LIBRARY["risk_travel"].text)
        assert localized(question)["text"] != question["text"]


def test_a_question_text_changed_after_it_was_stored_stays_as_stored():
    question = {"code": "risk_travel", "type": "yes_no", "text": "家里有人外出吗？", "choices": []}
    with translation.override("en"):
        assert localized(question)["text"] == "家里有人外出吗？"
