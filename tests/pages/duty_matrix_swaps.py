"""The swap and sick-call pages, merged into test_page_matrix: ROUTES (name: (args
factory, expected GET status per persona)) and POST_ROUTES (expected status of an empty
POST per persona).

The shifts are the checkpoint volunteer's own (tests/duty/swap_rows.py): those over C1 and
the volunteer reach them (200), anyone else gets 404. Deciding swaps and covering sick
calls is staff's work: the volunteer, who reaches the shift or their own swap, gets 403
there. A re-solve around a sick call (its page, applying, discarding) is reached by those
managing duty over C1; the other street's officer gets 404, anyone else 403. The staff's
swap list is a 403 for a role managing no duty anywhere and a 404 for the other street's
officer. Every action posts a field saying what it does: an empty POST is a 400 and
changes nothing."""

from tests.duty.swap_rows import matrix_resolve, matrix_row, matrix_swap
from tests.pages.duty_matrix_common import duty_table
from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
OVER_C1 = {"admin_user", "district_officer", "street_officer", "community_staff"}
MANAGE_ELSEWHERE = {"outsider"}
THE_PERSON = {"volunteer"}


def _table(reach: set[str], ok: int, other: int = 404, **by_persona: int) -> dict[str, int]:
    table = {p: (ok if p in reach else other) for p in PERSONAS}
    table.update(by_persona)
    table[ANONYMOUS] = 302
    return table


def _all(status: int) -> dict[str, int]:
    return {**dict.fromkeys(PERSONAS, status), ANONYMOUS: 302}


STAFF_LIST = {
    p: (200 if p in OVER_C1 else 404 if p in MANAGE_ELSEWHERE else 403) for p in PERSONAS
} | {ANONYMOUS: 302}
SHIFT_PAGE = _table(OVER_C1 | THE_PERSON, 200)

ROUTES: dict = {
    "duty:swaps": (lambda w: [w.community.pk], STAFF_LIST),
    "duty:swap_new": (lambda w: [matrix_row(w, 1).pk], SHIFT_PAGE),
    "duty:swap_decide": (lambda w: [matrix_swap(w, 2, "decide").pk], _all(405)),
    "duty:swap_withdraw": (lambda w: [matrix_swap(w, 3, "withdraw").pk], _all(405)),
    "duty:sick_call": (lambda w: [matrix_row(w, 4).pk], SHIFT_PAGE),
    "duty:cover": (lambda w: [matrix_row(w, 5).pk], _all(405)),
    "duty:resolve_start": (lambda w: [matrix_row(w, 6).pk], _all(405)),
    "duty:resolve": (lambda w: [matrix_resolve(w).pk], duty_table(200)),
    "duty:resolve_apply": (lambda w: [matrix_resolve(w).pk], _all(405)),
    "duty:resolve_discard": (lambda w: [matrix_resolve(w).pk], _all(405)),
}

POST_ROUTES: dict = {
    "duty:swaps": _all(405),
    # No partner chosen: the form's errors.
    "duty:swap_new": _table(OVER_C1 | THE_PERSON, 400),
    # No decision: a 400 for staff, a 403 for the requester.
    "duty:swap_decide": _table(OVER_C1, 400, volunteer=403),
    # No confirmation: a 400 for whoever reaches the swap.
    "duty:swap_withdraw": _table(OVER_C1 | THE_PERSON, 400),
    "duty:sick_call": _table(OVER_C1 | THE_PERSON, 400),
    # Nobody chosen: a 400 for staff, a 403 for the person on the shift.
    "duty:cover": _table(OVER_C1, 400, volunteer=403),
    # No confirmation: a 400 for staff, a 403 for the person on the shift.
    "duty:resolve_start": _table(OVER_C1, 400, volunteer=403),
    "duty:resolve": _all(405),
    "duty:resolve_apply": duty_table(400),
    "duty:resolve_discard": duty_table(400),
}
