"""The resident services' pages, merged into test_page_matrix: ROUTES (name: (args
factory, expected GET status per persona)) and POST_ROUTES (name: expected status of an
empty POST).

A request of 单明 in grid A: those who manage services over grid A (the admin, the
district's, the street's and C1's officers, grid A's worker) reach it; the neighbouring
grid's worker and the other street's officer get 404, as does anyone it was not given to.
The list and taking calls need ``manage_services`` (403 without it anywhere); the hotline
log needs ``log_hotline`` (officers); the service ledger needs ``export`` too."""

import uuid

from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
OVER_GRID_A = {"admin_user", "district_officer", "street_officer", "community_staff", "grid_worker"}
MANAGE_SERVICES = {*OVER_GRID_A, "neighbour_worker", "outsider"}
OFFICERS = {"admin_user", "district_officer", "street_officer", "community_staff", "outsider"}
OVER_C1_OFFICERS = OFFICERS - {"outsider"}
REQUEST_UUID = uuid.UUID("5b0e1d2c-7a4f-4e33-9a61-2f3c4d5e6f70")
CALL_UUID = uuid.UUID("5b0e1d2c-7a4f-4e33-9a61-2f3c4d5e6f71")


def _table(inside: set[str], ok: int, other: int, anonymous: int = 302, **by) -> dict[str, int]:
    table = {p: (ok if p in inside else other) for p in PERSONAS}
    table.update(by)
    table[ANONYMOUS] = anonymous
    return table


def everyone(status: int, anonymous: int = 302) -> dict[str, int]:
    return {**dict.fromkeys(PERSONAS, status), ANONYMOUS: anonymous}


def _none(w):
    return []


def _request(w):
    """An open request of 单明 in grid A, taken by the grid worker."""
    from shoumen.services.services import request_create

    req, _ = request_create(
        actor=w.grid_worker,
        door="call",
        kind="groceries",
        person=w.shan,
        client_uuid=REQUEST_UUID,
    )
    return [req.pk]


def _call(w):
    """A hotline call of C1 with no follow-up due."""
    from shoumen.services.hotline import hotline_call_record

    call, _ = hotline_call_record(
        actor=w.community_staff,
        community=w.community,
        topic="anxiety",
        minutes=10,
        client_uuid=CALL_UUID,
    )
    return [call.pk]


SERVICES_PAGE = _table(MANAGE_SERVICES, 200, 403)
REQUEST_PAGE = _table(OVER_GRID_A, 200, 404)
HOTLINE_PAGE = _table(OFFICERS, 200, 403)
REQUEST_FORM = _table(OVER_GRID_A, 400, 404)

ROUTES: dict = {
    "services:requests": (_none, SERVICES_PAGE),
    "services:request_new": (_none, SERVICES_PAGE),
    "services:my_tasks": (_none, everyone(200)),
    "services:request": (_request, REQUEST_PAGE),
    "services:request_assign": (_request, everyone(405)),
    "services:request_done": (_request, everyone(405)),
    "services:request_confirm": (_request, everyone(405)),
    "services:request_cancel": (_request, everyone(405)),
    "services:request_cadre": (_request, everyone(405)),
    # Officers export their own unit's month (the other street's officer, theirs).
    "services:ledger": (_none, _table(OFFICERS, 200, 403)),
    "services:hotline": (_none, HOTLINE_PAGE),
    "services:hotline_follow_up": (_call, everyone(405)),
    "services:hotline_ledger": (_none, HOTLINE_PAGE),
}

POST_ROUTES: dict = {
    "services:requests": everyone(405),
    # No resident chosen: said so, nothing written.
    "services:request_new": _table(MANAGE_SERVICES, 400, 403),
    "services:my_tasks": everyone(405),
    "services:request": everyone(405),
    "services:request_assign": REQUEST_FORM,
    "services:request_done": REQUEST_FORM,
    # Not confirmed ("confirm=yes" missing): said so, nothing written.
    "services:request_confirm": REQUEST_FORM,
    "services:request_cancel": REQUEST_FORM,
    # Nobody named: said so, nothing written.
    "services:request_cadre": REQUEST_FORM,
    "services:ledger": everyone(405),
    "services:hotline": _table(OFFICERS, 400, 403),
    # The call has no follow-up due: said so, back to the log; the other street's officer
    # does not reach C1's call.
    "services:hotline_follow_up": _table(OVER_C1_OFFICERS, 302, 403, outsider=404),
    "services:hotline_ledger": everyone(405),
}
