"""Fuzz every API operation from its OpenAPI schema: no input may cause a server error."""

from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode

from shoumen.accounts.services import api_token_create

EXPECTED_OPERATIONS = {
    "GET /api/v1/org-units",
    "GET /api/v1/persons",
    "POST /api/v1/persons",
    "GET /api/v1/persons/{id}",
    "PATCH /api/v1/persons/{id}",
    "POST /api/v1/persons/{id}/reveal",
    "GET /api/v1/households",
    "POST /api/v1/households",
    "GET /api/v1/households/{id}",
}
FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@contextmanager
def same_connection_for_requests():
    """Keep Django from closing the test's connection (and its open transaction) after
    each in-process request, as Django's own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _with_body_fields(fields):
    def apply(case):
        if isinstance(case.body, dict):
            case.body = {**case.body, **fields}
        return case

    return apply


def _fuzz(operation, mode, headers, seen, path_parameters=None, body_fields=None):
    strategy = operation.as_strategy(
        generation_mode=mode, headers=headers, path_parameters=path_parameters
    )
    if body_fields:
        strategy = strategy.map(_with_body_fields(body_fields))

    @FUZZ
    @given(case=strategy)
    def run(case):
        response = case.call(headers=headers)
        seen.setdefault(operation.label, set()).add(response.status_code)
        case.validate_response(response, checks=[not_a_server_error])

    run()


@pytest.mark.django_db
def test_no_operation_gives_a_server_error(world):
    _token, raw = api_token_create(actor=None, user=world.grid_worker)
    headers = {"Authorization": f"Bearer {raw}"}
    in_scope = {
        "/api/v1/persons/{id}": world.shan.pk,
        "/api/v1/persons/{id}/reveal": world.shan.pk,
        "/api/v1/households/{id}": world.household_a.pk,
    }
    # Random references rarely hit a record in scope; these runs fuzz the rest of the body.
    in_scope_body = {
        "POST /api/v1/persons": {
            "household": world.household_a.pk,
            "name": "测试",
            "sex": "F",
            "document_type": "none",
            "id_number": "",
        },
        "POST /api/v1/households": {"grid": world.grid_a.code},
    }
    seen: dict[str, set[int]] = {}
    with same_connection_for_requests():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        for result in schema.get_all_operations():
            operation = result.ok()
            _fuzz(operation, GenerationMode.POSITIVE, headers, seen)
            if operation.query or operation.path_parameters or operation.body:
                _fuzz(operation, GenerationMode.NEGATIVE, headers, seen)
            if operation.path in in_scope:
                fixed = {"id": in_scope[operation.path]}
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, fixed)
                if operation.query or operation.body:
                    _fuzz(operation, GenerationMode.NEGATIVE, headers, seen, fixed)
            if operation.label in in_scope_body:
                fields = in_scope_body[operation.label]
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, body_fields=fields)

    assert set(seen) == EXPECTED_OPERATIONS
    # Every operation answered at least one request successfully, not only with errors.
    assert {label for label, codes in seen.items() if codes & {200, 201}} == EXPECTED_OPERATIONS
