"""A temperature typo (386 for 38.6) gets one clear message, not two, on every form that
takes a temperature."""

import uuid

import pytest
from django.urls import reverse

from shoumen.checkpoints.forms import VisitorForm
from shoumen.observation.fields import TemperatureField
from shoumen.observation.forms import TemperatureForm
from shoumen.observation.health_reports import ERR_TEMPERATURE_RANGE
from tests.observation.test_today_pages import HTMX, observe

RANGE = str(ERR_TEMPERATURE_RANGE)


@pytest.mark.parametrize("typed", ["386", "3.86", "36.55", "-1", "4300"])
def test_temperature_field_gives_one_message_for_any_typo(typed):
    form_errors = TemperatureForm(
        {
            "client_uuid": str(uuid.uuid4()),
            "date": "2026-11-20",
            "slot": "am",
            "temperature": typed,
            "source": "worker_phone",
        }
    ).errors
    assert form_errors["temperature"] == [RANGE]


def test_visitor_temperature_typo_gets_the_range_message_once():
    form = VisitorForm({"temperature": "386"}, buildings=_no_buildings())
    form.is_valid()
    assert form.errors["temperature"] == [RANGE]


def test_temperature_field_keeps_a_good_value():
    assert str(TemperatureField().clean("38.6")) == "38.6"


@pytest.mark.django_db
def test_today_temperature_typo_shows_one_message_on_the_row(world, login):
    obs = observe(world, world.shan)
    client = login(world.grid_worker)
    url = reverse("observation:today_temperature", args=[obs.pk])
    form = client.get(url, **HTMX).context["form"]
    data = {
        "client_uuid": str(form.initial["client_uuid"]),
        "date": form.initial["date"],
        "slot": form.initial["slot"],
        "temperature": "386",
        "source": "worker_phone",
    }

    response = client.post(url, data, **HTMX)

    assert response.status_code == 422
    assert response.content.decode().count(RANGE) == 1


def _no_buildings():
    from shoumen.registry.models import Building

    return Building.objects.none()
