"""Home leads into a community's supplies, services and volunteers: those who run them
have a link to each part they may use, workers and volunteers to their own tasks, and
every link opens."""

import pytest
from django.urls import reverse

from shoumen.registry.models import Volunteer

pytestmark = pytest.mark.django_db


def _links(login, user) -> set[str]:
    response = login(user).get(reverse("home"))
    assert response.status_code == 200
    return {link.url_name for link in response.context["work_links"]}


def test_community_staff_reach_supplies_campaigns_services_volunteers_and_the_hotline(world, login):
    assert _links(login, world.community_staff) == {
        "services:my_tasks",
        "services:requests",
        "campaigns:list",
        "supplies:index",
        "volunteers:index",
        "services:hotline",
    }


def test_a_grid_worker_reaches_their_service_tasks_campaigns_and_supplies_only(world, login):
    assert _links(login, world.grid_worker) == {
        "services:my_tasks",
        "services:requests",
        "campaigns:list",
        "supplies:index",
    }


def test_a_volunteer_with_a_registry_record_reaches_their_tasks_and_volunteering(world, login):
    assert _links(login, world.volunteer) == set()
    Volunteer.objects.create(community=world.community, name="志愿者小李", user=world.volunteer)
    assert _links(login, world.volunteer) == {"services:my_tasks", "volunteers:me"}


@pytest.mark.parametrize("persona", ["community_staff", "grid_worker", "street_officer"])
def test_every_home_link_into_community_work_opens(world, login, persona):
    client = login(getattr(world, persona))
    for link in client.get(reverse("home")).context["work_links"]:
        response = client.get(reverse(link.url_name), follow=True)
        assert response.status_code == 200, link.url_name
