"""The schools API operations of this part, merged into test_api_matrix: OPERATIONS as
there ((method, template): (body factory, expected status per persona)), QUERIES
((method, template): query-string factory) and PATH_IDS (template: world -> the id that
fills ``{id}``)."""

from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
VIEW_SCHOOLS = {
    "admin_user",
    "teacher",
    "other_teacher",
    "school_doctor",
    "principal",
    "education_officer",
    "cdc_officer",
}
REPORT_SCHOOL = {"admin_user", "school_doctor", "principal"}
SEE_DISTRICT = {"admin_user", "education_officer", "cdc_officer"}


def _table(holders: set[str], inside: set[str], ok: int = 200) -> dict[str, int]:
    """``ok`` inside the scope, 404 for holders outside it, 403 for the rest."""
    table = {p: (ok if p in inside else 404 if p in holders else 403) for p in PERSONAS}
    table[ANONYMOUS] = 401
    return table


OPERATIONS: dict = {
    ("GET", "/school-reports"): (lambda w: None, _table(VIEW_SCHOOLS, VIEW_SCHOOLS)),
    # An empty confirm of today: refused (422) while classes are missing or without school.
    ("POST", "/school-reports/{id}/confirm"): (
        lambda w: {},
        _table(REPORT_SCHOOL, REPORT_SCHOOL, 422),
    ),
    # The district's rates: its officers; school roles see their own units' only (404).
    ("GET", "/reporting-rates"): (lambda w: None, _table(VIEW_SCHOOLS, SEE_DISTRICT)),
}
QUERIES: dict = {
    ("GET", "/reporting-rates"): lambda w: "?kind=school_daily&unit=D1",
}
PATH_IDS: dict = {
    "/school-reports/{id}/confirm": lambda w: w.school.pk,
}
