"""The grid worker sees full names in their own grid's task list, visit form and visit
page, as on person pages; the rule masks a name outside the actor's registry scope."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from shoumen.screening.models import Visit
from tests.screening.test_pages import frozen, round_, task_a, visit_data  # noqa: F401

pytestmark = pytest.mark.django_db


def test_grid_worker_sees_full_names_in_own_grid_task_list(world, login, round_):  # noqa: F811
    page = login(world.grid_worker).get(reverse("screening:tasks", args=[round_.pk]))
    head = world.household_a.head.name
    assert head in page.content.decode()


def test_grid_worker_sees_full_names_in_own_grid_visit_form_and_page(world, login, round_):  # noqa: F811
    task = task_a(round_, world)
    client = login(world.grid_worker)
    form = client.get(reverse("screening:visit_new", args=[task.pk]))
    assert world.shan.name in form.content.decode()
    labels = dict(form.context["form"].fields["members_present"].choices)
    assert labels[world.shan.pk].startswith(world.shan.name)

    client.post(reverse("screening:visit_new", args=[task.pk]), visit_data(outcome="visited"))
    page = client.get(reverse("screening:visit", args=[Visit.objects.get().pk]))
    assert world.shan.name in page.content.decode()


def test_a_name_outside_the_actors_registry_scope_is_masked(world):
    request = RequestFactory().get("/")
    request.user = world.neighbour_worker
    html = Template("{% load screening_ui %}{% shown_name name grid %}").render(
        Context({"request": request, "name": "单明", "grid": world.grid_a})
    )
    assert html == "单*"
