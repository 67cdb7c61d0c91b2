"""The care pages' and API's matrix parts, run on their own (test_page_matrix and
test_api_matrix run them with everyone else's)."""

import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from shoumen.accounts.services import api_token_create
from tests.api import health_matrix_care as api_part
from tests.pages import health_matrix_care as page_part
from tests.personas import PERSONAS

pytestmark = pytest.mark.django_db
ALL = [*PERSONAS, "anonymous"]


@pytest.fixture(autouse=True)
def _clear_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("persona", ALL)
def test_page_part(world, client, persona):
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    got = {
        n: client.get(reverse(n, args=a(world))).status_code
        for n, (a, _) in page_part.ROUTES.items()
    }
    assert got == {n: e[persona] for n, (_, e) in page_part.ROUTES.items()}
    posted = {
        n: client.post(reverse(n, args=page_part.ROUTES[n][0](world)), {}).status_code
        for n in page_part.POST_ROUTES
    }
    assert posted == {n: e[persona] for n, e in page_part.POST_ROUTES.items()}


@pytest.mark.parametrize("persona", ALL)
def test_api_part(world, persona):
    headers = {}
    if persona != "anonymous":
        _token, raw = api_token_create(actor=None, user=getattr(world, persona))
        headers = {"Authorization": f"Bearer {raw}"}
    client = Client()
    got = {}
    for (method, template), (body, _) in api_part.OPERATIONS.items():
        path = template
        if template in api_part.PATH_IDS:
            path = template.replace("{id}", str(api_part.PATH_IDS[template](world)))
        payload = body(world)
        url = "/api/v1" + path
        if payload is None:
            response = client.generic(method, url, headers=headers)
        else:
            response = client.generic(
                method, url, json.dumps(payload), content_type="application/json", headers=headers
            )
        got[(method, template)] = response.status_code
    assert got == {k: e[persona] for k, (_, e) in api_part.OPERATIONS.items()}
