"""The elderly check on the resident's page, for the health centre's people only."""

import pytest
from django.urls import reverse

from shoumen.audit.labels import action_label
from shoumen.healthcentre import elderly_panels
from tests.healthcentre.care.helpers import book, frozen

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.LANGUAGE_CODE = "en"
    elderly_panels.register()
    with frozen():
        yield


def test_health_roles_see_and_book_the_check_on_the_person_page(world, client):
    url = reverse("registry:person", args=[world.zeng.pk])
    client.force_login(world.centre_nurse)
    page = client.get(url).content.decode()
    assert 'data-testid="panel-elderly-book"' in page
    check = book(world)
    page = client.get(url).content.decode()
    assert reverse("health:elderly_check", args=[check.pk]) in page


def test_officers_and_the_not_due_see_no_check(world, client):
    client.force_login(world.community_staff)
    page = client.get(reverse("registry:person", args=[world.zeng.pk])).content.decode()
    assert 'data-testid="person-elderly-check"' not in page
    client.force_login(world.family_doctor)
    page = client.get(reverse("registry:person", args=[world.shan.pk])).content.decode()
    assert 'data-testid="person-elderly-check"' not in page


def test_the_audit_trail_names_the_care_actions():
    assert action_label("elderly_check.record") == "Elderly check recorded"
    assert action_label("survey.answer") == "Satisfaction survey answered"
