"""The health centre's indicators API, merged into test_api_matrix: OPERATIONS, QUERIES
and PATH_IDS. Those who see the indicators of community C1 answer 200; the other street's
officer 404; roles without ``view_health_indicators`` 403."""

from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
SEE_C1 = {
    "admin_user",
    "district_officer",
    "street_officer",
    "community_staff",
    "cdc_officer",
    "family_doctor",
    "centre_nurse",
    "centre_manager",
}
STATUSES = {p: (200 if p in SEE_C1 else 403) for p in PERSONAS} | {
    "outsider": 404,
    ANONYMOUS: 401,
}

OPERATIONS: dict = {("GET", "/health-centre/indicators"): (lambda w: None, STATUSES)}
QUERIES: dict = {("GET", "/health-centre/indicators"): lambda w: "?unit=C1"}
PATH_IDS: dict = {}
