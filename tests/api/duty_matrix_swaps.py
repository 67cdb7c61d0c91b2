"""The swap API operations, merged into test_api_matrix: OPERATIONS, QUERIES and PATH_IDS.

The shifts and swaps are the checkpoint volunteer's (tests/duty/swap_rows.py): those over
C1 and the volunteer ask for swaps (201), anyone else gets 404 for the shift. Deciding and
listing need ``manage_duty``: the volunteer gets 403 for their own swap, the other
street's officer 404, roles managing no duty anywhere 403 (404 when the swap itself is out
of their reach). Re-solving around a sick call is staff's too: the matrix shift is not
called in sick (422 for staff, 403 for the volunteer on it); the re-solve is read, applied
(found outdated) and discarded by those over C1."""

import uuid

from tests.duty.swap_rows import matrix_resolve, matrix_row, matrix_rows, matrix_swap
from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
OVER_C1 = {"admin_user", "district_officer", "street_officer", "community_staff"}


def _table(inside: set[str], ok: int, other: int = 404, **by_persona: int) -> dict[str, int]:
    table = {p: (ok if p in inside else other) for p in PERSONAS}
    table.update(by_persona)
    table[ANONYMOUS] = 401
    return table


def _ask(w) -> dict:
    return {
        "client_uuid": str(uuid.uuid4()),
        "assignment": matrix_row(w, 1).pk,
        "partner": matrix_rows(w)["mates"][1].pk,
        "reason": "家里有事",
    }


DECIDE = _table(OVER_C1, 200, volunteer=403)
RESOLVE = _table(OVER_C1, 200, other=403, outsider=404)

OPERATIONS: dict = {
    ("POST", "/duty/swaps"): (_ask, _table(OVER_C1 | {"volunteer"}, 201)),
    ("POST", "/duty/swaps/{id}/approve"): (lambda w: None, DECIDE),
    ("POST", "/duty/swaps/{id}/refuse"): (lambda w: None, DECIDE),
    ("GET", "/duty/swaps"): (
        lambda w: None,
        _table(OVER_C1, 200, other=403, outsider=404),
    ),
    ("POST", "/duty/shifts/{id}/resolve"): (
        lambda w: None,
        _table(OVER_C1, 422, volunteer=403),
    ),
    ("GET", "/duty/resolves/{id}"): (lambda w: None, RESOLVE),
    ("POST", "/duty/resolves/{id}/apply"): (lambda w: None, RESOLVE),
    ("POST", "/duty/resolves/{id}/discard"): (lambda w: None, RESOLVE),
}
QUERIES: dict = {
    ("GET", "/duty/swaps"): lambda w: "?unit=C1",
}
PATH_IDS: dict = {
    "/duty/swaps/{id}/approve": lambda w: matrix_swap(w, 2, "approve").pk,
    "/duty/swaps/{id}/refuse": lambda w: matrix_swap(w, 3, "refuse").pk,
    "/duty/shifts/{id}/resolve": lambda w: matrix_row(w, 6).pk,
    "/duty/resolves/{id}": lambda w: matrix_resolve(w).pk,
    "/duty/resolves/{id}/apply": lambda w: matrix_resolve(w).pk,
    "/duty/resolves/{id}/discard": lambda w: matrix_resolve(w).pk,
}
