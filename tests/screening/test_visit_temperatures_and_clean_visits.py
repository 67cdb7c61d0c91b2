"""A visit that says temperatures were taken carries a temperature; a clean visit does not
offer an observation under every member."""

import pytest
from django.urls import reverse

from shoumen.screening.models import Visit
from shoumen.screening.services import ERR_TEMPERATURE_NEEDED, visit_record
from tests.screening.test_pages import frozen, round_, task_a, visit_data  # noqa: F401

pytestmark = pytest.mark.django_db


def test_temperatures_taken_yes_without_a_temperature_is_refused(world, login, round_):  # noqa: F811
    task = task_a(round_, world)
    response = login(world.grid_worker).post(
        reverse("screening:visit_new", args=[task.pk]),
        visit_data(outcome="visited", q_temperatures_taken="yes", members_present=[world.shan.pk]),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["q_temperatures_taken"]
    assert errors == [str(ERR_TEMPERATURE_NEEDED)]
    assert not Visit.objects.exists()


def test_temperatures_taken_yes_with_a_temperature_is_recorded(world, login, round_):  # noqa: F811
    task = task_a(round_, world)
    shan = world.shan
    response = login(world.grid_worker).post(
        reverse("screening:visit_new", args=[task.pk]),
        visit_data(
            outcome="visited",
            q_temperatures_taken="yes",
            members_present=[shan.pk],
            **{f"temp_{shan.pk}": "36.6"},
        ),
    )
    assert response.status_code == 302
    assert Visit.objects.get().answers["temperatures_taken"] is True


def test_visit_service_refuses_temperatures_taken_without_one(world, round_):  # noqa: F811
    import uuid

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        visit_record(
            actor=world.grid_worker,
            task=task_a(round_, world),
            client_uuid=uuid.uuid4(),
            outcome="visited",
            method="in_person",
            answers={"temperatures_taken": True},
        )
    assert caught.value.message_dict == {
        "answers.temperatures_taken": [str(ERR_TEMPERATURE_NEEDED)]
    }
    assert not Visit.objects.exists()


def test_clean_visit_offers_no_observation_under_each_member(world, login, round_):  # noqa: F811
    task = task_a(round_, world)
    client = login(world.grid_worker)
    client.post(
        reverse("screening:visit_new", args=[task.pk]),
        visit_data(outcome="visited", q_risk_travel="no", q_symptoms="no"),
    )
    page = client.get(reverse("screening:visit", args=[Visit.objects.get().pk]))
    assert 'data-testid="observe-form"' not in page.content.decode()


def test_visit_that_found_a_returnee_offers_an_observation(world, login, round_):  # noqa: F811
    task = task_a(round_, world)
    client = login(world.grid_worker)
    client.post(
        reverse("screening:visit_new", args=[task.pk]),
        visit_data(outcome="visited", q_risk_travel="yes", q_risk_area="某市"),
    )
    page = client.get(reverse("screening:visit", args=[Visit.objects.get().pk]))
    assert 'data-testid="observe-form"' in page.content.decode()
