"""The service requests API, merged into test_api_matrix: OPERATIONS, QUERIES and PATH_IDS.

Requests of 单明 in grid A: those who manage services over grid A answer; the neighbouring
grid's worker and the other street's officer get 404; roles without ``manage_services``
403 (404 for a request not given to them). The checkpoint volunteer, given a request as a
volunteer of C1, marks it done (200) but may not confirm it (403)."""

import uuid

from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
OVER_GRID_A = {"admin_user", "district_officer", "street_officer", "community_staff", "grid_worker"}
MANAGE_SERVICES = {*OVER_GRID_A, "neighbour_worker", "outsider"}
ASSIGN_UUID = uuid.UUID("6c1f2e3d-8b5a-4f44-8b72-3a4d5e6f7081")
DONE_UUID = uuid.UUID("6c1f2e3d-8b5a-4f44-8b72-3a4d5e6f7082")
CONFIRM_UUID = uuid.UUID("6c1f2e3d-8b5a-4f44-8b72-3a4d5e6f7083")


def _table(inside: set[str], ok: int, other: int, **by: int) -> dict[str, int]:
    table = {p: (ok if p in inside else other) for p in PERSONAS}
    table.update(by)
    table[ANONYMOUS] = 401
    return table


def _volunteer(w):
    from shoumen.registry.models import Volunteer

    return Volunteer.objects.get_or_create(
        user=w.volunteer, defaults={"community": w.community, "name": "志愿者小李"}
    )[0]


def _request(w, key, *, assigned=False, done=False):
    from shoumen.services.models import RequestStatus
    from shoumen.services.services import request_assign, request_create, request_done

    req, created = request_create(
        actor=w.grid_worker, door="call", kind="medicine", person=w.shan, client_uuid=key
    )
    if created and assigned:
        req = request_assign(actor=w.grid_worker, request=req, volunteer=_volunteer(w))
    if created and done and req.status != RequestStatus.DONE:
        request_done(actor=w.grid_worker, request=req, note="送到了")
    return req.pk


def _ask(w):
    return {"person": w.shan.pk, "kind": "groceries", "urgency": "today", "note": "米"}


def _assign(w):
    return {"volunteer": _volunteer(w).pk}


OPERATIONS: dict = {
    ("GET", "/service-requests"): (lambda w: None, _table(MANAGE_SERVICES, 200, 403)),
    ("POST", "/service-requests"): (
        _ask,
        _table(OVER_GRID_A, 201, 403, neighbour_worker=404, outsider=404),
    ),
    ("POST", "/service-requests/{id}/assign"): (_assign, _table(OVER_GRID_A, 200, 404)),
    ("POST", "/service-requests/{id}/done"): (
        lambda w: {"note": "送到了"},
        _table(OVER_GRID_A | {"volunteer"}, 200, 404),
    ),
    ("POST", "/service-requests/{id}/confirm"): (
        lambda w: None,
        _table(OVER_GRID_A, 200, 404, volunteer=403),
    ),
}
QUERIES: dict = {}
PATH_IDS: dict = {
    "/service-requests/{id}/assign": lambda w: _request(w, ASSIGN_UUID),
    "/service-requests/{id}/done": lambda w: _request(w, DONE_UUID, assigned=True),
    "/service-requests/{id}/confirm": lambda w: _request(w, CONFIRM_UUID, assigned=True, done=True),
}
