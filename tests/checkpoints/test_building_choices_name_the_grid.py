"""Checkpoint forms name each building with its grid ("光明第一网格 · 1号楼"): a community
has several buildings of the same name."""

import pytest
from django.urls import reverse

from shoumen.checkpoints.forms import BulkIssueForm, CheckpointForm, VisitorForm
from shoumen.registry.household_services import building_create
from shoumen.registry.models import Building

pytestmark = pytest.mark.django_db


def _same_names(world):
    building_create(actor=world.admin_user, grid=world.grid_a, name="1号楼")
    building_create(actor=world.admin_user, grid=world.grid_b, name="1号楼")
    building_create(actor=world.admin_user, grid=world.grid_a, name="10号楼")
    building_create(actor=world.admin_user, grid=world.grid_a, name="2号楼")


def _labels(field) -> list[str]:
    return [str(label) for value, label in field.choices if value != ""]


def test_checkpoint_building_choices_name_the_grid(world, django_assert_num_queries):
    _same_names(world)
    buildings = Building.objects.filter(grid__path__startswith=world.community.path)
    form = CheckpointForm(buildings=buildings)

    with django_assert_num_queries(1):
        labels = _labels(form.fields["buildings"])

    a, b = world.grid_a.name, world.grid_b.name
    assert labels[:4] == [f"{a} · 1号楼", f"{a} · 2号楼", f"{a} · 5号楼", f"{a} · 10号楼"]
    assert f"{b} · 1号楼" in labels


def test_visitor_and_bulk_issue_building_choices_name_the_grid(world):
    _same_names(world)
    buildings = Building.objects.filter(grid__path__startswith=world.community.path)
    for form in (VisitorForm(buildings=buildings), BulkIssueForm(buildings=buildings)):
        labels = _labels(form.fields["building"])
        assert f"{world.grid_a.name} · 1号楼" in labels
        assert f"{world.grid_b.name} · 1号楼" in labels


def test_new_checkpoint_page_shows_grid_and_building(world, login):
    _same_names(world)
    page = login(world.community_staff).get(reverse("checkpoints:new", args=[world.community.pk]))
    assert f"{world.grid_b.name} · 1号楼" in page.content.decode()
