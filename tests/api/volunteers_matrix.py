"""The volunteers API's operations, merged into test_api_matrix: OPERATIONS, QUERIES and
PATH_IDS as in duty_matrix_setup.

Community C1's volunteers: those who manage volunteers over it answer (200/201); the other
street's officer, who manages volunteers elsewhere, gets 404; everyone else 403."""

from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
OVER_C1 = {"admin_user", "district_officer", "street_officer", "community_staff"}
MANAGE_VOLUNTEERS = {*OVER_C1, "outsider"}


def _table(ok: int) -> dict[str, int]:
    table = {p: (ok if p in OVER_C1 else 404 if p in MANAGE_VOLUNTEERS else 403) for p in PERSONAS}
    table[ANONYMOUS] = 401
    return table


def _volunteer_body(w):
    return {
        "community": "C1",
        "name": "矩阵API志愿者",
        "phone": "13912340000",
        "teams": ["residents"],
        "skills": ["it"],
        "is_party_member": False,
    }


OPERATIONS: dict = {
    ("GET", "/volunteers"): (lambda w: None, _table(200)),
    ("POST", "/volunteers"): (_volunteer_body, _table(201)),
}
QUERIES: dict = {
    ("GET", "/volunteers"): lambda w: "?unit=C1",
}
PATH_IDS: dict = {}
