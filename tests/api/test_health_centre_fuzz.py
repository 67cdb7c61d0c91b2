"""The health centre API fuzzed from its OpenAPI schema, as team A's family doctor: no
input gives a server error or an undocumented answer, and each operation answers 200/201
too (the project-wide fuzz in tests/api/test_schemathesis.py is to leave these operations
to this one)."""

import datetime
import uuid

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from schemathesis.generation.modes import GenerationMode

from shoumen.accounts.services import api_token_create
from shoumen.api.main import api
from shoumen.healthcentre.models import ContractStatus, ElderlyCheckStatus, Survey
from shoumen.lib.dates import today
from shoumen.registry.models import DocumentType, Relation
from shoumen.registry.services import person_register
from tests.api.test_schemathesis import _fuzz, same_connection_for_requests
from tests.healthcentre.indicators import rows

PREFIX = "/api/v1/health-centre/"
OPERATIONS = {
    "GET /api/v1/health-centre/contracts",
    "POST /api/v1/health-centre/contracts",
    "GET /api/v1/health-centre/contracts/{id}",
    "POST /api/v1/health-centre/contracts/{id}/confirm",
    "POST /api/v1/health-centre/contracts/{id}/renew",
    "POST /api/v1/health-centre/contracts/{id}/end",
    "GET /api/v1/health-centre/patients",
    "POST /api/v1/health-centre/patients",
    "GET /api/v1/health-centre/patients/{id}",
    "POST /api/v1/health-centre/follow-ups",
    "GET /api/v1/health-centre/follow-ups/{id}",
    "GET /api/v1/health-centre/follow-ups/{id}/fhir",
    "GET /api/v1/health-centre/elderly-checks",
    "POST /api/v1/health-centre/elderly-checks",
    "POST /api/v1/health-centre/elderly-checks/{id}/record",
    "GET /api/v1/health-centre/surveys/{id}/results",
    "GET /api/v1/health-centre/points",
    "GET /api/v1/health-centre/indicators",
}


class _Residents:
    """New residents of household A, one for each contract or check the run needs (one
    open contract and one check a year per person)."""

    def __init__(self, world):
        self.world = world
        self.n = 0

    def __call__(self, born=datetime.date(1970, 5, 5)):
        self.n += 1
        return person_register(
            actor=self.world.admin_user,
            household=self.world.household_a,
            name=f"单{'一二三四五六七八九十'[self.n % 10]}{self.n}",
            sex="F",
            birth_date=born,
            document_type=DocumentType.NONE,
            relation_to_head=Relation.OTHER,
        )


@pytest.mark.django_db
def test_health_centre_operations_give_no_server_error_nor_an_undocumented_answer(world):
    doctor, team = world.family_doctor, world.team_a
    _token, raw = api_token_create(actor=None, user=doctor)
    headers = {"Authorization": f"Bearer {raw}"}
    resident = _Residents(world)
    day = today()
    patient = rows.patient(world.zeng, team=team, next_follow_up_on=day)
    follow_up = rows.follow_up(patient, day - datetime.timedelta(days=30), doctor)
    survey = Survey.objects.create(
        centre=world.health_centre,
        year=day.year,
        quarter=(day.month - 1) // 3 + 1,
        opens_on=day - datetime.timedelta(days=10),
        closes_on=day + datetime.timedelta(days=10),
        token="fuzz-survey-token",
    )
    elder = datetime.date(day.year - 70, 3, 3)

    def ending_soon():
        starts = day - datetime.timedelta(days=350)
        return rows.contract(resident(), team, starts_on=starts).pk

    # Made just before their operation is fuzzed, so that no other operation's random ids
    # reach them first.
    made_for = {
        "/api/v1/health-centre/contracts/{id}": lambda: rows.contract(resident(), team).pk,
        "/api/v1/health-centre/contracts/{id}/confirm": lambda: (
            rows.contract(resident(), team, status=ContractStatus.PENDING).pk
        ),
        "/api/v1/health-centre/contracts/{id}/renew": ending_soon,
        "/api/v1/health-centre/contracts/{id}/end": lambda: rows.contract(resident(), team).pk,
        "/api/v1/health-centre/patients/{id}": lambda: patient.pk,
        "/api/v1/health-centre/follow-ups/{id}": lambda: follow_up.pk,
        "/api/v1/health-centre/follow-ups/{id}/fhir": lambda: follow_up.pk,
        "/api/v1/health-centre/elderly-checks/{id}/record": lambda: (
            rows.elderly_check(
                resident(elder), world.health_centre, day.year, status=ElderlyCheckStatus.BOOKED
            ).pk
        ),
        "/api/v1/health-centre/surveys/{id}/results": lambda: survey.pk,
    }
    in_scope_query = {
        "GET /api/v1/health-centre/contracts": {"status": "all"},
        "GET /api/v1/health-centre/elderly-checks": {"year": day.year},
        "GET /api/v1/health-centre/points": {"month": day.strftime("%Y-%m")},
        "GET /api/v1/health-centre/indicators": {"unit": "C1"},
    }
    # Random references rarely hit a record in scope; these runs fuzz the rest of the body.
    in_scope_body = {
        "POST /api/v1/health-centre/contracts": lambda: {
            "person": resident().pk,
            "team": team.pk,
            "client_uuid": str(uuid.uuid4()),
        },
        "POST /api/v1/health-centre/patients": lambda: {
            "person": world.shan.pk,
            "disease": "I10",
        },
        "POST /api/v1/health-centre/follow-ups": lambda: {
            "patient": patient.pk,
            "client_uuid": str(uuid.uuid4()),
            "date": day.isoformat(),
            "way": "clinic",
            "adherence": "regular",
            "systolic": 150,
            "diastolic": 95,
        },
        "POST /api/v1/health-centre/elderly-checks": lambda: {
            "person": resident(elder).pk,
            "year": day.year,
            "client_uuid": str(uuid.uuid4()),
        },
    }
    # Bodies whose success needs more than a valid shape, sent to the object made for them.
    fixed_body = {
        "POST /api/v1/health-centre/contracts/{id}/end": {"reason": "搬离本社区"},
        "POST /api/v1/health-centre/contracts/{id}/renew": {"packages": ["basic"]},
        "POST /api/v1/health-centre/elderly-checks/{id}/record": {
            "done_on": day.isoformat(),
            "self_care_score": 0,
            "result": "normal",
        },
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
                fields = in_scope_body[operation.label]()
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, body_fields=fields)
            if operation.label in in_scope_query:
                query = in_scope_query[operation.label]
                _fuzz(operation, GenerationMode.POSITIVE, headers, seen, query=query)
    assert set(seen) == OPERATIONS
    # Every operation answered at least one request successfully, not only with errors.
    assert {label for label, codes in seen.items() if codes & {200, 201}} == OPERATIONS


def test_every_health_centre_operation_is_fuzzed():
    """A new operation under /api/v1/health-centre/ cannot go unfuzzed."""
    schema = api.get_openapi_schema()
    found = {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        if path.startswith(PREFIX)
        for method in operations
    }
    assert found == OPERATIONS
