"""The services' lists cost the same number of queries whatever their length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shoumen.services.services import request_assign
from tests.services.helpers import call_request, volunteer_of

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _add(world, n):
    volunteer = volunteer_of(world)
    for i in range(n):
        req = call_request(world, person=world.zeng if i % 2 else world.shan)
        request_assign(actor=world.grid_worker, request=req, volunteer=volunteer)


@pytest.mark.parametrize("url", ["/services/", "/services/?status=all", "/services/me/"])
def test_a_list_costs_the_same_for_two_rows_or_twelve(world, login, url):
    client = login(world.grid_worker if url != "/services/me/" else world.volunteer)
    _add(world, 2)
    _queries(client, url)  # the first request of a session reads what is cached after
    few = _queries(client, url)
    _add(world, 10)
    assert _queries(client, url) == few


def test_the_person_panel_costs_the_same_for_two_requests_or_twelve(world, login):
    client = login(world.grid_worker)
    url = f"/persons/{world.shan.pk}/"
    _add(world, 2)
    _queries(client, url)  # the first request of a session reads what is cached after
    few = _queries(client, url)
    _add(world, 10)
    assert _queries(client, url) == few
