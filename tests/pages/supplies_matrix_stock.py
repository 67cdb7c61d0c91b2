"""The supplies' stock pages, merged into test_page_matrix: ROUTES (name: (args factory,
expected GET status per persona)) and POST_ROUTES (name: expected status of an empty POST).

Community C1's supplies: those who hand supplies out (the officers over C1 and the grid
workers inside it) see the community's page, the grid workers only their own holders (C1's
store is a 404 to them); receiving, transferring, counting, items, holders, reorder levels
and ledgers are for those who manage supplies over C1 (the other street's officer, who
manages them elsewhere, gets 404; grid workers 403). Roles with no right to supplies: 403."""

from tests.pages.duty_matrix_common import OVER_C1, c1, everyone
from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
MANAGE = {*OVER_C1, "outsider"}
GRID_WORKERS = {"grid_worker", "neighbour_worker"}
ISSUE = MANAGE | GRID_WORKERS


def table(ok: int, *, inside: set[str], rights: set[str]) -> dict[str, int]:
    """``ok`` for ``inside``, 404 for the others holding the right, 403 for the rest."""
    out = {p: (ok if p in inside else 404 if p in rights else 403) for p in PERSONAS}
    out[ANONYMOUS] = 302
    return out


def manage_table(ok: int) -> dict[str, int]:
    return table(ok, inside=OVER_C1, rights=MANAGE)


def store(w):
    from shoumen.supplies.models import Holder, HolderKind

    return Holder.objects.get_or_create(
        org_unit=w.community, name="矩阵库房", defaults={"kind": HolderKind.STORE}
    )[0]


def _store(w):
    return [store(w).pk]


def _receive(w):
    return [store(w).pk, "receive"]


ROUTES: dict = {
    "supplies:index": (lambda w: [], table(200, inside=ISSUE, rights=ISSUE)),
    "supplies:community": (c1, table(200, inside=OVER_C1 | GRID_WORKERS, rights=ISSUE)),
    "supplies:holder": (_store, table(200, inside=OVER_C1, rights=ISSUE)),
    "supplies:movement_new": (_receive, manage_table(200)),
    "supplies:reorder": (_store, manage_table(200)),
    "supplies:items": (c1, manage_table(200)),
    "supplies:item_new": (c1, manage_table(200)),
    "supplies:holders": (c1, manage_table(200)),
    "supplies:holder_new": (c1, manage_table(200)),
    "supplies:ledger_movements": (c1, manage_table(200)),
    "supplies:ledger_stock": (c1, manage_table(200)),
    "supplies:ledger_donations": (c1, manage_table(200)),
}

POST_ROUTES: dict = {
    "supplies:index": everyone(405),
    "supplies:community": everyone(405),
    "supplies:holder": everyone(405),
    "supplies:movement_new": manage_table(400),
    "supplies:reorder": manage_table(400),
    "supplies:items": everyone(405),
    "supplies:item_new": manage_table(400),
    "supplies:holders": everyone(405),
    "supplies:holder_new": manage_table(400),
    "supplies:ledger_movements": everyone(405),
    "supplies:ledger_stock": everyone(405),
    "supplies:ledger_donations": everyone(405),
}
