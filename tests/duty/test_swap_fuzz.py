"""The swap API under fuzzing, from its OpenAPI schema: no input gives a server error or an
answer the schema does not document, for community staff and for the person on duty,
with random bodies and with bodies naming their real shifts and swaps."""

import uuid

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from schemathesis.generation.modes import GenerationMode

from shoumen.accounts.services import api_token_create
from tests.api.test_schemathesis import _fuzz, same_connection_for_requests
from tests.duty.swap_rows import matrix_row, matrix_rows, matrix_swap

pytestmark = pytest.mark.django_db
SWAP_PATHS = (
    "/api/v1/duty/swaps",
    "/api/v1/duty/swaps/{id}/approve",
    "/api/v1/duty/swaps/{id}/refuse",
)


@pytest.mark.parametrize("persona", ["community_staff", "volunteer"])
def test_the_swap_api_answers_only_what_its_schema_documents(world, persona):
    _token, raw = api_token_create(actor=None, user=getattr(world, persona))
    headers = {"Authorization": f"Bearer {raw}"}
    mates = matrix_rows(world)["mates"]
    body = {
        "assignment": matrix_row(world, 1).pk,
        "partner": mates[1].pk,
        "client_uuid": str(uuid.uuid4()),
    }
    seen: dict[str, set[int]] = {}
    with same_connection_for_requests():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.path not in SWAP_PATHS:
                continue
            if "{id}" in operation.path:
                fixed = {"id": matrix_swap(world, 2, f"fuzz-{persona}").pk}
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, fixed)
            elif operation.method.upper() == "POST":
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, body_fields=body)
            else:
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, query={"unit": "C1"})
            _fuzz(operation, GenerationMode.POSITIVE, headers, seen)
            _fuzz(operation, GenerationMode.NEGATIVE, headers, seen)
    assert len(seen) == 4
