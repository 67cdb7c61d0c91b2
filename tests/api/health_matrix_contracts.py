"""The family doctor contracts API, merged into test_api_matrix: OPERATIONS, QUERIES and
PATH_IDS.

Contracts are for the health roles of the communities (the doctor, the nurse, the
manager, the admin); everyone else 403, officers included. The nurse is on team A (单明's
and 曾丽's team): she signs and confirms there, but team B's contract (王刚's, in its last
days) she may not renew, managing no contracts."""

import datetime
import uuid

from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
HEALTH = {"admin_user", "family_doctor", "centre_nurse", "centre_manager"}
SIGN_UUID = uuid.UUID("7d2a3f4e-9c6b-4a55-9c83-4b5e6f708192")


def _table(inside: set[str], ok: int, other: int, **by: int) -> dict[str, int]:
    table = {p: (ok if p in inside else other) for p in PERSONAS}
    table.update(by)
    table[ANONYMOUS] = 401
    return table


def _shan_contract(w) -> int:
    """单明's request to team A from its QR page (confirmed by an earlier operation)."""
    from shoumen.healthcentre.contract_services import contract_request
    from shoumen.healthcentre.models import Contract

    existing = Contract.objects.filter(person=w.shan, status__in=["pending", "active"]).first()
    return (existing or contract_request(team=w.team_a, person=w.shan)[0]).pk


def _ending_contract(w) -> int:
    """王刚's contract with team B, active and ending in ten days."""
    from shoumen.healthcentre.contract_services import contract_confirm, contract_sign
    from shoumen.healthcentre.models import Contract
    from shoumen.lib.dates import today

    contract, _ = contract_sign(actor=w.centre_manager, person=w.neighbour, team=w.team_b)
    contract_confirm(actor=w.centre_manager, contract=contract)
    day = today()
    Contract.objects.filter(pk=contract.pk).update(
        starts_on=day - datetime.timedelta(days=355), ends_on=day + datetime.timedelta(days=10)
    )
    return contract.pk


def _sign(w):
    return {"client_uuid": str(SIGN_UUID), "person": w.zeng.pk, "team": w.team_a.pk}


OPERATIONS: dict = {
    ("GET", "/health-centre/contracts"): (lambda w: None, _table(HEALTH, 200, 403)),
    ("POST", "/health-centre/contracts"): (_sign, _table(HEALTH, 201, 403)),
    ("GET", "/health-centre/contracts/{id}"): (lambda w: None, _table(HEALTH, 200, 403)),
    ("POST", "/health-centre/contracts/{id}/confirm"): (
        lambda w: None,
        _table(HEALTH, 200, 403),
    ),
    ("POST", "/health-centre/contracts/{id}/renew"): (
        lambda w: {},
        _table(HEALTH - {"centre_nurse"}, 200, 403),
    ),
    ("POST", "/health-centre/contracts/{id}/end"): (
        lambda w: {"reason": "搬离本社区"},
        _table(HEALTH, 200, 403),
    ),
}
QUERIES: dict = {}
PATH_IDS: dict = {
    "/health-centre/contracts/{id}": _shan_contract,
    "/health-centre/contracts/{id}/confirm": _shan_contract,
    "/health-centre/contracts/{id}/renew": _ending_contract,
    "/health-centre/contracts/{id}/end": _shan_contract,
}
