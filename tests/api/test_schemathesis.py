"""Fuzz every API operation from its OpenAPI schema: no input may cause a server error,
every status code answered is one the schema documents for the operation, and every body
matches the schema of its status."""

import datetime
import uuid
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation.modes import GenerationMode

from shoumen.accounts.services import api_token_create
from shoumen.lib.dates import today
from shoumen.schools.calendar import is_school_day
from shoumen.schools.check_services import class_check_submit
from tests.api.school_matrix_absences import _absence_id
from tests.api.test_api_matrix import (
    _alert_id,
    _gate,
    _observation_id,
    _screening_round,
)
from tests.api.test_api_matrix import (
    _token as _pass_token,
)

EXPECTED_OPERATIONS = {
    "GET /api/v1/org-units",
    "GET /api/v1/persons",
    "POST /api/v1/persons/search",
    "POST /api/v1/persons",
    "GET /api/v1/persons/{id}",
    "PATCH /api/v1/persons/{id}",
    "POST /api/v1/persons/{id}/reveal",
    "GET /api/v1/households",
    "POST /api/v1/households",
    "GET /api/v1/households/{id}",
    "POST /api/v1/health-reports",
    "POST /api/v1/health-reports/batch",
    "GET /api/v1/observations",
    "POST /api/v1/observations",
    "POST /api/v1/observations/bulk",
    "GET /api/v1/observations/{id}",
    "POST /api/v1/observations/{id}/complete",
    "POST /api/v1/observations/{id}/close",
    "POST /api/v1/observations/{id}/extend",
    "POST /api/v1/observations/{id}/assign",
    "POST /api/v1/observations/{id}/transfer",
    "POST /api/v1/observations/{id}/transfer/accept",
    "POST /api/v1/observations/{id}/transfer/cancel",
    "GET /api/v1/alerts",
    "POST /api/v1/alerts/{id}/acknowledge",
    "POST /api/v1/alerts/{id}/resolve",
    "GET /api/v1/screening-rounds",
    "POST /api/v1/screening-rounds",
    "GET /api/v1/screening-rounds/{id}/tasks",
    "POST /api/v1/visits",
    "POST /api/v1/passes/verify",
    "POST /api/v1/scans/batch",
    "GET /api/v1/passes/revocations",
    "GET /api/v1/checkpoints/{id}/residents",
    "POST /api/v1/checkpoints/{id}/residents/{person}/scans",
    "GET /api/v1/schools",
    "GET /api/v1/schools/{id}/classes",
    "GET /api/v1/classes/{id}/pupils",
    "POST /api/v1/class-checks",
    "GET /api/v1/absences",
    "POST /api/v1/absences/{id}/follow-ups",
    "GET /api/v1/school-reports",
    "POST /api/v1/school-reports/{id}/confirm",
    "GET /api/v1/reporting-rates",
    "GET /api/v1/metrics",
    "GET /api/v1/metrics/catalogue",
    "GET /api/v1/daily-reports",
    "POST /api/v1/daily-reports/{id}/confirm",
}
SCHOOL_PATHS = {
    "/api/v1/schools",
    "/api/v1/schools/{id}/classes",
    "/api/v1/classes/{id}/pupils",
    "/api/v1/class-checks",
    "/api/v1/absences",
    "/api/v1/absences/{id}/follow-ups",
    "/api/v1/school-reports",
    "/api/v1/school-reports/{id}/confirm",
    "/api/v1/reporting-rates",
}
# Fuzzed elsewhere, each with the records its successful answers need: the duty API in
# tests/duty/test_*_fuzz.py (tests/duty/test_api_fuzzed.py checks none is missed), the
# supplies, service requests and volunteers in tests/api/test_community_work_fuzz.py and
# tests/supplies/test_supplies_api_fuzz.py.
FUZZED_ELSEWHERE = (
    "/api/v1/duty/",
    "/api/v1/supplies/",
    "/api/v1/service-requests",
    "/api/v1/volunteers",
    "/api/v1/health-centre/",
)
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
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


def _fuzz(operation, mode, headers, seen, path_parameters=None, body_fields=None, query=None):
    strategy = operation.as_strategy(
        generation_mode=mode, headers=headers, path_parameters=path_parameters, query=query
    )
    if body_fields:
        strategy = strategy.map(_with_body_fields(body_fields))

    @FUZZ
    @given(case=strategy)
    def run(case):
        response = case.call(headers=headers)
        seen.setdefault(operation.label, set()).add(response.status_code)
        case.validate_response(response, checks=CHECKS)

    run()


def _school_days_before(school, count: int) -> list[datetime.date]:
    """The ``count`` school days before today, the earliest first."""
    days, day = [], today()
    while len(days) < count:
        day -= datetime.timedelta(days=1)
        if is_school_day(school, day):
            days.append(day)
    return days[::-1]


def _path_values(value):
    return value if isinstance(value, dict) else {"id": value}


@pytest.mark.django_db
# The fuzzer looks residents up far more often than a volunteer may.
@override_settings(CHECKPOINT_LOOKUP_RATE="100000/h")
def test_no_operation_gives_a_server_error_or_an_undocumented_answer(world):
    _token, raw = api_token_create(actor=None, user=world.grid_worker)
    headers = {"Authorization": f"Bearer {raw}"}
    # Accepting a transfer is the receiving community's: the street officer above both.
    _token, raw_officer = api_token_create(actor=None, user=world.street_officer)
    # Checkpoints and new rounds are community staff's.
    _token, raw_staff = api_token_create(actor=None, user=world.community_staff)
    staff = {"Authorization": f"Bearer {raw_staff}"}
    headers_for = {
        "/api/v1/observations/{id}/transfer/accept": {"Authorization": f"Bearer {raw_officer}"},
        "/api/v1/screening-rounds": staff,
        "/api/v1/passes/verify": staff,
        "/api/v1/scans/batch": staff,
        "/api/v1/passes/revocations": staff,
        "/api/v1/checkpoints/{id}/residents": staff,
        "/api/v1/checkpoints/{id}/residents/{person}/scans": staff,
        # A community's daily report is its staff's to read and confirm.
        "/api/v1/daily-reports": staff,
        "/api/v1/daily-reports/{id}/confirm": staff,
    }
    # The schools' operations are the school health officer's.
    _token, raw_doctor = api_token_create(actor=None, user=world.school_doctor)
    headers_for |= dict.fromkeys(SCHOOL_PATHS, {"Authorization": f"Bearer {raw_doctor}"})
    # The two school days before today: a morning check of class A on the first may be
    # sent; every check of the second is in, so that its daily report may be confirmed.
    check_day, report_day = _school_days_before(world.school, 2)
    for klass in (world.class_a, world.class_b):
        for session in ("morning", "noon"):
            class_check_submit(
                actor=world.school_doctor,
                client_uuid=uuid.uuid4(),
                klass=klass,
                date=report_day,
                session=session,
                present=klass.pupils.filter(active=True).count(),
                absences=[],
                symptomatic=[],
            )
    # Cached before any fuzzed request may rename them.
    assert (world.shan.name, world.zeng.name) == ("单明", "曾丽")
    gate = _gate(world)
    token = _pass_token(world)
    screening_round = _screening_round(world)
    task = screening_round.tasks.get(household=world.household_a)
    in_scope = {
        "/api/v1/persons/{id}": world.shan.pk,
        "/api/v1/persons/{id}/reveal": world.shan.pk,
        "/api/v1/households/{id}": world.household_a.pk,
        "/api/v1/screening-rounds/{id}/tasks": screening_round.pk,
        "/api/v1/checkpoints/{id}/residents": gate.pk,
        "/api/v1/checkpoints/{id}/residents/{person}/scans": {
            "id": gate.pk,
            "person": world.shan.pk,
        },
        "/api/v1/schools/{id}/classes": world.school.pk,
        "/api/v1/classes/{id}/pupils": world.class_a.pk,
        "/api/v1/absences/{id}/follow-ups": _absence_id(world),
        "/api/v1/school-reports/{id}/confirm": world.school.pk,
        "/api/v1/daily-reports/{id}/confirm": world.community.pk,
    }
    in_scope_query = {
        "GET /api/v1/passes/revocations": {"checkpoint": gate.pk},
        "GET /api/v1/checkpoints/{id}/residents": {"building": "5号楼", "door": "301"},
        "GET /api/v1/reporting-rates": {"kind": "school_daily", "unit": "SCH1"},
        "GET /api/v1/metrics": {"unit": "G1"},
        "GET /api/v1/daily-reports": {"unit": "C1"},
    }
    # Made just before their operation is fuzzed, so that no other operation's random ids
    # reach them first (ids on PostgreSQL are not reused across tests).
    made_for = {
        "/api/v1" + template: (lambda t=template: _observation_id(t, world))
        for template in (
            "/observations/{id}",
            "/observations/{id}/complete",
            "/observations/{id}/close",
            "/observations/{id}/extend",
            "/observations/{id}/assign",
            "/observations/{id}/transfer",
            "/observations/{id}/transfer/accept",
            "/observations/{id}/transfer/cancel",
        )
    }
    for template in ("/alerts/{id}/acknowledge", "/alerts/{id}/resolve"):
        made_for["/api/v1" + template] = lambda t=template: _alert_id(t, world)
    report = {
        "person": world.shan.pk,
        "date": today().isoformat(),
        "temperature": "36.5",
        "source": "worker_phone",
        "reached": None,
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
        "POST /api/v1/health-reports": report,
        "POST /api/v1/health-reports/batch": {"rows": [report]},
        "POST /api/v1/screening-rounds": {
            "scope": "C1",
            "name": "排查",
            "starts_on": today().isoformat(),
            "ends_on": today().isoformat(),
            "questions": ["symptoms"],
        },
        "POST /api/v1/visits": {
            "task": task.pk,
            "outcome": "nobody_home",
            "method": "in_person",
            "answers": {},
            "members_present": [],
            "member_reports": [],
        },
        "POST /api/v1/passes/verify": {"checkpoint": gate.pk, "token": token},
        "POST /api/v1/scans/batch": {
            "checkpoint": gate.pk,
            "rows": [{"client_uuid": str(uuid.uuid4()), "token": token, "direction": "in"}],
        },
        "POST /api/v1/class-checks": {
            "client_uuid": str(uuid.uuid4()),
            "class_id": world.class_a.pk,
            "date": check_day.isoformat(),
            "session": "morning",
            "present": world.class_a.pupils.filter(active=True).count(),
            "absences": [],
            "symptomatic": [],
        },
        "POST /api/v1/absences/{id}/follow-ups": {
            "client_uuid": str(uuid.uuid4()),
            "date": today().isoformat(),
            "course": "same",
        },
        "POST /api/v1/observations": {
            "person": world.person("单小宝").pk,
            "kind": "home_isolation",
            "reason": "other",
            "arrival_date": None,
            "last_exposure_date": None,
            "period_days": None,
            "responsible": None,
        },
    }
    # Transitions whose success needs more than a valid shape.
    fixed_body = {
        "POST /api/v1/observations/{id}/close": {"status": "cancelled", "reason": "登记有误"},
        "POST /api/v1/observations/{id}/extend": {
            "exposure_date": (today() - datetime.timedelta(days=1)).isoformat(),
            "reason": "再次接触",
        },
        "POST /api/v1/observations/{id}/assign": {"responsible": world.grid_worker.pk},
        "POST /api/v1/observations/{id}/transfer": {"to_community": "C2", "reason": "搬家"},
        "POST /api/v1/observations/{id}/transfer/accept": {"grid": "G3", "responsible": None},
        "POST /api/v1/observations/{id}/transfer/cancel": {"reason": "对方核实无此人"},
        "POST /api/v1/school-reports/{id}/confirm": {
            "date": report_day.isoformat(),
            "remarks": "",
        },
        "POST /api/v1/absences/{id}/follow-ups": {
            "client_uuid": str(uuid.uuid4()),
            "date": today().isoformat(),
            "course": "same",
        },
        "POST /api/v1/daily-reports/{id}/confirm": {
            "date": (today() - datetime.timedelta(days=1)).isoformat(),
            "remarks": "",
        },
    }
    seen: dict[str, set[int]] = {}
    with same_connection_for_requests():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.path.startswith(FUZZED_ELSEWHERE):
                continue
            auth = headers_for.get(operation.path, headers)
            if operation.path in made_for:
                in_scope[operation.path] = made_for[operation.path]()
            if operation.path in in_scope:
                fixed = _path_values(in_scope[operation.path])
                # The valid transition first, while the object is still in its state.
                if operation.label in fixed_body:
                    body = fixed_body[operation.label]
                    _fuzz(operation, GenerationMode.POSITIVE, auth, seen, fixed, body)
                _fuzz(operation, GenerationMode.POSITIVE, auth, seen, fixed)
                if operation.query or operation.body:
                    _fuzz(operation, GenerationMode.NEGATIVE, auth, seen, fixed)
            _fuzz(operation, GenerationMode.POSITIVE, auth, seen)
            if operation.query or operation.path_parameters or operation.body:
                _fuzz(operation, GenerationMode.NEGATIVE, auth, seen)
            if operation.label in in_scope_body:
                fields = in_scope_body[operation.label]
                _fuzz(operation, GenerationMode.POSITIVE, auth, seen, body_fields=fields)
            if operation.label in in_scope_query:
                scoped = operation.path in in_scope
                fixed = _path_values(in_scope[operation.path]) if scoped else None
                query = in_scope_query[operation.label]
                _fuzz(operation, GenerationMode.POSITIVE, auth, seen, fixed, query=query)

    assert set(seen) == EXPECTED_OPERATIONS
    # Every operation answered at least one request successfully, not only with errors.
    assert {label for label, codes in seen.items() if codes & {200, 201}} == EXPECTED_OPERATIONS
