"""Fuzz the daily figures' API operations from the OpenAPI schema as the street officer:
no input causes a server error or an undocumented answer, and each operation answers some
request successfully."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from schemathesis.generation.modes import GenerationMode

from shoumen.accounts.services import api_token_create
from tests.api.test_schemathesis import _fuzz, same_connection_for_requests

MINE = {"GET /api/v1/metrics", "GET /api/v1/metrics/catalogue"}


@pytest.mark.django_db
def test_no_metrics_operation_gives_a_server_error_or_an_undocumented_answer(world):
    _token, raw = api_token_create(actor=None, user=world.street_officer)
    headers = {"Authorization": f"Bearer {raw}"}
    seen: dict[str, set[int]] = {}
    with same_connection_for_requests():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.label not in MINE:
                continue
            _fuzz(operation, GenerationMode.POSITIVE, headers, seen)
            if operation.query:
                _fuzz(operation, GenerationMode.NEGATIVE, headers, seen)
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, query={"unit": "S1"})
    assert set(seen) == MINE
    assert {label for label, codes in seen.items() if codes & {200}} == MINE
