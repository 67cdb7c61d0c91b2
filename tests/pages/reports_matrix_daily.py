"""The daily report pages of the reports app, merged into test_page_matrix: ROUTES as there
(name: (args factory, expected GET status per persona)) and POST_ROUTES (name: expected
status of an empty POST per persona).

Community C1's report: those over it see it (200); holders of the residents' view whose
scope is elsewhere (the grid workers, the other street's officer) get 404; those with no
sight of any report (the checkpoint volunteer, the schools' roles, the health centre's
people, who see the registry of C1 but no key persons) get 403."""

from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
OVER_C1 = {"admin_user", "district_officer", "street_officer", "community_staff"}
ELSEWHERE = {"grid_worker", "neighbour_worker", "outsider"}


def _table(ok: int) -> dict[str, int]:
    """``ok`` over C1, 404 for holders elsewhere, 403 for the rest."""
    table = {p: (ok if p in OVER_C1 else 404 if p in ELSEWHERE else 403) for p in PERSONAS}
    table[ANONYMOUS] = 302
    return table


def _all(status: int) -> dict[str, int]:
    return {**dict.fromkeys(PERSONAS, status), ANONYMOUS: 302}


def _c1(w):
    return [w.community.pk]


ROUTES: dict = {
    "reports:daily": (_c1, _table(200)),
    "reports:daily_card": (_c1, _table(200)),
    # Today's report as .xlsx: a download, audited.
    "reports:daily_export": (_c1, _table(200)),
    "reports:daily_confirm": (_c1, _all(405)),
}

POST_ROUTES: dict = {
    "reports:daily": _all(405),
    "reports:daily_card": _all(405),
    "reports:daily_export": _all(405),
    # An empty confirm names no day: a message and back to the report, nothing written.
    "reports:daily_confirm": _table(302),
}
