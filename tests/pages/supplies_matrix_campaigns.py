"""The distribution campaign pages, merged into test_page_matrix: ROUTES (name: (args
factory, expected GET status per persona)) and POST_ROUTES (name: expected status of an
empty POST).

A campaign over community C1: those who hand out supplies there (the admin, the district's
and street's officers, C1's staff and both of its grid workers) see it (200); the other
street's officer, who hands out elsewhere, gets 404; those who hand out nothing (the
checkpoint volunteer, the schools' roles) 403. Creating and closing need manage_supplies;
the ledger needs export over C1 or part of it."""

from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
OVER_C1 = {"admin_user", "district_officer", "street_officer", "community_staff"}
ISSUE_IN_C1 = {*OVER_C1, "grid_worker", "neighbour_worker"}
ISSUE_SUPPLIES = {*ISSUE_IN_C1, "outsider"}
MANAGE_SUPPLIES = {*OVER_C1, "outsider"}
# Those who give to 单明's household in grid G1.
GIVE_TO_G1 = {*OVER_C1, "grid_worker"}


def _table(ok: int, inside: set, holders: set) -> dict[str, int]:
    """``ok`` for ``inside``, 404 for the rest of ``holders``, 403 for everyone else."""
    table = {p: (ok if p in inside else 404 if p in holders else 403) for p in PERSONAS}
    table[ANONYMOUS] = 302
    return table


def _everyone(status: int) -> dict[str, int]:
    return {**dict.fromkeys(PERSONAS, status), ANONYMOUS: 302}


def _none(w):
    return []


def _campaign(w):
    from tests.supplies.campaign_helpers import matrix_campaign

    return [matrix_campaign(w).pk]


def _to_close(w):
    """A campaign of its own, so that closing it leaves the others open."""
    from tests.supplies.campaign_helpers import matrix_campaign

    return [matrix_campaign(w, "矩阵待关闭发放").pk]


def _give(w):
    from tests.supplies.campaign_helpers import matrix_campaign

    return [matrix_campaign(w).pk, w.household_a.pk]


ROUTES: dict = {
    "campaigns:list": (_none, _table(200, ISSUE_SUPPLIES, set())),
    "campaigns:new": (_none, _table(200, MANAGE_SUPPLIES, set())),
    "campaigns:detail": (_campaign, _table(200, ISSUE_IN_C1, ISSUE_SUPPLIES)),
    "campaigns:households": (_campaign, _table(200, ISSUE_IN_C1, ISSUE_SUPPLIES)),
    "campaigns:give": (_give, _everyone(405)),
    "campaigns:close": (_to_close, _everyone(405)),
    # Grid workers hand out but export nothing.
    "campaigns:ledger": (
        _campaign,
        {**_table(200, OVER_C1, ISSUE_SUPPLIES), "grid_worker": 403, "neighbour_worker": 403},
    ),
}

POST_ROUTES: dict = {
    "campaigns:list": _everyone(405),
    "campaigns:new": _table(400, MANAGE_SUPPLIES, set()),
    "campaigns:detail": _everyone(405),
    "campaigns:households": _everyone(405),
    # No client UUID: the list again with its error; the neighbouring grid's worker does
    # not give in G1.
    "campaigns:give": _table(400, GIVE_TO_G1, ISSUE_SUPPLIES),
    # Needs no input: closed, back to the campaign.
    "campaigns:close": {
        **_table(302, OVER_C1, MANAGE_SUPPLIES),
        "grid_worker": 403,
        "neighbour_worker": 403,
    },
    "campaigns:ledger": _everyone(405),
}
