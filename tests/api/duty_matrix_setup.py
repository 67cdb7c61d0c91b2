"""The duty set-up's API operations, merged into test_api_matrix: OPERATIONS, QUERIES and
PATH_IDS as in reports_matrix.

Community C1's posts and people: those who manage duty over it answer (200/201); the other
street's officer, who manages duty elsewhere, gets 404; those with no duty to manage 403."""

from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
OVER_C1 = {"admin_user", "district_officer", "street_officer", "community_staff"}
MANAGE_DUTY = {*OVER_C1, "outsider"}


def _table(ok: int) -> dict[str, int]:
    table = {p: (ok if p in OVER_C1 else 404 if p in MANAGE_DUTY else 403) for p in PERSONAS}
    table[ANONYMOUS] = 401
    return table


def _post_body(w):
    return {
        "unit": "C1",
        "name": "矩阵新岗",
        "kind": "duty_room",
        "shifts": [{"code": "D", "label": "白班", "start": "08:00", "hours": 10}],
    }


def _person_body(w):
    return {"unit": "C1", "new_volunteer": {"name": "矩阵新志愿者", "phone": "13912345678"}}


OPERATIONS: dict = {
    ("GET", "/duty/posts"): (lambda w: None, _table(200)),
    ("POST", "/duty/posts"): (_post_body, _table(201)),
    ("GET", "/duty/people"): (lambda w: None, _table(200)),
    ("POST", "/duty/people"): (_person_body, _table(201)),
}
QUERIES: dict = {
    ("GET", "/duty/posts"): lambda w: "?unit=C1",
    ("GET", "/duty/people"): lambda w: "?unit=C1",
}
PATH_IDS: dict = {}
