"""The health centre's chronic registry pages, merged into test_page_matrix: ROUTES (name:
(args factory, expected GET status per persona)) and POST_ROUTES (name: expected status of
an empty POST).

A hypertension patient, 曾丽 of grid G1, with one follow-up: the centre's people (and the
admin) reach them; everyone else holds no health-record right anywhere (403), officers
included: they read the indicators, never a patient's record. The ledgers need
``export_health_ledgers`` too (not the nurse)."""

import uuid

from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
HEALTH = {"admin_user", "family_doctor", "centre_nurse", "centre_manager"}
EXPORTERS = HEALTH - {"centre_nurse"}
PATIENT_UUID = uuid.UUID("7d2a3b4c-9c6b-4a55-8c83-4b5e6f708192")
FOLLOW_UP_UUID = uuid.UUID("7d2a3b4c-9c6b-4a55-8c83-4b5e6f708193")


def _table(inside: set[str], ok: int, other: int, anonymous: int = 302, **by) -> dict[str, int]:
    table = {p: (ok if p in inside else other) for p in PERSONAS}
    table.update(by)
    table[ANONYMOUS] = anonymous
    return table


def everyone(status: int, anonymous: int = 302) -> dict[str, int]:
    return {**dict.fromkeys(PERSONAS, status), ANONYMOUS: anonymous}


def _none(w):
    return []


def _patient_obj(w):
    from shoumen.healthcentre.patient_services import patient_register

    patient, _ = patient_register(
        actor=w.family_doctor, person=w.zeng, disease="I10", client_uuid=PATIENT_UUID
    )
    return patient


def _patient(w):
    return [_patient_obj(w).pk]


def _follow_up(w):
    """A controlled follow-up of today."""
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
    return [fu.pk]


HEALTH_PAGE = _table(HEALTH, 200, 403)

ROUTES: dict = {
    "health:patients": (_none, HEALTH_PAGE),
    "health:patient_new": (_none, HEALTH_PAGE),
    "health:chronic_tagged": (_none, HEALTH_PAGE),
    "health:first_visit": (_none, HEALTH_PAGE),
    "health:patient": (_patient, HEALTH_PAGE),
    "health:patient_end": (_patient, everyone(405)),
    "health:follow_up_new": (_patient, HEALTH_PAGE),
    "health:follow_up_preview": (_patient, everyone(405)),
    "health:follow_up": (_follow_up, HEALTH_PAGE),
    "health:follow_up_fhir": (_follow_up, HEALTH_PAGE),
    "health:hypertension_ledger": (_none, _table(EXPORTERS, 200, 403)),
    "health:diabetes_ledger": (_none, _table(EXPORTERS, 200, 403)),
}

POST_ROUTES: dict = {
    "health:patients": everyone(405),
    # No resident chosen: nothing written.
    "health:patient_new": _table(HEALTH, 400, 403),
    "health:chronic_tagged": everyone(405),
    # No resident chosen: nothing to judge.
    "health:first_visit": _table(HEALTH, 400, 403),
    "health:patient": everyone(405),
    # No reason: said so, back to the patient's page.
    "health:patient_end": _table(HEALTH, 303, 403),
    # Nothing filled in: the form again with its errors, nothing written.
    "health:follow_up_new": _table(HEALTH, 400, 403),
    # Nothing filled in yet: the panel says what to fill in.
    "health:follow_up_preview": _table(HEALTH, 200, 403),
    "health:follow_up": everyone(405),
    "health:follow_up_fhir": everyone(405),
    "health:hypertension_ledger": everyone(405),
    "health:diabetes_ledger": everyone(405),
}
