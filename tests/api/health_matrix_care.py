"""The elderly check, survey results and work points API, merged into test_api_matrix:
OPERATIONS, QUERIES and PATH_IDS.

Health roles (the admin, and the doctor, nurse and manager assigned at C1) answer; every
other role gets 403 and an anonymous caller 401."""

import uuid

from tests.pages.health_matrix_care import survey_of
from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
HEALTH = {"admin_user", "family_doctor", "centre_nurse", "centre_manager"}
BOOK_UUID = uuid.UUID("8e3f4a5b-ad7c-4b66-ad94-5c6f708192a3")


def _table(inside: set[str], ok: int, other: int, **by: int) -> dict[str, int]:
    table = {p: (ok if p in inside else other) for p in PERSONAS}
    table.update(by)
    table[ANONYMOUS] = 401
    return table


def _book(w):
    from shoumen.lib.dates import today

    return {"client_uuid": str(BOOK_UUID), "person": w.zeng.pk, "year": today().year}


def _check_id(w):
    from shoumen.healthcentre.elderly_services import elderly_check_book
    from shoumen.lib.dates import today

    check, _ = elderly_check_book(
        actor=w.family_doctor, person=w.zeng, year=today().year, client_uuid=BOOK_UUID
    )
    return check.pk


def _record(w):
    from shoumen.lib.dates import today

    return {"done_on": today().isoformat(), "self_care_score": 2, "result": "normal"}


OPERATIONS: dict = {
    ("GET", "/health-centre/elderly-checks"): (lambda w: None, _table(HEALTH, 200, 403)),
    ("POST", "/health-centre/elderly-checks"): (_book, _table(HEALTH, 201, 403)),
    ("POST", "/health-centre/elderly-checks/{id}/record"): (_record, _table(HEALTH, 200, 403)),
    ("GET", "/health-centre/surveys/{id}/results"): (lambda w: None, _table(HEALTH, 200, 403)),
    ("GET", "/health-centre/points"): (lambda w: None, _table(HEALTH, 200, 403)),
}
QUERIES: dict = {}
PATH_IDS: dict = {
    "/health-centre/elderly-checks/{id}/record": _check_id,
    "/health-centre/surveys/{id}/results": lambda w: survey_of(w).pk,
}
