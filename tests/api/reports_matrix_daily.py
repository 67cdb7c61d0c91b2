"""The daily reports' API operations, merged into test_api_matrix: OPERATIONS, QUERIES and
PATH_IDS as in reports_matrix.

``GET /reporting-rates`` stays classified in school_matrix_reports (kind school_daily);
its unit_daily kind is classified persona by persona in tests/reports/test_unit_rates.py."""

from tests.personas import HEALTH_PERSONAS, PERSONAS

ANONYMOUS = "anonymous"
# Over community C1 with the residents' figures: its officers and staff.
SEE_C1 = {"admin_user", "district_officer", "street_officer", "community_staff"}
# The residents' figures nowhere: the checkpoint volunteer, the school roles and the health
# centre's people (the registry without key persons).
NO_FIGURES = {
    *HEALTH_PERSONAS,
    "volunteer",
    "teacher",
    "other_teacher",
    "school_doctor",
    "principal",
    "education_officer",
    "cdc_officer",
}
# Confirm the daily report somewhere: the officers and community staff (outsider in S2).
CONFIRMS = {*SEE_C1, "outsider"}


def _table(inside: set[str], holders: set[str], ok: int = 200) -> dict[str, int]:
    """``ok`` inside the scope, 404 for holders outside it, 403 for the rest."""
    table = {p: (ok if p in inside else 404 if p in holders else 403) for p in PERSONAS}
    table[ANONYMOUS] = 401
    return table


OPERATIONS: dict = {
    ("GET", "/daily-reports"): (lambda w: None, _table(SEE_C1, set(PERSONAS) - NO_FIGURES)),
    # Today's report of C1, confirmed now.
    ("POST", "/daily-reports/{id}/confirm"): (lambda w: {}, _table(SEE_C1, CONFIRMS, 201)),
}
QUERIES: dict = {
    ("GET", "/daily-reports"): lambda w: "?unit=C1",
}
PATH_IDS: dict = {
    "/daily-reports/{id}/confirm": lambda w: w.community.pk,
}
