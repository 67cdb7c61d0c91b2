"""A unit page shows beside each grid the figures the apps above places add (the registry:
households and residents), in the same query as the grids."""

from django.db import connection
from django.db.models import Value
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shoumen.places import figures
from shoumen.places.figures import GridFigure, grid_figure_add


@override_settings(LANGUAGE_CODE="en")
def test_the_community_page_shows_each_grids_households_and_residents(world, login):
    response = login(world.community_staff).get(reverse("places:unit", args=[world.community.pk]))
    first = list(response.context["page"])[0]
    assert [str(label) for label, _ in first.figures] == ["households", "residents"]
    assert {str(label): value for label, value in first.figures}["residents"] == 3
    assert 'class="stat-label">residents</span>' in response.content.decode()


def test_a_figure_added_by_another_app_is_shown_without_another_query(
    world, login, django_assert_num_queries
):
    client = login(world.community_staff)
    url = reverse("places:unit", args=[world.community.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    grid_figure_add(GridFigure("answer_count", "answers", lambda: Value(42)))
    try:
        with django_assert_num_queries(len(before.captured_queries)):
            response = client.get(url)
    finally:
        figures._figures.pop("answer_count")
    assert 'class="stat d-block">42</span><span class="stat-label">answers</span>' in (
        response.content.decode()
    )
