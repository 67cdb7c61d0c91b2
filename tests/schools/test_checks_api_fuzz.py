"""Fuzz the class checks' API operations from the OpenAPI schema as the class teacher and
the school doctor: no input causes a server error or an undocumented answer, and each
operation answers some request successfully."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import schemathesis
import time_machine
from django.core.wsgi import get_wsgi_application
from schemathesis.generation.modes import GenerationMode

from shoumen.accounts.services import api_token_create
from tests.api.test_schemathesis import _fuzz, same_connection_for_requests

MINE = {
    "GET /api/v1/schools",
    "GET /api/v1/schools/{id}/classes",
    "GET /api/v1/classes/{id}/pupils",
    "POST /api/v1/class-checks",
}
MORNING = datetime.datetime(2026, 10, 13, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["teacher", "school_doctor"])
def test_no_class_check_operation_gives_a_server_error_or_an_undocumented_answer(world, persona):
    _token, raw = api_token_create(actor=None, user=getattr(world, persona))
    headers = {"Authorization": f"Bearer {raw}"}
    in_scope = {
        "/api/v1/schools/{id}/classes": {"id": world.school.pk},
        "/api/v1/classes/{id}/pupils": {"id": world.class_a.pk},
    }
    check = {"class_id": world.class_a.pk, "date": "2026-10-13", "present": 3}
    seen: dict[str, set[int]] = {}
    with time_machine.travel(MORNING, tick=False), same_connection_for_requests():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.label not in MINE:
                continue
            fixed = in_scope.get(operation.path)
            _fuzz(operation, GenerationMode.POSITIVE, headers, seen, fixed)
            _fuzz(operation, GenerationMode.NEGATIVE, headers, seen, fixed)
            if operation.label == "POST /api/v1/class-checks":
                fields = {**check, "absences": [], "symptomatic": []}
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, body_fields=fields)
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, body_fields=check)
    assert set(seen) == MINE
    assert {label for label, codes in seen.items() if codes & {200, 201}} == MINE
