"""The re-solve API under fuzzing, from its OpenAPI schema: no input gives a server error
or an answer the schema does not document, for community staff and for the person on
duty, with random ids and with the ids of a real sick call and re-solve."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from schemathesis.generation.modes import GenerationMode

from shoumen.accounts.services import api_token_create
from tests.api.test_schemathesis import _fuzz, same_connection_for_requests
from tests.duty.swap_rows import matrix_resolve, matrix_row

pytestmark = pytest.mark.django_db
RESOLVE_PATHS = (
    "/api/v1/duty/shifts/{id}/resolve",
    "/api/v1/duty/resolves/{id}",
    "/api/v1/duty/resolves/{id}/apply",
    "/api/v1/duty/resolves/{id}/discard",
)


@pytest.mark.parametrize("persona", ["community_staff", "volunteer"])
def test_the_resolve_api_answers_only_what_its_schema_documents(world, persona):
    _token, raw = api_token_create(actor=None, user=getattr(world, persona))
    headers = {"Authorization": f"Bearer {raw}"}
    seen: dict[str, set[int]] = {}
    with same_connection_for_requests():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.path not in RESOLVE_PATHS:
                continue
            if "/shifts/" in operation.path:
                fixed = {"id": matrix_row(world, 6).pk}
            else:
                fixed = {"id": matrix_resolve(world).pk}
            _fuzz(operation, GenerationMode.POSITIVE, headers, seen, fixed)
            _fuzz(operation, GenerationMode.POSITIVE, headers, seen)
            _fuzz(operation, GenerationMode.NEGATIVE, headers, seen)
    assert len(seen) == 4
