"""Swaps over the API: ask (idempotent on client_uuid), approve or refuse, list. A shift or
swap out of the caller's reach is a 404; deciding and listing need ``manage_duty`` (403
for a role without it anywhere)."""

from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router, Status

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere, scope_q
from shoumen.api.responses import error_responses
from shoumen.duty import swap_selectors
from shoumen.duty.models import Assignment, DutyPerson, SwapStatus
from shoumen.duty.schemas_swaps import SwapFiltersIn, SwapIn, SwapOut, SwapPage
from shoumen.duty.swap_services import (
    ERR_PARTNER_ELSEWHERE,
    ERR_PARTNER_SHIFT,
    swap_approve,
    swap_refuse,
    swap_request,
)
from shoumen.places.models import OrgUnit
from shoumen.registry.schemas import MAX_ID

ERR_STATUS = _("Status: one of pending, approved, refused, withdrawn.")

router = Router(tags=["duty"])
PathId = Path(..., ge=1, le=MAX_ID)


def _field_error(field: str, message) -> Status:
    return Status(422, {"detail": str(message), "errors": {field: [str(message)]}})


@router.post(
    "/duty/swaps",
    response={200: SwapOut, 201: SwapOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Ask to hand a shift to a colleague, or to exchange it (201 new; 200 replay)",
    description="By the person on the shift or community staff; only shifts still to come "
    "of a published roster. Staff decide with /approve or /refuse.",
)
def swaps_create(request, payload: SwapIn):
    actor = request.auth
    assignment = swap_selectors.assignment_for(actor, payload.assignment)
    partner = DutyPerson.objects.filter(pk=payload.partner).first()
    if partner is None:
        return _field_error("partner", ERR_PARTNER_ELSEWHERE)
    theirs = None
    if payload.partner_assignment is not None:
        theirs = Assignment.objects.filter(pk=payload.partner_assignment).first()
        if theirs is None:
            return _field_error("partner_assignment", ERR_PARTNER_SHIFT)
    swap, created = swap_request(
        actor=actor,
        assignment=assignment,
        partner=partner,
        partner_assignment=theirs,
        reason=payload.reason,
        client_uuid=payload.client_uuid,
    )
    return Status(201 if created else 200, SwapOut.of(swap_selectors.swap_for(actor, swap.pk)))


@router.post(
    "/duty/swaps/{id}/approve",
    response={200: SwapOut, **error_responses(401, 403, 404, 422)},
    summary="Approve a swap: applied if every hard rule still holds, else refused",
    description="The answer's status says which: approved (the shifts changed hands) or "
    "refused, with the rules the swap would break in problems.",
)
def swaps_approve(request, id: int = PathId):
    actor = request.auth
    swap = swap_selectors.swap_for(actor, id)
    require_somewhere(actor, Perm.MANAGE_DUTY)
    swap = swap_approve(actor=actor, swap=swap)
    return SwapOut.of(swap_selectors.swap_for(actor, swap.pk))


@router.post(
    "/duty/swaps/{id}/refuse",
    response={200: SwapOut, **error_responses(401, 403, 404, 422)},
    summary="Refuse a swap",
)
def swaps_refuse(request, id: int = PathId):
    actor = request.auth
    swap = swap_selectors.swap_for(actor, id)
    require_somewhere(actor, Perm.MANAGE_DUTY)
    swap = swap_refuse(actor=actor, swap=swap)
    return SwapOut.of(swap_selectors.swap_for(actor, swap.pk))


@router.get(
    "/duty/swaps",
    response={200: SwapPage, **error_responses(401, 403, 404, 422)},
    summary="List the swaps of the communities you manage, newest first",
)
def swaps_list(request, filters: Query[SwapFiltersIn]):
    actor = request.auth
    require_somewhere(actor, Perm.MANAGE_DUTY)
    unit = None
    if filters.unit:
        unit = OrgUnit.objects.filter(scope_q(actor, Perm.MANAGE_DUTY, "path")).get(
            code=filters.unit
        )
    qs = swap_selectors.swaps_under(actor, unit)
    if filters.status:
        if filters.status not in SwapStatus.values:
            return _field_error("status", ERR_STATUS)
        qs = qs.filter(status=filters.status)
    items = qs[filters.offset : filters.offset + filters.limit]
    return {"items": [SwapOut.of(s) for s in items], "count": qs.count()}
