"""The volunteer part of the page matrix (tests/pages/volunteers_matrix.py), walked here
for every persona as test_page_matrix walks it once wired in."""

import pytest
from django.urls import reverse

from tests.nothing_written import changed_counts, row_counts
from tests.pages.volunteers_matrix import POST_ROUTES, ROUTES
from tests.personas import PERSONAS

ALL = [*PERSONAS, "anonymous"]


def test_every_volunteer_route_is_classified():
    from django.urls import get_resolver

    _, sub = get_resolver().namespace_dict["volunteers"]
    names = {f"volunteers:{n}" for n in sub.reverse_dict if isinstance(n, str)}
    assert names == set(ROUTES) == set(POST_ROUTES)


@pytest.mark.parametrize("persona", ALL)
def test_volunteer_page_matrix(world, client, persona):
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    got = {
        name: client.get(reverse(name, args=args(world))).status_code
        for name, (args, _) in ROUTES.items()
    }
    assert got == {name: expected[persona] for name, (_, expected) in ROUTES.items()}


@pytest.mark.parametrize("persona", ALL)
def test_volunteer_page_matrix_post(world, client, persona):
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    got, wrote = {}, {}
    for name in POST_ROUTES:
        args = ROUTES[name][0](world)
        before = row_counts()
        got[name] = client.post(reverse(name, args=args), {}).status_code
        if got[name] >= 400 and (changed := changed_counts(before, row_counts())):
            wrote[name] = changed
    assert got == {name: expected[persona] for name, expected in POST_ROUTES.items()}
    assert wrote == {}


@pytest.mark.parametrize("persona", ALL)
def test_volunteer_api_matrix(world, persona):
    import json

    from django.test import Client

    from shoumen.accounts.services import api_token_create
    from tests.api.volunteers_matrix import OPERATIONS, QUERIES

    headers = {}
    if persona != "anonymous":
        _token, raw = api_token_create(actor=None, user=getattr(world, persona))
        headers = {"Authorization": f"Bearer {raw}"}
    client = Client()
    got = {}
    for (method, template), (body, _) in OPERATIONS.items():
        query = QUERIES.get((method, template))
        url = "/api/v1" + template + (query(world) if query else "")
        payload = body(world)
        if payload is None:
            response = client.generic(method, url, headers=headers)
        else:
            response = client.generic(
                method, url, json.dumps(payload), "application/json", headers=headers
            )
        got[(method, template)] = response.status_code
    assert got == {key: expected[persona] for key, (_, expected) in OPERATIONS.items()}
