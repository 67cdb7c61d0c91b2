"""The duty set-up's API operations fuzzed from their OpenAPI schema, as C1's staff: no
input gives a server error or an undocumented answer, and each answers 200/201 too."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from schemathesis.generation.modes import GenerationMode

from shoumen.accounts.services import api_token_create
from tests.api.test_schemathesis import _fuzz, same_connection_for_requests

SETUP_OPERATIONS = {
    "GET /api/v1/duty/posts",
    "POST /api/v1/duty/posts",
    "GET /api/v1/duty/people",
    "POST /api/v1/duty/people",
}
IN_SCOPE_QUERY = {"unit": "C1"}
# Random bodies rarely make a valid post or person; these fuzz the rest around valid ones.
IN_SCOPE_BODY = {
    "POST /api/v1/duty/posts": {
        "unit": "C1",
        "name": "测试岗",
        "kind": "patrol",
        "checkpoint": None,
        "team": None,
        "shifts": [{"code": "D", "label": "白班", "start": "08:00", "hours": 10}],
    },
    "POST /api/v1/duty/people": {
        "unit": "C1",
        "user": None,
        "volunteer": None,
        "new_volunteer": {"name": "测试志愿者", "phone": "", "birth_year": None},
        "team": None,
        "skills": [],
        "birth_year": None,
        "max_hours_week": 40,
    },
}


@pytest.mark.django_db
def test_duty_setup_operations_give_no_server_error_nor_an_undocumented_answer(duty, world):
    _token, raw = api_token_create(actor=None, user=world.community_staff)
    headers = {"Authorization": f"Bearer {raw}"}
    seen: dict[str, set[int]] = {}
    with same_connection_for_requests():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.label not in SETUP_OPERATIONS:
                continue
            _fuzz(operation, GenerationMode.POSITIVE, headers, seen)
            _fuzz(operation, GenerationMode.NEGATIVE, headers, seen)
            if operation.method.upper() == "GET":
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, query=IN_SCOPE_QUERY)
            else:
                body = IN_SCOPE_BODY[operation.label]
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, body_fields=body)
    assert set(seen) == SETUP_OPERATIONS
    assert {label for label, codes in seen.items() if codes & {200, 201}} == SETUP_OPERATIONS
