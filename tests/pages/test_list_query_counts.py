"""List pages run a fixed number of queries however many rows they show."""

import pytest
from django.urls import reverse

from shoumen.registry.household_services import household_create
from shoumen.registry.models import DocumentType
from shoumen.registry.services import person_register, person_reveal


@pytest.fixture
def busy_grid(world):
    """Twelve more households in grid A, each with a head, and a few reveals of 单明."""
    admin = world.admin_user
    for door in range(12):
        household = household_create(
            actor=admin,
            grid=world.grid_a,
            building=world.building_a,
            unit="1",
            door_number=str(door),
        )
        person_register(
            actor=admin,
            household=household,
            name=f"住户{door}",
            sex="F",
            document_type=DocumentType.NONE,
            relation_to_head="head",
        )
    for i in range(5):
        person_reveal(actor=admin, person=world.shan, field="phone", reason=f"核对{i}")
    return world


def test_grid_page_query_count(busy_grid, login, django_assert_max_num_queries):
    client = login(busy_grid.grid_worker)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("registry:grid", args=[busy_grid.grid_a.pk]))
    assert len(response.context["page"]) == 13


def test_search_page_query_count(busy_grid, login, django_assert_max_num_queries):
    client = login(busy_grid.grid_worker)
    results = client.post(reverse("registry:search"), {"q": "zh"})["Location"]
    with django_assert_max_num_queries(11):
        response = client.get(results)
    assert len(response.context["page"]) == 12


def test_history_page_query_count(busy_grid, login, django_assert_max_num_queries):
    client = login(busy_grid.grid_worker)
    # 12, and one query per model the changes refer to (households, grids), in bulk.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("registry:person_history", args=[busy_grid.shan.pk]))
    assert len(response.context["page"]) >= 6


def test_household_page_query_count(busy_grid, login, django_assert_max_num_queries):
    client = login(busy_grid.grid_worker)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("registry:household", args=[busy_grid.household_a.pk]))
    assert len(response.context["members"]) == 3
