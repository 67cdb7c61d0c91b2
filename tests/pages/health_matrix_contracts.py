"""The health centre's set-up and contract pages, merged into test_page_matrix: ROUTES
(name: (args factory, expected GET status per persona)) and POST_ROUTES (name: expected
status of an empty POST).

Set-up is for the centre's manager (and the admin); contracts are for the health roles of
the communities (the doctor, the nurse, the manager, the admin): everyone else gets 403,
officers included (they see indicators, never a patient). A contract awaits team A (单明,
from the QR page). The nurse is on team A: she confirms it though she does not manage
contracts; she may not export the register. The sign-up page behind a team's QR code is
public: 200 for everyone, 400 for an empty form."""

from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
MANAGERS = {"admin_user", "centre_manager"}
HEALTH = {"admin_user", "family_doctor", "centre_nurse", "centre_manager"}
EXPORTERS = HEALTH - {"centre_nurse"}


def _table(inside: set[str], ok: int, other: int, anonymous: int = 302, **by) -> dict[str, int]:
    table = {p: (ok if p in inside else other) for p in PERSONAS}
    table.update(by)
    table[ANONYMOUS] = anonymous
    return table


def everyone(status: int, anonymous: int = 302) -> dict[str, int]:
    return {**dict.fromkeys(PERSONAS, status), ANONYMOUS: anonymous}


def _none(w):
    return []


def _centre(w):
    return [w.health_centre.pk]


def _team(w):
    return [w.team_a.pk]


def _package(w):
    from shoumen.healthcentre.models import Package

    return [Package.objects.get(centre=w.health_centre, code="elderly").pk]


def _token(w):
    """Team A's code as it stands (an earlier POST in the same run may have replaced it)."""
    from shoumen.healthcentre.models import Team

    return [Team.objects.get(pk=w.team_a.pk).signup_token]


def _contract(w):
    """单明's request to team A from its QR page, awaiting the team (or confirmed by an
    earlier POST of the same run: the empty POSTs after it are refused alike)."""
    from shoumen.healthcentre.contract_services import contract_request
    from shoumen.healthcentre.models import Contract

    existing = Contract.objects.filter(person=w.shan, status__in=["pending", "active"]).first()
    return [(existing or contract_request(team=w.team_a, person=w.shan)[0]).pk]


SETUP_PAGE = _table(MANAGERS, 200, 403)
SETUP_FORM = _table(MANAGERS, 400, 403)
HEALTH_PAGE = _table(HEALTH, 200, 403)
HEALTH_FORM = _table(HEALTH, 400, 403)

ROUTES: dict = {
    "health:centre": (_centre, SETUP_PAGE),
    "health:packages": (_centre, SETUP_PAGE),
    "health:package_edit": (_package, SETUP_PAGE),
    "health:team": (_team, SETUP_PAGE),
    "health:team_poster": (_team, SETUP_PAGE),
    "health:team_token_replace": (_team, everyone(405)),
    "health:team_members": (_team, everyone(405)),
    "health:contracts": (_none, HEALTH_PAGE),
    "health:contract_new": (_none, HEALTH_PAGE),
    "health:contracts_ledger": (_none, _table(EXPORTERS, 200, 403)),
    "health:contract": (_contract, HEALTH_PAGE),
    "health:contract_confirm": (_contract, everyone(405)),
    "health:contract_decline": (_contract, everyone(405)),
    "health:contract_renew": (_contract, everyone(405)),
    "health:contract_change": (_contract, everyone(405)),
    "health:contract_end": (_contract, everyone(405)),
    "health:join": (_token, everyone(200, anonymous=200)),
}

POST_ROUTES: dict = {
    # No team name or grids: said so, nothing written.
    "health:centre": SETUP_FORM,
    "health:packages": SETUP_FORM,
    "health:package_edit": SETUP_FORM,
    "health:team": SETUP_FORM,
    "health:team_poster": everyone(405),
    # A new code needs no field: the old poster retires (tests/healthcentre/contracts).
    "health:team_token_replace": _table(MANAGERS, 302, 403),
    "health:team_members": SETUP_FORM,
    "health:contracts": everyone(405),
    # No resident chosen: said so, nothing written.
    "health:contract_new": HEALTH_FORM,
    "health:contracts_ledger": everyone(405),
    "health:contract": everyone(405),
    # Confirming needs no field: the team's one tap.
    "health:contract_confirm": _table(HEALTH, 302, 403),
    # No reason given: said so.
    "health:contract_decline": HEALTH_FORM,
    # The contract awaits the team: only an active one is renewed.
    "health:contract_renew": HEALTH_FORM,
    # It awaits the team, and no team is chosen.
    "health:contract_change": HEALTH_FORM,
    "health:contract_end": HEALTH_FORM,
    # No name or number: said so.
    "health:join": everyone(400, anonymous=400),
}
