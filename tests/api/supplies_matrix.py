"""The supplies' stock API, merged into test_api_matrix: OPERATIONS, QUERIES and PATH_IDS
as in duty_matrix_setup.

Items and holders: those who hand supplies out (officers, grid workers) list them (200),
the rest 403. C1's store's stock: the officers over C1 (200); grid workers and the other
street's officer do not find it (404). A receipt into C1's store: those who manage supplies
over C1 (201), the other street's officer 404, the rest 403."""

import uuid

from tests.pages.supplies_matrix_stock import GRID_WORKERS, ISSUE, OVER_C1, store
from tests.personas import PERSONAS

ANONYMOUS = "anonymous"


def _table(ok: int, *, inside: set[str], rights: set[str]) -> dict[str, int]:
    out = {p: (ok if p in inside else 404 if p in rights else 403) for p in PERSONAS}
    out[ANONYMOUS] = 401
    return out


def _receipt(w):
    from shoumen.supplies.models import Item

    masks = Item.objects.get_or_create(
        name="医用外科口罩", unit="个", org_unit=None, defaults={"kind": "mask"}
    )[0]
    return {
        "client_uuid": str(uuid.uuid4()),
        "kind": "receive",
        "item": masks.pk,
        "holder": store(w).pk,
        "quantity": "1",
        "source": "purchase",
        "note": "",
    }


RECEIVE = _table(201, inside=OVER_C1, rights=ISSUE)
# Grid workers hold issue_supplies, not manage_supplies: a receipt is refused before scope.
RECEIVE.update(dict.fromkeys(GRID_WORKERS, 403))

OPERATIONS: dict = {
    ("GET", "/supplies/items"): (lambda w: None, _table(200, inside=ISSUE, rights=ISSUE)),
    ("GET", "/supplies/holders"): (lambda w: None, _table(200, inside=ISSUE, rights=ISSUE)),
    ("GET", "/supplies/stock"): (lambda w: None, _table(200, inside=OVER_C1, rights=ISSUE)),
    ("POST", "/supplies/movements"): (_receipt, RECEIVE),
}
QUERIES: dict = {
    ("GET", "/supplies/stock"): lambda w: f"?holder={store(w).pk}",
}
PATH_IDS: dict = {}
