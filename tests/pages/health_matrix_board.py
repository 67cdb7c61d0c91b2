"""The health centre's hub and indicators board, merged into test_page_matrix: ROUTES
(name: (args factory, expected GET status per persona)) and POST_ROUTES (name: expected
status of an empty POST).

The board opens to whoever sees the indicators somewhere (the centre's people, officers,
the CDC; the other street's officer sees their own street's board), the hub to those who
hold the centre's records; 403 to anyone else."""

from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
INDICATORS = {
    "admin_user",
    "district_officer",
    "street_officer",
    "community_staff",
    "outsider",
    "cdc_officer",
    "family_doctor",
    "centre_nurse",
    "centre_manager",
}
RECORDS = {"admin_user", "family_doctor", "centre_nurse", "centre_manager"}
SEE = {p: (200 if p in INDICATORS else 403) for p in PERSONAS} | {ANONYMOUS: 302}
HUB = {p: (200 if p in RECORDS else 403) for p in PERSONAS} | {ANONYMOUS: 302}
EVERYONE_405 = {**dict.fromkeys(PERSONAS, 405), ANONYMOUS: 302}


def _none(w):
    return []


ROUTES: dict = {"health:home": (_none, HUB), "health:board": (_none, SEE)}
POST_ROUTES: dict = {"health:home": EVERYONE_405, "health:board": EVERYONE_405}
