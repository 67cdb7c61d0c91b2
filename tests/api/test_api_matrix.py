"""Every API operation, classified: what each persona gets. An operation added to the
OpenAPI schema fails ``test_every_api_operation_is_classified`` until it is added here."""

import json
from urllib.parse import urlencode

import pytest
from django.test import Client

from shoumen.accounts.services import api_token_create
from shoumen.api.main import api as ninja_api
from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
ALL = [*PERSONAS, ANONYMOUS]
COVER_GRID_A = {
    "admin_user",
    "district_officer",
    "street_officer",
    "community_staff",
    "grid_worker",
}
NEW_ID = "110105200001010016"


def _expect(inside, outside, personas=COVER_GRID_A):
    table = {p: (inside if p in personas else outside) for p in PERSONAS}
    table[ANONYMOUS] = 401
    return table


EVERYONE_200 = _expect(200, 200)


# screening
def _screening_round(w):
    """A screening round over community C1, shared by the screening operations."""
    import datetime

    from shoumen.screening.models import ScreeningRound
    from shoumen.screening.services import round_create

    existing = ScreeningRound.objects.filter(name="接口矩阵轮次").first()
    if existing is not None:
        return existing
    day = datetime.date(2026, 11, 20)
    return round_create(
        actor=w.community_staff, scope=w.community, name="接口矩阵轮次", starts_on=day, ends_on=day
    )


def _visit_body(w):
    import uuid

    task = _screening_round(w).tasks.get(household=w.household_a)
    return {
        "task": task.pk,
        "client_uuid": str(uuid.uuid4()),
        "outcome": "nobody_home",
        "method": "in_person",
    }


ROUND_C1 = COVER_GRID_A | {"neighbour_worker"}
SCREENING_MANAGERS = {"admin_user", "district_officer", "street_officer", "community_staff"}
# screening (end)
# checkpoints: scan
# Who may scan at the world's checkpoint in community C1; anyone else gets 404 for it.
SCANNERS = {"admin_user", "district_officer", "street_officer", "community_staff", "volunteer"}
SCAN_200 = _expect(200, 404, SCANNERS)


def _gate(w):
    from shoumen.checkpoints.models import Checkpoint

    return Checkpoint.objects.get_or_create(community=w.community, name="北门")[0]


def _token(w):
    from shoumen.checkpoints.models import Pass
    from shoumen.checkpoints.services import pass_issue, pass_token

    pass_ = Pass.objects.filter(person=w.shan).first()
    return pass_token(pass_ or pass_issue(actor=w.admin_user, person=w.shan))


# Query strings for GET operations that need one.
QUERIES = {
    ("GET", "/passes/revocations"): lambda w: f"?checkpoint={_gate(w).pk}",
    ("GET", "/checkpoints/{id}/residents"): lambda w: (
        "?" + urlencode({"building": "5号楼", "door": "301"})
    ),
}
# checkpoints: scan (end)

# (method, path template, body factory, expected status per persona)
OPERATIONS = {
    ("GET", "/org-units"): (lambda w: None, EVERYONE_200),
    ("GET", "/persons"): (lambda w: None, EVERYONE_200),
    ("POST", "/persons"): (
        lambda w: {
            "household": w.household_a.pk,
            "name": "赵新",
            "document_type": "resident_id",
            "id_number": NEW_ID,
        },
        _expect(201, 422),  # a household outside the actor's scope is a field error
    ),
    ("GET", "/persons/{id}"): (lambda w: None, _expect(200, 404)),
    ("PATCH", "/persons/{id}"): (lambda w: {"notes": "电话随访"}, _expect(200, 404)),
    ("POST", "/persons/{id}/reveal"): (
        lambda w: {"field": "phone", "reason": "核对联系方式"},
        _expect(200, 404),
    ),
    ("GET", "/households"): (lambda w: None, EVERYONE_200),
    ("POST", "/households"): (
        lambda w: {"grid": "G1", "address": "光华路1号"},
        _expect(201, 422),
    ),
    ("GET", "/households/{id}"): (lambda w: None, _expect(200, 404)),
    # screening
    ("GET", "/screening-rounds"): (lambda w: None, EVERYONE_200),
    ("POST", "/screening-rounds"): (
        lambda w: {
            "scope": "C1",
            "name": "第二轮走访",
            "starts_on": "2026-11-20",
            "ends_on": "2026-11-21",
            "questions": ["risk_travel", "symptoms"],
        },
        # C1 outside the actor's scope is a field error (grid workers see only their grid).
        _expect(201, 422, SCREENING_MANAGERS),
    ),
    ("GET", "/screening-rounds/{id}/tasks"): (lambda w: None, _expect(200, 404, ROUND_C1)),
    ("POST", "/visits"): (_visit_body, _expect(201, 422)),
    # screening (end)
    # checkpoints: scan
    ("POST", "/passes/verify"): (
        lambda w: {"checkpoint": _gate(w).pk, "token": _token(w)},
        SCAN_200,
    ),
    ("POST", "/scans/batch"): (
        lambda w: {
            "checkpoint": _gate(w).pk,
            "rows": [
                {
                    "client_uuid": "6f1c2b1e-8a55-4c1e-9d2f-2f4b1f0a7c01",
                    "token": _token(w),
                    "direction": "in",
                }
            ],
        },
        SCAN_200,
    ),
    ("GET", "/passes/revocations"): (lambda w: None, SCAN_200),
    ("GET", "/checkpoints/{id}/residents"): (lambda w: None, SCAN_200),
    # checkpoints: scan (end)
}


def _path_for(template: str, world) -> str:
    if template.startswith("/screening-rounds/"):
        return template.replace("{id}", str(_screening_round(world).pk))
    if template.startswith("/checkpoints"):
        return template.replace("{id}", str(_gate(world).pk))
    target = world.household_a.pk if template.startswith("/households") else world.shan.pk
    return template.replace("{id}", str(target))


def test_every_api_operation_is_classified():
    schema = ninja_api.get_openapi_schema()
    operations = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, methods in schema["paths"].items()
        for method in methods
    }
    assert operations == set(OPERATIONS)


@pytest.mark.parametrize("persona", ALL)
def test_api_matrix(world, persona):
    headers = {}
    if persona != ANONYMOUS:
        _token, raw = api_token_create(actor=None, user=getattr(world, persona))
        headers = {"Authorization": f"Bearer {raw}"}
    client = Client()
    got = {}
    for (method, template), (body, _) in OPERATIONS.items():
        query = QUERIES.get((method, template))
        url = "/api/v1" + _path_for(template, world) + (query(world) if query else "")
        payload = body(world)
        if payload is None:
            response = client.generic(method, url, headers=headers)
        else:
            response = client.generic(
                method, url, json.dumps(payload), content_type="application/json", headers=headers
            )
        got[(method, template)] = response.status_code
    assert got == {key: expected[persona] for key, (_, expected) in OPERATIONS.items()}
