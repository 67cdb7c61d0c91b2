"""Every registry page renders for the personas whose jurisdiction covers it, and answers
404 for those whose jurisdiction does not."""

import pytest
from django.urls import reverse

from shoumen.registry.models import DocumentType
from shoumen.registry.services import person_merge, person_register
from tests.personas import ID_SHAN


def _shan_pages(world):
    shan = world.shan
    grid, household = world.grid_a, world.household_a
    return [
        reverse("registry:grid", args=[grid.pk]),
        f"{reverse('registry:grid', args=[grid.pk])}?building={world.building_a.pk}",
        reverse("registry:household", args=[household.pk]),
        reverse("registry:person", args=[shan.pk]),
        reverse("registry:person_history", args=[shan.pk]),
        reverse("registry:building_new", args=[grid.pk]),
        reverse("registry:household_new", args=[grid.pk]),
        reverse("registry:household_edit", args=[household.pk]),
        reverse("registry:person_new", args=[household.pk]),
        reverse("registry:person_edit", args=[shan.pk]),
        reverse("registry:person_move", args=[shan.pk]),
        reverse("registry:person_status", args=[shan.pk]),
        reverse("registry:person_merge", args=[shan.pk]),
    ]


@pytest.mark.parametrize(
    "persona",
    ["grid_worker", "community_staff", "street_officer", "district_officer", "admin_user"],
)
def test_registry_pages_of_grid_a_render_for_personas_covering_it(world, login, persona):
    client = login(getattr(world, persona))
    for url in _shan_pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert ID_SHAN not in response.content.decode(), url


@pytest.mark.parametrize("persona", ["neighbour_worker", "outsider", "volunteer"])
def test_registry_pages_of_grid_a_are_404_for_personas_outside_it(world, login, persona):
    client = login(getattr(world, persona))
    for url in _shan_pages(world):
        assert client.get(url).status_code == 404, url


def test_building_of_another_grid_in_filter_is_404(world, login):
    client = login(world.admin_user)
    other = world.neighbour.household.building
    url = f"{reverse('registry:grid', args=[world.grid_a.pk])}?building={other.pk}"
    assert client.get(url).status_code == 404


def test_grid_page_for_a_non_grid_unit_is_404(world, login):
    client = login(world.community_staff)
    assert client.get(reverse("registry:grid", args=[world.community.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["grid_worker", "community_staff"])
def test_edit_buttons_show_for_personas_who_may_edit(world, login, persona):
    body = login(getattr(world, persona)).get(reverse("registry:person", args=[world.shan.pk]))
    assert reverse("registry:person_edit", args=[world.shan.pk]) in body.content.decode()


def test_merged_record_shows_no_edit_button_and_cannot_be_edited(world, login):
    duplicate = person_register(
        actor=world.admin_user,
        household=world.household_a,
        name="单明",
        sex="M",
        document_type=DocumentType.NONE,
    )
    person_merge(actor=world.admin_user, keep=world.shan, duplicate=duplicate, reason="重复")
    client = login(world.grid_worker)
    body = client.get(reverse("registry:person", args=[duplicate.pk])).content.decode()
    assert reverse("registry:person_edit", args=[duplicate.pk]) not in body
    assert reverse("registry:person", args=[world.shan.pk]) in body
    assert client.get(reverse("registry:person_edit", args=[duplicate.pk])).status_code == 404


def test_404_page_is_the_friendly_one(world, login):
    response = login(world.grid_worker).get(reverse("registry:person", args=[world.neighbour.pk]))
    assert "404.html" in [t.name for t in response.templates]
