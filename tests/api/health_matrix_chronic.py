"""The chronic registry API, merged into test_api_matrix: OPERATIONS, QUERIES and
PATH_IDS. A hypertension patient, 曾丽 of grid G1, with one follow-up: the centre's people
(and the admin) answer; every other role holds no health-record right anywhere (403)."""

import uuid

from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
HEALTH = {"admin_user", "family_doctor", "centre_nurse", "centre_manager"}
PATIENT_UUID = uuid.UUID("8e3b4c5d-ad7c-4b66-9d94-5c6f70819203")
FOLLOW_UP_UUID = uuid.UUID("8e3b4c5d-ad7c-4b66-9d94-5c6f70819204")


def _table(inside: set[str], ok: int, other: int, **by: int) -> dict[str, int]:
    table = {p: (ok if p in inside else other) for p in PERSONAS}
    table.update(by)
    table[ANONYMOUS] = 401
    return table


def _patient_obj(w):
    from shoumen.healthcentre.patient_services import patient_register

    patient, _ = patient_register(
        actor=w.family_doctor, person=w.zeng, disease="I10", client_uuid=PATIENT_UUID
    )
    return patient


def _follow_up(w):
    from shoumen.healthcentre.followup_services import follow_up_record
    from shoumen.lib.dates import today

    fu, _ = follow_up_record(
        actor=w.family_doctor,
        patient=_patient_obj(w),
        client_uuid=FOLLOW_UP_UUID,
        values={
            "date": today(),
            "way": "clinic",
            "systolic": 132,
            "diastolic": 84,
            "medication_adherence": "regular",
        },
    )
    return fu.pk


def _new_follow_up(w):
    from shoumen.lib.dates import today

    return {
        "client_uuid": str(uuid.uuid4()),
        "patient": _patient_obj(w).pk,
        "date": today().isoformat(),
        "way": "home",
        "systolic": 182,
        "diastolic": 112,
        "symptoms": [],
        "adherence": "regular",
        "adverse_reaction": False,
    }


OPERATIONS: dict = {
    ("GET", "/health-centre/patients"): (lambda w: None, _table(HEALTH, 200, 403)),
    ("POST", "/health-centre/patients"): (
        lambda w: {"person": w.zeng.pk, "disease": "E11", "client_uuid": str(uuid.uuid4())},
        _table(HEALTH, 201, 403),
    ),
    ("GET", "/health-centre/patients/{id}"): (lambda w: None, _table(HEALTH, 200, 403)),
    ("POST", "/health-centre/follow-ups"): (_new_follow_up, _table(HEALTH, 201, 403)),
    ("GET", "/health-centre/follow-ups/{id}"): (lambda w: None, _table(HEALTH, 200, 403)),
    ("GET", "/health-centre/follow-ups/{id}/fhir"): (lambda w: None, _table(HEALTH, 200, 403)),
}
QUERIES: dict = {}
PATH_IDS: dict = {
    "/health-centre/patients/{id}": lambda w: _patient_obj(w).pk,
    "/health-centre/follow-ups/{id}": _follow_up,
    "/health-centre/follow-ups/{id}/fhir": _follow_up,
}
