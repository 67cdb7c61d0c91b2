"""A household visit hands out what open campaigns owe the household: a tick box per
campaign due on the visit form, a ticked one recorded as a delivery with the visit in one
transaction, a refused delivery refusing the visit, and replays never giving twice."""

import uuid

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from shoumen.screening.models import Visit, VisitTask
from shoumen.screening.services import round_create, visit_record
from shoumen.supplies.campaign_extras import (
    ERR_NOT_BOOL,
    ERR_NOT_VISITED,
    ERR_UNKNOWN_CAMPAIGN,
    delivery_uuid,
)
from shoumen.supplies.campaign_models import CampaignDelivery
from shoumen.supplies.campaign_services import campaign_close
from shoumen.supplies.models import Movement
from tests.supplies.campaign_helpers import NOW, campaign

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def task(world):
    round_ = round_create(
        actor=world.community_staff,
        scope=world.community,
        name="走访",
        starts_on=NOW.date(),
        ends_on=NOW.date(),
    )
    return VisitTask.objects.get(round=round_, household=world.household_a)


def _visit(world, task, extras, outcome="visited", client_uuid=None):
    return visit_record(
        actor=world.grid_worker,
        task=task,
        client_uuid=client_uuid or uuid.uuid4(),
        outcome=outcome,
        method="in_person",
        extras=extras,
    )


def _form_data(**more):
    return {
        "client_uuid": str(uuid.uuid4()),
        "version": "1",
        "outcome": "visited",
        "method": "in_person",
        **more,
    }


def test_the_visit_form_offers_each_open_campaign_due_and_records_visit_and_delivery(
    world, task, login
):
    c = campaign(world, quantity=10)
    closed = campaign(world, name="已结束的发放")
    campaign_close(actor=world.community_staff, campaign=closed)
    client = login(world.grid_worker)
    url = reverse("screening:visit_new", args=[task.pk])
    page = client.get(url).content.decode()
    assert f'name="supplies_campaign_{c.pk}"' in page
    assert "一户一包口罩" in page and f"supplies_campaign_{closed.pk}" not in page
    response = client.post(url, _form_data(**{f"supplies_campaign_{c.pk}": "on"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    visit = Visit.objects.get()
    delivery = CampaignDelivery.objects.get()
    assert (delivery.visit, delivery.household, delivery.campaign) == (
        visit,
        world.household_a,
        c,
    )
    assert delivery.movement.quantity == 10
    # Given: the campaign is no longer offered at the next visit.
    assert f"supplies_campaign_{c.pk}" not in client.get(url).content.decode()


def test_an_unticked_campaign_records_the_visit_alone(world, task, login):
    c = campaign(world)
    client = login(world.grid_worker)
    response = client.post(reverse("screening:visit_new", args=[task.pk]), _form_data())
    assert response.status_code == 302
    assert Visit.objects.count() == 1 and not CampaignDelivery.objects.exists()
    assert c.pk


def test_a_refused_delivery_leaves_no_visit(world, task, login):
    c = campaign(world, stock=5, quantity=10)
    client = login(world.grid_worker)
    url = reverse("screening:visit_new", args=[task.pk])
    response = client.post(url, _form_data(**{f"supplies_campaign_{c.pk}": "on"}))
    assert response.status_code == 400
    assert "医用外科口罩" in response.content.decode()
    assert not Visit.objects.exists() and not CampaignDelivery.objects.exists()
    assert not Movement.objects.filter(kind="issue").exists()


def test_a_replayed_visit_gives_once(world, task):
    c = campaign(world)
    key = uuid.uuid4()
    first, created = _visit(world, task, {"supplies": {f"campaign_{c.pk}": True}}, client_uuid=key)
    again, created_again = _visit(
        world, task, {"supplies": {f"campaign_{c.pk}": True}}, client_uuid=key
    )
    assert created and not created_again and again.pk == first.pk
    delivery = CampaignDelivery.objects.get()
    assert delivery.client_uuid == delivery_uuid(key, c.pk)


def test_the_api_s_raw_values_are_checked(world, task):
    c = campaign(world)
    cases = [
        ({f"campaign_{c.pk}": "yes"}, f"extras.supplies.campaign_{c.pk}", ERR_NOT_BOOL),
        ({"campaign_999999": True}, "extras.supplies.campaign_999999", ERR_UNKNOWN_CAMPAIGN),
        ({"nonsense": False}, "extras.supplies.nonsense", ERR_UNKNOWN_CAMPAIGN),
    ]
    for values, key, message in cases:
        with pytest.raises(ValidationError) as caught:
            _visit(world, task, {"supplies": values})
        assert caught.value.message_dict == {key: [str(message)]}
    assert not Visit.objects.exists() and not CampaignDelivery.objects.exists()


def test_supplies_are_handed_out_only_when_the_household_was_visited(world, task):
    c = campaign(world)
    with pytest.raises(ValidationError) as caught:
        _visit(world, task, {"supplies": {f"campaign_{c.pk}": True}}, outcome="nobody_home")
    assert caught.value.message_dict == {f"extras.supplies.campaign_{c.pk}": [str(ERR_NOT_VISITED)]}
    # Not ticked: the visit of nobody at home stands.
    _visit(world, task, {"supplies": {f"campaign_{c.pk}": False}}, outcome="nobody_home")
    assert Visit.objects.count() == 1 and not CampaignDelivery.objects.exists()


def test_a_campaign_of_another_community_is_unknown_to_this_household(world, task):
    other = campaign(world, scope=world.grid_b, name="二网格口罩")
    with pytest.raises(ValidationError) as caught:
        _visit(world, task, {"supplies": {f"campaign_{other.pk}": True}})
    assert str(ERR_UNKNOWN_CAMPAIGN) in str(caught.value)
