"""Re-solving a published roster around a sick call over the API: start it from the sick
call's shift (201 started; 200 the one running or ready), read it, apply or discard it.
Community staff only: the person on the shift gets 403, a shift or re-solve out of reach
404."""

from ninja import Path, Router, Status

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.api.responses import error_responses
from shoumen.duty import resolve_selectors, swap_selectors
from shoumen.duty.resolve_services import (
    roster_resolve_apply,
    roster_resolve_discard,
    roster_resolve_start,
)
from shoumen.duty.schemas_resolves import ResolveOut
from shoumen.duty.swap_people import manages
from shoumen.lib.errors import deny
from shoumen.registry.schemas import MAX_ID

router = Router(tags=["duty"])
PathId = Path(..., ge=1, le=MAX_ID)


@router.post(
    "/duty/shifts/{id}/resolve",
    response={200: ResolveOut, 201: ResolveOut, **error_responses(401, 403, 404, 422)},
    summary="Re-solve the roster around a sick call, keeping every other shift it can",
    description="Runs in the background within SHOUMEN_DUTY_RESOLVE_SECONDS; read it until "
    "its status is no longer solving. 201 started; 200 a re-solve of the roster already "
    "running, or one ready for the roster as it is.",
)
def resolve_create(request, id: int = PathId):
    actor = request.auth
    assignment = swap_selectors.assignment_for(actor, id)
    if not manages(actor, assignment):
        raise deny()
    resolve, started = roster_resolve_start(actor=actor, assignment=assignment)
    return Status(201 if started else 200, ResolveOut.of(resolve))


def _resolve(actor, pk: int):
    require_somewhere(actor, Perm.MANAGE_DUTY)
    return resolve_selectors.resolve_for(actor, pk)


@router.get(
    "/duty/resolves/{id}",
    response={200: ResolveOut, **error_responses(401, 403, 404, 422)},
    summary="A re-solve: its status and the shifts that would change hands",
)
def resolve_get(request, id: int = PathId):
    return ResolveOut.of(_resolve(request.auth, id))


@router.post(
    "/duty/resolves/{id}/apply",
    response={200: ResolveOut, **error_responses(401, 403, 404, 422)},
    summary="Apply a re-solve's changes: applied, or outdated if the roster changed since",
)
def resolve_apply(request, id: int = PathId):
    actor = request.auth
    return ResolveOut.of(roster_resolve_apply(actor=actor, resolve=_resolve(actor, id)))


@router.post(
    "/duty/resolves/{id}/discard",
    response={200: ResolveOut, **error_responses(401, 403, 404, 422)},
    summary="Discard a re-solve; the roster stays as it was",
)
def resolve_discard(request, id: int = PathId):
    actor = request.auth
    return ResolveOut.of(roster_resolve_discard(actor=actor, resolve=_resolve(actor, id)))
