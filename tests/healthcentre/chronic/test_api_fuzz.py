"""Fuzz the chronic registry's API operations from the OpenAPI schema as the team's
doctor: no input causes a server error or an undocumented answer, and each operation
answers some request successfully."""

import uuid

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from schemathesis.generation.modes import GenerationMode

from shoumen.accounts.services import api_token_create
from shoumen.healthcentre.followup_services import RANGES
from shoumen.lib.dates import today
from tests.api.test_schemathesis import _fuzz, same_connection_for_requests
from tests.healthcentre.chronic.helpers import record, register

MINE = {
    "GET /api/v1/health-centre/patients",
    "POST /api/v1/health-centre/patients",
    "GET /api/v1/health-centre/patients/{id}",
    "POST /api/v1/health-centre/follow-ups",
    "GET /api/v1/health-centre/follow-ups/{id}",
    "GET /api/v1/health-centre/follow-ups/{id}/fhir",
}

# Left empty in the bodies meant to succeed: a random number is mostly out of its range.
NUMBERS = tuple(name for name in RANGES if name not in ("systolic", "diastolic"))
CHOICES = ("salt", "target_salt", "psychological_adjustment", "compliance")


@pytest.mark.django_db
def test_no_chronic_operation_gives_a_server_error_or_an_undocumented_answer(world):
    _token, raw = api_token_create(actor=None, user=world.family_doctor)
    headers = {"Authorization": f"Bearer {raw}"}
    patient = register(world)
    follow_up = record(world, patient)
    ids = {
        "GET /api/v1/health-centre/patients/{id}": patient.pk,
        "GET /api/v1/health-centre/follow-ups/{id}": follow_up.pk,
        "GET /api/v1/health-centre/follow-ups/{id}/fhir": follow_up.pk,
    }
    # Bodies that name the patient (or a resident) in reach and valid values, so that the
    # fuzzer reaches the service's own checks as well as succeeding.
    bodies = {
        "POST /api/v1/health-centre/patients": {"person": world.shan.pk, "disease": "E11"},
        "POST /api/v1/health-centre/follow-ups": {
            "patient": patient.pk,
            "date": today().isoformat(),
            "way": "clinic",
            "adherence": "regular",
            "systolic": 130,
            "diastolic": 80,
            "symptoms": [],
            "medications": [],
            **dict.fromkeys(NUMBERS),
            **dict.fromkeys(CHOICES, ""),
        },
    }
    seen: dict[str, set[int]] = {}
    with same_connection_for_requests():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.label not in MINE:
                continue
            path = {"id": ids[operation.label]} if operation.label in ids else None
            _fuzz(operation, GenerationMode.POSITIVE, headers, seen, path_parameters=path)
            if path is None:  # with the id fixed, nothing is left to make invalid
                _fuzz(operation, GenerationMode.NEGATIVE, headers, seen)
            if operation.label in bodies:
                fields = {**bodies[operation.label], "client_uuid": str(uuid.uuid4())}
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, body_fields=fields)
    assert set(seen) == MINE
    assert {label for label, codes in seen.items() if codes & {200, 201}} == MINE
