"""The duty rosters' API operations, merged into test_api_matrix: OPERATIONS, QUERIES and
PATH_IDS as in reports_matrix.

Community C1's rosters: those who manage duty over it answer (200/201); the other street's
officer, who manages duty elsewhere, gets 404; those with no duty to manage 403."""

from tests.pages.duty_matrix_common import MANAGE_DUTY, OVER_C1
from tests.pages.duty_matrix_rosters import _roster
from tests.personas import PERSONAS

ANONYMOUS = "anonymous"


def _table(ok: int) -> dict[str, int]:
    table = {p: (ok if p in OVER_C1 else 404 if p in MANAGE_DUTY else 403) for p in PERSONAS}
    table[ANONYMOUS] = 401
    return table


def _solve_body(w):
    """A one-day roster of C1 (one post, one shift, one person): solved in no time."""
    from shoumen.lib.dates import today

    _roster(w)  # its post, shift and person
    day = today().isoformat()
    return {"unit": "C1", "starts_on": day, "ends_on": day, "time_limit_seconds": 10}


OPERATIONS: dict = {
    ("POST", "/duty/rosters"): (_solve_body, _table(201)),
    ("GET", "/duty/rosters"): (lambda w: None, _table(200)),
    ("GET", "/duty/rosters/{id}"): (lambda w: None, _table(200)),
    ("POST", "/duty/rosters/{id}/publish"): (lambda w: None, _table(200)),
}
QUERIES: dict = {
    ("GET", "/duty/rosters"): lambda w: "?unit=C1",
}
PATH_IDS: dict = {
    "/duty/rosters/{id}": lambda w: _roster(w).pk,
    "/duty/rosters/{id}/publish": lambda w: _roster(w).pk,
}
