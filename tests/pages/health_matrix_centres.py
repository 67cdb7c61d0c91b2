"""Setting health centres up, merged into test_page_matrix: ROUTES (name: (args factory,
expected GET status per persona)) and POST_ROUTES (name: expected status of an empty POST).

Those who manage a street's users or more (the admin, the district's and the streets'
officers) open the list and add a centre (an empty form: 400); the other street's officer
gets a 404 for S1's centre; everyone else 403."""

from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
OVER_S1 = {"admin_user", "district_officer", "street_officer"}
SET_UP = OVER_S1 | {"outsider"}


def _table(ok: int, *, inside=SET_UP, elsewhere: int = 403) -> dict[str, int]:
    table = {p: ok if p in inside else (elsewhere if p in SET_UP else 403) for p in PERSONAS}
    table[ANONYMOUS] = 302
    return table


def _none(w):
    return []


def _centre(w):
    return [w.health_centre.pk]


ROUTES: dict = {
    "health:centres": (_none, _table(200)),
    "health:centre_edit": (_centre, _table(200, inside=OVER_S1, elsewhere=404)),
}
POST_ROUTES: dict = {
    "health:centres": _table(400),
    "health:centre_edit": _table(400, inside=OVER_S1, elsewhere=404),
}
