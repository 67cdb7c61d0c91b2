"""The distribution campaigns, service requests and volunteers API fuzzed from its OpenAPI
schema, as C1's staff: no input gives a server error or an undocumented answer, and each
operation answers 200/201 too (the project-wide fuzz in tests/api/test_schemathesis.py
leaves these operations to this one)."""

import datetime
import uuid

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from schemathesis.generation.modes import GenerationMode

from shoumen.accounts.services import api_token_create
from shoumen.api.main import api
from shoumen.lib.dates import today
from shoumen.services.services import request_assign, request_done
from shoumen.supplies.campaign_services import campaign_create
from tests.api.test_schemathesis import FUZZED_ELSEWHERE, _fuzz, same_connection_for_requests
from tests.services.helpers import call_request, volunteer_of
from tests.supplies import campaign_helpers
from tests.supplies.test_supplies_api_fuzz import STOCK_OPERATIONS

OPERATIONS = {
    "GET /api/v1/supplies/campaigns",
    "GET /api/v1/supplies/campaigns/{id}",
    "POST /api/v1/supplies/campaigns/{id}/deliveries",
    "GET /api/v1/service-requests",
    "POST /api/v1/service-requests",
    "POST /api/v1/service-requests/{id}/assign",
    "POST /api/v1/service-requests/{id}/done",
    "POST /api/v1/service-requests/{id}/confirm",
    "GET /api/v1/volunteers",
    "POST /api/v1/volunteers",
}


def _campaign(world):
    """An open campaign over C1 handing one pack per household from a store with stock."""
    return campaign_create(
        actor=world.community_staff,
        scope=world.community,
        name="一户一包口罩",
        item=campaign_helpers.masks(),
        quantity=10,
        source=campaign_helpers.store(world, 1000),
        starts_on=today(),
        ends_on=today() + datetime.timedelta(days=6),
    )


def _new_request(world):
    """A new request for 单明, of grid A."""
    return call_request(world, kind="medicine")


def _assigned_request(world):
    req = _new_request(world)
    return request_assign(actor=world.community_staff, request=req, volunteer=volunteer_of(world))


def _done_request(world):
    req = _assigned_request(world)
    return request_done(actor=world.community_staff, request=req, note="送到了药")


@pytest.mark.django_db
def test_community_work_operations_give_no_server_error_nor_an_undocumented_answer(world):
    _token, raw = api_token_create(actor=None, user=world.community_staff)
    headers = {"Authorization": f"Bearer {raw}"}
    volunteer = volunteer_of(world)
    # Made just before their operation is fuzzed, so that no other operation's random ids
    # reach them first (ids on PostgreSQL are not reused across tests).
    made_for = {
        "/api/v1/supplies/campaigns/{id}": lambda: _campaign(world).pk,
        "/api/v1/supplies/campaigns/{id}/deliveries": lambda: _campaign(world).pk,
        "/api/v1/service-requests/{id}/assign": lambda: _new_request(world).pk,
        "/api/v1/service-requests/{id}/done": lambda: _assigned_request(world).pk,
        "/api/v1/service-requests/{id}/confirm": lambda: _done_request(world).pk,
    }
    in_scope_query = {
        "GET /api/v1/supplies/campaigns": {"status": "open"},
        "GET /api/v1/service-requests": {"status": "all"},
        "GET /api/v1/volunteers": {"unit": "C1"},
    }
    # Random references rarely hit a record in scope; these runs fuzz the rest of the body.
    in_scope_body = {
        "POST /api/v1/service-requests": {
            "person": world.shan.pk,
            "kind": "groceries",
            "urgency": "normal",
            "client_uuid": str(uuid.uuid4()),
        },
        "POST /api/v1/volunteers": {
            "community": "C1",
            "name": "王芳",
            "phone": "",
            "client_uuid": str(uuid.uuid4()),
        },
    }
    # Bodies whose success needs more than a valid shape, sent to the object made for them.
    fixed_body = {
        "POST /api/v1/supplies/campaigns/{id}/deliveries": {
            "client_uuid": str(uuid.uuid4()),
            "household": world.household_a.pk,
        },
        "POST /api/v1/service-requests/{id}/assign": {"volunteer": volunteer.pk, "cadre": None},
        "POST /api/v1/service-requests/{id}/done": {"note": "送到了药"},
    }
    seen: dict[str, set[int]] = {}
    with same_connection_for_requests():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.label not in OPERATIONS:
                continue
            if operation.path in made_for:
                fixed = {"id": made_for[operation.path]()}
                # The valid call first, while the object is still in its state.
                if operation.label in fixed_body:
                    body = fixed_body[operation.label]
                    _fuzz(operation, GenerationMode.POSITIVE, headers, seen, fixed, body)
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, fixed)
                if operation.body:
                    _fuzz(operation, GenerationMode.NEGATIVE, headers, seen, fixed)
            _fuzz(operation, GenerationMode.POSITIVE, headers, seen)
            if operation.query or operation.path_parameters or operation.body:
                _fuzz(operation, GenerationMode.NEGATIVE, headers, seen)
            if operation.label in in_scope_body:
                fields = in_scope_body[operation.label]
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, body_fields=fields)
            if operation.label in in_scope_query:
                query = in_scope_query[operation.label]
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, query=query)
    assert set(seen) == OPERATIONS
    # Every operation answered at least one request successfully, not only with errors.
    assert {label for label, codes in seen.items() if codes & {200, 201}} == OPERATIONS


def test_every_campaign_service_request_and_volunteer_operation_is_fuzzed():
    """A new operation under these paths cannot go unfuzzed: the main fuzz skips them."""
    schema = api.get_openapi_schema()
    elsewhere = {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        if path.startswith(FUZZED_ELSEWHERE)
        and not path.startswith(("/api/v1/duty/", "/api/v1/health-centre/"))
        for method in operations
    }
    assert elsewhere and elsewhere == OPERATIONS | STOCK_OPERATIONS
