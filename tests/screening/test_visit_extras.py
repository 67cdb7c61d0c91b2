"""Higher apps record their part with a household visit, in its transaction
(``screening.extras``)."""

import datetime
import uuid

import pytest
import time_machine
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from shoumen.screening import extras
from shoumen.screening.models import Visit, VisitTask
from shoumen.screening.services import round_create, visit_record

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seen(monkeypatch):
    """A test extra: a yes/no field, and a list of what it was given."""
    given: list = []

    def record(actor, visit, values):
        if values.get("refuse") or (values.get("pack") and "refuse pack" in given):
            raise ValidationError({"extras.test.pack": ["No pack left"]})
        given.append((actor, visit.pk, dict(values)))

    monkeypatch.setattr(extras, "EXTRAS", {})
    extras.register(
        extras.VisitExtra(
            key="test",
            fields=lambda task: {"pack": forms.BooleanField(label="Pack", required=False)},
            record=record,
        )
    )
    return given


@pytest.fixture
def task(world):
    with time_machine.travel(NOW, tick=False):
        round_ = round_create(
            actor=world.community_staff,
            scope=world.community,
            name="走访",
            starts_on=NOW.date(),
            ends_on=NOW.date(),
        )
    return VisitTask.objects.get(round=round_, household=world.household_a)


def _visit(world, task, **kw):
    with time_machine.travel(NOW, tick=False):
        return visit_record(
            actor=world.grid_worker,
            task=task,
            client_uuid=uuid.uuid4(),
            outcome="visited",
            method="in_person",
            **kw,
        )


def test_an_extra_records_what_it_was_given_with_a_new_visit(world, task, seen):
    visit, created = _visit(world, task, extras={"test": {"pack": True}})
    assert created and seen == [(world.grid_worker, visit.pk, {"pack": True})]


def test_an_extra_refusing_leaves_no_visit(world, task, seen):
    with pytest.raises(ValidationError):
        _visit(world, task, extras={"test": {"refuse": True}})
    assert not Visit.objects.exists() and seen == []


def test_an_unknown_extra_is_refused(world, task, seen):
    with pytest.raises(ValidationError) as caught:
        _visit(world, task, extras={"nosuch": {}})
    assert "nosuch" in str(caught.value)
    assert not Visit.objects.exists()


def test_the_visit_form_shows_an_extras_fields_and_passes_their_values(world, task, seen, login):
    client = login(world.grid_worker)
    url = reverse("screening:visit_new", args=[task.pk])
    with time_machine.travel(NOW, tick=False):
        assert 'name="test_pack"' in client.get(url).content.decode()
        data = {
            "client_uuid": str(uuid.uuid4()),
            "version": "1",
            "outcome": "visited",
            "method": "in_person",
            "test_pack": "on",
        }
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert seen == [(world.grid_worker, Visit.objects.get().pk, {"pack": True})]


def test_an_extras_refusal_shows_beside_its_field_and_saves_no_visit(world, task, seen, login):
    seen.append("refuse pack")
    client = login(world.grid_worker)
    url = reverse("screening:visit_new", args=[task.pk])
    data = {
        "client_uuid": str(uuid.uuid4()),
        "version": "1",
        "outcome": "visited",
        "method": "in_person",
        "test_pack": "on",
    }
    with time_machine.travel(NOW, tick=False):
        response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors["test_pack"] == ["No pack left"]
    assert not Visit.objects.exists()
