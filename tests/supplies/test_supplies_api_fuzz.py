"""The supplies' stock API fuzzed from its OpenAPI schema, as C1's staff: no input gives a
server error or an undocumented answer, and each operation answers 200/201 too."""

import uuid

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from schemathesis.generation.modes import GenerationMode

from shoumen.accounts.services import api_token_create
from tests.api.test_schemathesis import _fuzz, same_connection_for_requests

STOCK_OPERATIONS = {
    "GET /api/v1/supplies/items",
    "GET /api/v1/supplies/holders",
    "GET /api/v1/supplies/stock",
    "POST /api/v1/supplies/movements",
}


@pytest.mark.django_db
def test_supplies_stock_operations_give_no_server_error_nor_an_undocumented_answer(world, stock):
    _token, raw = api_token_create(actor=None, user=world.community_staff)
    headers = {"Authorization": f"Bearer {raw}"}
    in_scope_query = {
        "GET /api/v1/supplies/items": {"unit": "C1"},
        "GET /api/v1/supplies/holders": {"unit": "C1"},
        "GET /api/v1/supplies/stock": {"holder": stock.store.pk},
    }
    receipt = {
        "client_uuid": str(uuid.uuid4()),
        "kind": "receive",
        "item": stock.masks.pk,
        "holder": stock.store.pk,
        "quantity": "5",
        "source": "purchase",
        "to_holder": None,
        "household": None,
        "donor": "",
        "batch": "",
        "expires_on": None,
        "note": "",
    }
    seen: dict[str, set[int]] = {}
    with same_connection_for_requests():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.label not in STOCK_OPERATIONS:
                continue
            _fuzz(operation, GenerationMode.POSITIVE, headers, seen)
            _fuzz(operation, GenerationMode.NEGATIVE, headers, seen)
            if operation.method.upper() == "GET":
                query = in_scope_query[operation.label]
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, query=query)
            else:
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, body_fields=receipt)
    assert set(seen) == STOCK_OPERATIONS
    assert {label for label, codes in seen.items() if codes & {200, 201}} == STOCK_OPERATIONS
