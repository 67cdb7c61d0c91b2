"""The supplies' parts of the page and API access matrices, walked for every persona here
as the project's matrices walk them: what each persona gets, and a refusal writes nothing."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from shoumen.accounts.services import api_token_create
from tests.api import supplies_matrix as api_part
from tests.nothing_written import changed_counts, row_counts
from tests.pages import supplies_matrix_stock as page_part
from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
ALL = [*PERSONAS, ANONYMOUS]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ALL)
def test_supplies_pages_answer_each_persona_as_the_matrix_says(world, client, persona):
    if persona != ANONYMOUS:
        client.force_login(getattr(world, persona))
    got = {
        name: client.get(reverse(name, args=args(world))).status_code
        for name, (args, _) in page_part.ROUTES.items()
    }
    assert got == {name: table[persona] for name, (_, table) in page_part.ROUTES.items()}


@pytest.mark.parametrize("persona", ALL)
def test_supplies_pages_answer_an_empty_post_and_refusals_write_nothing(world, client, persona):
    if persona != ANONYMOUS:
        client.force_login(getattr(world, persona))
    got, wrote = {}, {}
    for name in page_part.POST_ROUTES:
        args = page_part.ROUTES[name][0](world)
        before = row_counts()
        got[name] = client.post(reverse(name, args=args), {}).status_code
        if got[name] >= 400 and (changed := changed_counts(before, row_counts())):
            wrote[name] = changed
    assert got == {name: table[persona] for name, table in page_part.POST_ROUTES.items()}
    assert wrote == {}


@pytest.mark.parametrize("persona", ALL)
def test_supplies_api_answers_each_persona_as_the_matrix_says(world, persona):
    headers = {}
    if persona != ANONYMOUS:
        _token, raw = api_token_create(actor=None, user=getattr(world, persona))
        headers = {"Authorization": f"Bearer {raw}"}
    client = Client()
    got, wrote = {}, {}
    for (method, path), (body, _) in api_part.OPERATIONS.items():
        query = api_part.QUERIES.get((method, path))
        url = "/api/v1" + path + (query(world) if query else "")
        payload = body(world)
        before = row_counts()
        if payload is None:
            response = client.generic(method, url, headers=headers)
        else:
            response = client.generic(
                method, url, json.dumps(payload), content_type="application/json", headers=headers
            )
        got[(method, path)] = response.status_code
        if response.status_code >= 400 and (changed := changed_counts(before, row_counts())):
            wrote[(method, path)] = changed
    assert got == {key: table[persona] for key, (_, table) in api_part.OPERATIONS.items()}
    assert wrote == {}
