"""The campaign pages: an officer creates a campaign and closes it; a grid worker sees the
households of their grid still to give and gives one with one tap (a double tap gives once);
the distribution ledger is a real .xlsx with addresses, not names or ID numbers."""

import io
import uuid

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from shoumen.registry.household_services import household_create
from shoumen.supplies.campaign_models import Campaign, CampaignDelivery, CampaignStatus
from tests.personas import ID_SHAN
from tests.supplies.campaign_helpers import NOW, TODAY, campaign, masks, store

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_an_officer_creates_a_campaign_from_the_form(world, login):
    source = store(world, 100)
    client = login(world.community_staff)
    url = reverse("campaigns:new")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "一户一包口罩",
            "scope": world.community.pk,
            "item": masks().pk,
            "quantity": "10",
            "source": source.pk,
            "starts_on": TODAY.isoformat(),
            "ends_on": TODAY.isoformat(),
        },
    )
    c = Campaign.objects.get()
    assert response.status_code == 302 and response.url == reverse("campaigns:detail", args=[c.pk])
    assert (c.scope, c.source, c.quantity, c.created_by) == (
        world.community,
        source,
        10,
        world.community_staff,
    )


def test_a_bad_campaign_form_says_why_and_creates_nothing(world, login):
    source = store(world, 0)
    client = login(world.community_staff)
    response = client.post(
        reverse("campaigns:new"),
        {
            "name": "口罩",
            "scope": world.community.pk,
            "item": masks().pk,
            "quantity": "0",
            "source": source.pk,
            "starts_on": TODAY.isoformat(),
            "ends_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 400 and not Campaign.objects.exists()


def test_the_detail_page_shows_coverage_by_grid(world, login):
    c = campaign(world)
    client = login(world.grid_worker)
    response = client.get(reverse("campaigns:detail", args=[c.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'data-grid="{world.grid_a.pk}"' in page
    assert f'data-grid="{world.grid_b.pk}"' not in page
    assert 'data-testid="close-campaign"' not in page


def test_a_grid_worker_gives_a_household_with_one_tap_and_a_double_tap_gives_once(world, login):
    c = campaign(world, stock=100, quantity=10)
    client = login(world.grid_worker)
    listing = reverse("campaigns:households", args=[c.pk])
    page = client.get(listing).content.decode()
    assert f'data-household="{world.household_a.pk}"' in page
    assert f'data-household="{world.neighbour.household.pk}"' not in page
    give = reverse("campaigns:give", args=[c.pk, world.household_a.pk])
    key = str(uuid.uuid4())
    first = client.post(give, {"client_uuid": key})
    second = client.post(give, {"client_uuid": key})
    assert (first.status_code, second.status_code) == (302, 302)
    assert CampaignDelivery.objects.filter(campaign=c).count() == 1
    page = client.get(listing).content.decode()
    assert f'data-household="{world.household_a.pk}"' not in page
    assert 'data-testid="all-given"' in page


def test_a_refused_tap_says_why_and_gives_nothing(world, login):
    c = campaign(world, stock=5, quantity=10)
    client = login(world.grid_worker)
    give = reverse("campaigns:give", args=[c.pk, world.household_a.pk])
    response = client.post(give, {"client_uuid": str(uuid.uuid4())})
    assert response.status_code == 400
    assert 'data-testid="give-error"' in response.content.decode()
    assert not CampaignDelivery.objects.exists()


def test_a_grid_worker_cannot_give_in_the_neighbouring_grid_from_the_page(world, login):
    c = campaign(world)
    client = login(world.grid_worker)
    give = reverse("campaigns:give", args=[c.pk, world.neighbour.household.pk])
    assert client.post(give, {"client_uuid": str(uuid.uuid4())}).status_code == 404
    assert not CampaignDelivery.objects.exists()


def test_the_households_list_is_paginated_in_walking_order(world, login):
    for door in range(1, 35):
        household_create(
            actor=world.admin_user,
            grid=world.grid_a,
            building=world.building_a,
            unit="3",
            door_number=str(door),
        )
    c = campaign(world)
    client = login(world.grid_worker)
    listing = reverse("campaigns:households", args=[c.pk])
    first = client.get(listing).content.decode()
    second = client.get(listing + "?page=2").content.decode()
    assert first.count('data-testid="household"') == 30
    assert second.count('data-testid="household"') == 5


def test_an_officer_closes_the_campaign(world, login):
    c = campaign(world)
    assert login(world.grid_worker).post(reverse("campaigns:close", args=[c.pk])).status_code == 403
    client = login(world.community_staff)
    response = client.post(reverse("campaigns:close", args=[c.pk]))
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.status == CampaignStatus.CLOSED


def test_the_ledger_lists_households_given_by_grid_with_address_time_and_giver(world, login):
    c = campaign(world, stock=100, quantity=10)
    worker = login(world.grid_worker)
    give = reverse("campaigns:give", args=[c.pk, world.household_a.pk])
    worker.post(give, {"client_uuid": str(uuid.uuid4())})
    assert worker.get(reverse("campaigns:ledger", args=[c.pk])).status_code == 403
    client = login(world.community_staff)
    response = client.get(reverse("campaigns:ledger", args=[c.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    data = [row for row in values if row and row[0] == 1]
    assert len(data) == 1
    row = data[0]
    assert row[1] == world.grid_a.name and row[2] == world.household_a.label
    assert row[3] == "医用外科口罩" and row[4] == 10
    assert row[6] == "2026-11-20 10:00" and row[7] == str(world.grid_worker)
    flat = " ".join(str(v) for r in values for v in r if v is not None)
    assert ID_SHAN not in flat and "单明" not in flat


def test_the_campaign_pages_take_the_same_queries_for_many_households(
    world, login, django_assert_max_num_queries
):
    for door in range(1, 41):
        household_create(
            actor=world.admin_user,
            grid=world.grid_a if door % 2 else world.grid_b,
            address=f"光华路{door}号",
        )
    c = campaign(world)
    client = login(world.community_staff)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("campaigns:households", args=[c.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("campaigns:detail", args=[c.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("campaigns:list")).status_code == 200


def test_the_list_shows_one_unit_s_campaigns_with_those_over_wider_units(world, login):
    over_c1 = campaign(world)
    over_g2 = campaign(world, scope=world.grid_b, name="二网格口罩")
    client = login(world.community_staff)
    listing = reverse("campaigns:list")
    page = client.get(f"{listing}?unit={world.grid_a.pk}").content.decode()
    assert "一户一包口罩" in page and over_g2.name not in page
    page = client.get(f"{listing}?unit={world.community.pk}").content.decode()
    assert over_c1.name in page and over_g2.name in page
    assert client.get(f"{listing}?unit={world.other_street.pk}").status_code == 404
