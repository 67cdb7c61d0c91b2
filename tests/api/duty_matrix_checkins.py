"""Checking in and one's own shifts over the API, merged into test_api_matrix (OPERATIONS,
QUERIES, PATH_IDS).

A check-in for the checkpoint volunteer's shift on now: the volunteer and those who manage
duty over community C1 record it (201); anyone else gets 404. Everyone has their shifts
(empty for someone not on duty)."""

import uuid

from tests.pages.duty_matrix_my import OVER_C1, _shift_now
from tests.personas import PERSONAS

ANONYMOUS = "anonymous"


def _check_in(w):
    return {"client_uuid": str(uuid.uuid4()), "assignment": _shift_now(w).pk, "kind": "in"}


CHECK_IN = {p: (201 if p in OVER_C1 | {"volunteer"} else 404) for p in PERSONAS}
CHECK_IN[ANONYMOUS] = 401

OPERATIONS: dict = {
    ("POST", "/duty/check-ins"): (_check_in, CHECK_IN),
    ("GET", "/duty/my-shifts"): (lambda w: None, {**dict.fromkeys(PERSONAS, 200), ANONYMOUS: 401}),
}
QUERIES: dict = {}
PATH_IDS: dict = {}
