"""Fuzz the daily reports' and reporting rates' API operations from the OpenAPI schema as
the school doctor and the CDC officer: no input causes a server error or an undocumented
answer, and each operation answers some request successfully."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import schemathesis
import time_machine
from django.core.wsgi import get_wsgi_application
from schemathesis.generation.modes import GenerationMode

from shoumen.accounts.services import api_token_create
from tests.api.test_schemathesis import _fuzz, same_connection_for_requests
from tests.schools.daily_helpers import all_in

MINE = {
    "GET /api/v1/school-reports",
    "POST /api/v1/school-reports/{id}/confirm",
    "GET /api/v1/reporting-rates",
}
AFTERNOON = datetime.datetime(2026, 10, 9, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["school_doctor", "cdc_officer"])
def test_no_daily_report_operation_gives_a_server_error_or_an_undocumented_answer(world, persona):
    _token, raw = api_token_create(actor=None, user=getattr(world, persona))
    headers = {"Authorization": f"Bearer {raw}"}
    unit = "SCH1" if persona == "school_doctor" else "D1"
    seen: dict[str, set[int]] = {}
    with time_machine.travel(AFTERNOON, tick=False), same_connection_for_requests():
        all_in(world.school, AFTERNOON.date())
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.label not in MINE:
                continue
            fixed = {"id": world.school.pk} if "{id}" in operation.path else None
            _fuzz(operation, GenerationMode.NEGATIVE, headers, seen, fixed)
            if operation.label == "GET /api/v1/reporting-rates":
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, query={"unit": unit})
                _fuzz(
                    operation,
                    GenerationMode.POSITIVE,
                    headers,
                    seen,
                    query={"unit": unit, "kind": "school_daily", "from": "2026-10-01"},
                )
            elif operation.label == "POST /api/v1/school-reports/{id}/confirm":
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, fixed)
                _fuzz(
                    operation,
                    GenerationMode.POSITIVE,
                    headers,
                    seen,
                    fixed,
                    body_fields={"date": "2026-10-09", "remarks": ""},
                )
            else:
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, fixed)
    assert set(seen) == MINE
    ok = {label for label, codes in seen.items() if codes & {200, 201}}
    expected = (
        MINE if persona == "school_doctor" else MINE - {"POST /api/v1/school-reports/{id}/confirm"}
    )
    assert ok == expected
