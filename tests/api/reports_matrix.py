"""The daily figures' API operations, merged into test_api_matrix: OPERATIONS as there
((method, template): (body factory, expected status per persona)), QUERIES ((method,
template): query-string factory) and PATH_IDS (template: world -> the id that fills
``{id}``)."""

from tests.personas import HEALTH_PERSONAS, PERSONAS

ANONYMOUS = "anonymous"
# Who sees the figures of community C1: those over it with the registry or key persons, and
# the district's education and CDC officers (the schools' figures only).
SEE_C1 = {
    "admin_user",
    "district_officer",
    "street_officer",
    "community_staff",
    "education_officer",
    "cdc_officer",
}
# No figure anywhere: the checkpoint volunteer, and the health centre's people, who see the
# registry but no key persons.
NO_FIGURES = {"volunteer", *HEALTH_PERSONAS}


def _table(inside: set[str]) -> dict[str, int]:
    """200 inside the scope, 403 for those who see no figures, 404 for the rest."""
    table = {p: (200 if p in inside else 403 if p in NO_FIGURES else 404) for p in PERSONAS}
    table[ANONYMOUS] = 401
    return table


OPERATIONS: dict = {
    ("GET", "/metrics"): (lambda w: None, _table(SEE_C1)),
    ("GET", "/metrics/catalogue"): (lambda w: None, _table(set(PERSONAS) - NO_FIGURES)),
}
QUERIES: dict = {
    ("GET", "/metrics"): lambda w: "?unit=C1&children=true",
}
PATH_IDS: dict = {}
