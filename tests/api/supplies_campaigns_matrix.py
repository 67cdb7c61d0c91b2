"""The distribution campaigns' API operations, merged into test_api_matrix: OPERATIONS,
QUERIES and PATH_IDS as in reports_matrix.

A campaign over community C1: those who hand out supplies there (the admin, the district's
and street's officers, C1's staff and its grid workers) answer 200; the other street's
officer gets 404; those who hand out nothing 403. A delivery to 单明's household in G1 is
201 for those who give in G1, 422 for the neighbouring grid's worker (not their household)."""

import uuid

from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
OVER_C1 = {"admin_user", "district_officer", "street_officer", "community_staff"}
ISSUE_IN_C1 = {*OVER_C1, "grid_worker", "neighbour_worker"}
ISSUE_SUPPLIES = {*ISSUE_IN_C1, "outsider"}


def _table(ok: int, inside: set, holders: set, **more: int) -> dict[str, int]:
    table = {p: (ok if p in inside else 404 if p in holders else 403) for p in PERSONAS}
    table[ANONYMOUS] = 401
    table.update(more)
    return table


def _campaign_id(w) -> int:
    from tests.supplies.campaign_helpers import matrix_campaign

    return matrix_campaign(w).pk


def _delivery_body(w):
    return {"client_uuid": str(uuid.uuid4()), "household": w.household_a.pk}


OPERATIONS: dict = {
    ("GET", "/supplies/campaigns"): (lambda w: None, _table(200, ISSUE_SUPPLIES, set())),
    ("GET", "/supplies/campaigns/{id}"): (lambda w: None, _table(200, ISSUE_IN_C1, ISSUE_SUPPLIES)),
    ("POST", "/supplies/campaigns/{id}/deliveries"): (
        _delivery_body,
        _table(201, ISSUE_IN_C1, ISSUE_SUPPLIES, neighbour_worker=422),
    ),
}
QUERIES: dict = {}
PATH_IDS: dict = {
    "/supplies/campaigns/{id}": _campaign_id,
    "/supplies/campaigns/{id}/deliveries": _campaign_id,
}
