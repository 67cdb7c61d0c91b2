"""The boards with charts of the reports app, merged into test_page_matrix: ROUTES as there
(name: (args factory, expected GET status per persona)) and POST_ROUTES (name: expected
status of an empty POST per persona).

The trends board of community C1 is open to those who see its figures (the scope of
``figures_of``); one who sees figures nowhere (the checkpoint volunteer) is refused (403);
one who sees figures elsewhere, or only the schools' (none in a community), gets a 404."""

from tests.personas import HEALTH_PERSONAS, PERSONAS

ANONYMOUS = "anonymous"
# The district's CDC officer sees the health centre's figures of every grid.
SEE_C1 = {"admin_user", "district_officer", "street_officer", "community_staff", "cdc_officer"}
# The health centre's people see C1's registry but no figures: they count key persons.
SEE_NO_FIGURES = {"volunteer", *HEALTH_PERSONAS}


def _board_of_c1() -> dict[str, int]:
    table = {p: 200 if p in SEE_C1 else 403 if p in SEE_NO_FIGURES else 404 for p in PERSONAS}
    table[ANONYMOUS] = 302
    return table


ROUTES: dict = {
    "reports:board": (lambda w: [w.unit("C1").pk], _board_of_c1()),
}

POST_ROUTES: dict = {
    "reports:board": {**dict.fromkeys(PERSONAS, 405), ANONYMOUS: 302},
}
