"""The health centre API: family doctor contracts.

Listing and reading need ``view_health_records`` (403 without it anywhere: officers see
indicators only); a contract outside the caller's communities is a 404. Signing,
confirming, renewing and ending need to be on the team or to manage contracts over the
resident (403). Signing is idempotent on ``client_uuid``."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router, Status

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.api.responses import error_responses
from shoumen.healthcentre import contract_selectors as sel
from shoumen.healthcentre.contract_schemas import (
    ContractEndIn,
    ContractFiltersIn,
    ContractIn,
    ContractOut,
    ContractPage,
    ContractRenewIn,
)
from shoumen.healthcentre.contract_services import (
    contract_confirm,
    contract_end,
    contract_renew,
    contract_sign,
)
from shoumen.healthcentre.models import ContractStatus
from shoumen.healthcentre.resident_selectors import resident_for
from shoumen.registry.schemas import MAX_ID

ERR_STATUS = _("Status: a contract status, open or all.")
ERR_TEAM = _("Team: a team of your centre.")

router = Router(tags=["health-centre"])
PathId = Path(..., ge=1, le=MAX_ID)


def _out(actor, pk: int) -> ContractOut:
    return ContractOut.of(sel.contract_for(actor, pk))


def _contract(actor, pk: int):
    require_somewhere(actor, Perm.VIEW_HEALTH_RECORDS)
    return sel.contract_for(actor, pk)


@router.get(
    "/contracts",
    response={200: ContractPage, **error_responses(401, 403, 422)},
    summary="List the family doctor contracts of your communities (open ones by default)",
)
def contracts_list(request, filters: Query[ContractFiltersIn]):
    actor = request.auth
    require_somewhere(actor, Perm.VIEW_HEALTH_RECORDS)
    status = "" if filters.status == "open" else filters.status
    if status and status != "all" and status not in ContractStatus.values:
        raise ValidationError({"status": [ERR_STATUS]})
    qs = sel.contracts_list(
        actor, sel.ContractFilters(status=status, team=filters.team, ending=filters.ending)
    ).prefetch_related("packages")
    items = qs[filters.offset : filters.offset + filters.limit]
    return {"items": [ContractOut.of(c) for c in items], "count": qs.count()}


@router.post(
    "/contracts",
    response={200: ContractOut, 201: ContractOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Sign a resident up with a team (201 new; 200 replay of the same client UUID)",
)
def contracts_sign(request, payload: ContractIn):
    actor = request.auth
    require_somewhere(actor, Perm.VIEW_HEALTH_RECORDS)
    person = resident_for(actor, payload.person, Perm.VIEW_HEALTH_RECORDS)
    team = next((t for t in sel.teams_for_contracts(actor) if t.pk == payload.team), None)
    if team is None:
        raise ValidationError({"team": [ERR_TEAM]})
    contract, created = contract_sign(
        actor=actor,
        person=person,
        team=team,
        packages=payload.packages,
        client_uuid=payload.client_uuid,
    )
    return Status(201 if created else 200, _out(actor, contract.pk))


@router.get(
    "/contracts/{id}",
    response={200: ContractOut, **error_responses(401, 403, 404, 422)},
    summary="One contract",
)
def contracts_get(request, id: int = PathId):
    return ContractOut.of(_contract(request.auth, id))


@router.post(
    "/contracts/{id}/confirm",
    response={200: ContractOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Confirm a contract awaiting the team: active from today for one term",
)
def contracts_confirm(request, id: int = PathId):
    actor = request.auth
    contract = contract_confirm(actor=actor, contract=_contract(actor, id))
    return _out(actor, contract.pk)


@router.post(
    "/contracts/{id}/renew",
    response={200: ContractOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Renew an active contract in its last days: answers the new term's contract",
)
def contracts_renew(request, payload: ContractRenewIn, id: int = PathId):
    actor = request.auth
    new = contract_renew(actor=actor, contract=_contract(actor, id), packages=payload.packages)
    return _out(actor, new.pk)


@router.post(
    "/contracts/{id}/end",
    response={200: ContractOut, **error_responses(400, 401, 403, 404, 422)},
    summary="End an active contract (or cancel one awaiting the team)",
)
def contracts_end(request, payload: ContractEndIn, id: int = PathId):
    actor = request.auth
    contract = contract_end(actor=actor, contract=_contract(actor, id), reason=payload.reason)
    return _out(actor, contract.pk)
