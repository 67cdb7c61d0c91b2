"""Every API operation, classified: what each persona gets. An operation added to the
OpenAPI schema fails ``test_every_api_operation_is_classified`` until it is added here."""

import datetime
import json
import uuid
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from shoumen.accounts.services import api_token_create
from shoumen.alerts.models import OPEN_STATUSES, Alert, Cause
from shoumen.api.main import api as ninja_api
from shoumen.lib.dates import today
from shoumen.observation.models import Kind, Observation, Reason
from tests.api import (
    duty_matrix_checkins,
    duty_matrix_rosters,
    duty_matrix_setup,
    duty_matrix_swaps,
    health_matrix_care,
    health_matrix_chronic,
    health_matrix_contracts,
    health_matrix_indicators,
    reports_matrix,
    reports_matrix_daily,
    school_matrix_absences,
    school_matrix_checks,
    school_matrix_reports,
    services_matrix,
    supplies_campaigns_matrix,
    supplies_matrix,
    volunteers_matrix,
)
from tests.nothing_written import changed_counts, row_counts
from tests.personas import HEALTH_PERSONAS, PERSONAS, SCHOOL_PERSONAS

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
# The health centre's people read the registry of C1 (the doctor and the manager may reveal
# with a reason, the nurse may not) but change nothing in it.
REGISTRY_READ = {**_expect(200, 404), **dict.fromkeys(HEALTH_PERSONAS, 200)}
NO_REGISTRY_EDIT = dict.fromkeys(HEALTH_PERSONAS, 403)
REVEAL = {**REGISTRY_READ, "centre_nurse": 403}
# Roles that follow key persons up hold the permission somewhere; the volunteer, the
# school roles and the health centre's people do not.
NO_FOLLOW_UP = dict.fromkeys(["volunteer", *SCHOOL_PERSONAS, *HEALTH_PERSONAS], 403)
FOLLOW_UP_200 = {**_expect(200, 200), **NO_FOLLOW_UP}
# Those who handle school alerts, or patients' alerts, list them (theirs only) but reach no
# resident's alert.
SCHOOL_ALERTS = {"school_doctor", "principal", "education_officer", "cdc_officer"}
OWN_FAMILY_ALERTS = SCHOOL_ALERTS | HEALTH_PERSONAS
ALERTS_200 = {**FOLLOW_UP_200, **dict.fromkeys(OWN_FAMILY_ALERTS, 200)}


def _follow_up(inside, outside):
    return {**_expect(inside, outside), **NO_FOLLOW_UP}


def _resident_alert(inside, outside):
    return {**_follow_up(inside, outside), **dict.fromkeys(OWN_FAMILY_ALERTS, outside)}


def _report(w):
    return {
        "person": w.shan.pk,
        "date": today().isoformat(),
        "slot": "am",
        "temperature": "36.5",
        "source": "worker_phone",
        "client_uuid": str(uuid.uuid4()),
    }


# The receiving community (C2) accepts a transfer from C1: the officers above both do.
ACCEPTS = {"admin_user", "district_officer", "street_officer"}


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
    ("POST", "/persons/search"): (lambda w: {"q": "单明"}, EVERYONE_200),
    ("POST", "/persons"): (
        lambda w: {
            "household": w.household_a.pk,
            "name": "赵新",
            "document_type": "resident_id",
            "id_number": NEW_ID,
        },
        # A household outside the actor's scope is a field error.
        {**_expect(201, 422), **NO_REGISTRY_EDIT},
    ),
    ("GET", "/persons/{id}"): (lambda w: None, REGISTRY_READ),
    ("PATCH", "/persons/{id}"): (
        lambda w: {"notes": "电话随访"},
        {**_expect(200, 404), **NO_REGISTRY_EDIT},
    ),
    ("POST", "/persons/{id}/reveal"): (
        lambda w: {"field": "phone", "reason": "核对联系方式"},
        REVEAL,
    ),
    ("GET", "/households"): (lambda w: None, EVERYONE_200),
    ("POST", "/households"): (
        lambda w: {"grid": "G1", "address": "光华路1号"},
        {**_expect(201, 422), **NO_REGISTRY_EDIT},
    ),
    ("GET", "/households/{id}"): (lambda w: None, REGISTRY_READ),
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
    ("POST", "/checkpoints/{id}/residents/{person}/scans"): (
        lambda w: (_token(w), {"client_uuid": str(uuid.uuid4()), "direction": "in"})[1],
        SCAN_200,
    ),
    # checkpoints: scan (end)
    ("POST", "/health-reports"): (_report, _follow_up(201, 422)),
    ("POST", "/health-reports/batch"): (lambda w: {"rows": [_report(w)]}, FOLLOW_UP_200),
    ("GET", "/observations"): (lambda w: None, FOLLOW_UP_200),
    ("POST", "/observations"): (
        lambda w: {"person": w.person("单小宝").pk, "kind": "home_isolation", "reason": "other"},
        _follow_up(201, 422),
    ),
    ("POST", "/observations/bulk"): (
        lambda w: {
            "persons": [w.person("单小宝").pk],
            "kind": "central_isolation",
            "reason": "other",
        },
        FOLLOW_UP_200,  # out of scope: a per-row error
    ),
    ("GET", "/observations/{id}"): (lambda w: None, _follow_up(200, 404)),
    ("POST", "/observations/{id}/complete"): (lambda w: {}, _follow_up(200, 404)),
    ("POST", "/observations/{id}/close"): (
        lambda w: {"status": "cancelled", "reason": "登记有误"},
        _follow_up(200, 404),
    ),
    ("POST", "/observations/{id}/extend"): (
        lambda w: {
            "exposure_date": (today() - datetime.timedelta(days=1)).isoformat(),
            "reason": "再次接触",
        },
        _follow_up(200, 404),
    ),
    ("POST", "/observations/{id}/assign"): (
        lambda w: {"responsible": w.grid_worker.pk},
        _follow_up(200, 404),
    ),
    ("POST", "/observations/{id}/transfer"): (
        lambda w: {"to_community": "C2", "reason": "搬到永安社区"},
        _follow_up(200, 404),
    ),
    ("POST", "/observations/{id}/transfer/accept"): (
        lambda w: {"grid": "G3"},
        # The sending side sees it but cannot accept for another community.
        {**_follow_up(200, 404), "community_staff": 403, "grid_worker": 403},
    ),
    ("POST", "/observations/{id}/transfer/cancel"): (
        lambda w: {"reason": "对方社区核实无此人"},
        _follow_up(200, 404),
    ),
    ("GET", "/alerts"): (lambda w: None, ALERTS_200),
    ("POST", "/alerts/{id}/acknowledge"): (lambda w: None, _resident_alert(200, 404)),
    ("POST", "/alerts/{id}/resolve"): (
        lambda w: {"outcome": "false_reading", "note": "复测正常"},
        _resident_alert(200, 404),
    ),
}

# Each operation on one observation gets its own, in the state the operation needs:
# (person, kind, pending transfer).
_OBSERVATION_FOR = {
    "/observations/{id}": ("单明", Kind.HOME_ISOLATION, False),
    "/observations/{id}/complete": ("单明", Kind.CENTRAL_ISOLATION, False),
    "/observations/{id}/close": ("单明", Kind.HOME_MONITORING, False),
    "/observations/{id}/extend": ("单明", Kind.ROUTINE_MONITORING, False),
    "/observations/{id}/assign": ("曾丽", Kind.HOME_ISOLATION, False),
    "/observations/{id}/transfer": ("曾丽", Kind.CENTRAL_ISOLATION, False),
    "/observations/{id}/transfer/accept": ("曾丽", Kind.HOME_MONITORING, True),
    "/observations/{id}/transfer/cancel": ("曾丽", Kind.ROUTINE_MONITORING, True),
}
_ALERT_FOR = {
    "/alerts/{id}/acknowledge": Cause.FEVER,
    "/alerts/{id}/resolve": Cause.RED_FLAG,
}


def _observation_id(template: str, world) -> int:
    name, kind, pending = _OBSERVATION_FOR[template]
    # By the world's cached persons: fuzzing may have renamed them meanwhile.
    person = {"单明": world.shan, "曾丽": world.zeng}[name]
    starts = today() - datetime.timedelta(days=3)
    obs = Observation.objects.create(
        person=person,
        grid=person.grid,
        kind=kind,
        reason=Reason.OTHER,
        starts_on=starts,
        period_days=14,
        ends_on=starts + datetime.timedelta(days=13),
        responsible=world.grid_worker,
        transfer_to=world.unit("C2") if pending else None,
    )
    return obs.pk


def _alert_id(template: str, world) -> int:
    """An open alert for the operation's cause (reports sent earlier may have opened it)."""
    cause = _ALERT_FOR[template]
    there = Alert.objects.filter(person=world.shan, cause=cause, status__in=OPEN_STATUSES).first()
    if there is not None:
        return there.pk
    now = timezone.now()
    alert = Alert.objects.create(
        person=world.shan,
        grid=world.grid_a,
        cause=cause,
        owner=world.grid_worker,
        opened_at=now,
        due_at=now + datetime.timedelta(hours=2),
        last_seen_at=now,
    )
    return alert.pk


_SCHOOL_PATH_IDS: dict = {}
for _part in (
    school_matrix_checks,
    school_matrix_absences,
    school_matrix_reports,
    reports_matrix,
    reports_matrix_daily,
    duty_matrix_setup,
    duty_matrix_rosters,
    duty_matrix_swaps,
    duty_matrix_checkins,
    supplies_matrix,
    supplies_campaigns_matrix,
    services_matrix,
    volunteers_matrix,
    health_matrix_contracts,
    health_matrix_chronic,
    health_matrix_care,
    health_matrix_indicators,
):
    OPERATIONS.update(_part.OPERATIONS)
    QUERIES.update(_part.QUERIES)
    _SCHOOL_PATH_IDS.update(_part.PATH_IDS)


def _path_for(template: str, world) -> str:
    if "{id}" not in template:
        return template
    if template in _SCHOOL_PATH_IDS:
        return template.replace("{id}", str(_SCHOOL_PATH_IDS[template](world)))
    if template.startswith("/screening-rounds/"):
        target = _screening_round(world).pk
    elif template.startswith("/checkpoints"):
        target = _gate(world).pk
    elif template.startswith("/households"):
        target = world.household_a.pk
    elif template.startswith("/observations"):
        target = _observation_id(template, world)
    elif template.startswith("/alerts"):
        target = _alert_id(template, world)
    else:
        target = world.shan.pk
    return template.replace("{id}", str(target)).replace("{person}", str(world.shan.pk))


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
    got, wrote = {}, {}
    for (method, template), (body, _) in OPERATIONS.items():
        query = QUERIES.get((method, template))
        url = "/api/v1" + _path_for(template, world) + (query(world) if query else "")
        payload = body(world)
        before = row_counts()
        if payload is None:
            response = client.generic(method, url, headers=headers)
        else:
            response = client.generic(
                method, url, json.dumps(payload), content_type="application/json", headers=headers
            )
        got[(method, template)] = response.status_code
        # A refusal (no token, no access, bad input) writes no row anywhere.
        if response.status_code >= 400 and (changed := changed_counts(before, row_counts())):
            wrote[(method, template)] = changed
    assert got == {key: expected[persona] for key, (_, expected) in OPERATIONS.items()}
    assert wrote == {}
