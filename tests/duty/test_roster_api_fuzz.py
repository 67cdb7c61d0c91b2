"""The rosters' API fuzzed from its OpenAPI schema as community staff: no input gives a
server error, every status answered is documented, every body matches its schema, and
each operation answers at least once with success."""

import datetime

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from schemathesis.generation.modes import GenerationMode

from shoumen.accounts.services import api_token_create
from shoumen.lib.dates import today
from tests.api.test_schemathesis import _fuzz, same_connection_for_requests
from tests.pages.duty_matrix_rosters import _roster

OPERATIONS = {
    "POST /api/v1/duty/rosters",
    "GET /api/v1/duty/rosters",
    "GET /api/v1/duty/rosters/{id}",
    "POST /api/v1/duty/rosters/{id}/publish",
}


@pytest.mark.django_db
def test_the_rosters_api_gives_no_server_error_or_undocumented_answer(world):
    _token, raw = api_token_create(actor=None, user=world.community_staff)
    headers = {"Authorization": f"Bearer {raw}"}
    roster = _roster(world)
    day = today()
    body = {
        "unit": "C1",
        "starts_on": day.isoformat(),
        "ends_on": (day + datetime.timedelta(days=1)).isoformat(),
        "time_limit_seconds": 10,
    }
    seen: dict[str, set[int]] = {}
    with same_connection_for_requests():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.label not in OPERATIONS:
                continue
            fixed = {"id": roster.pk} if "{id}" in operation.path else None
            if operation.label == "POST /api/v1/duty/rosters":
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, body_fields=body)
            if operation.label == "GET /api/v1/duty/rosters":
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, query={"unit": "C1"})
            if fixed:
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, fixed)
            _fuzz(operation, GenerationMode.POSITIVE, headers, seen)
            _fuzz(operation, GenerationMode.NEGATIVE, headers, seen)
    assert set(seen) == OPERATIONS
    assert {label for label, codes in seen.items() if codes & {200, 201}} == OPERATIONS
