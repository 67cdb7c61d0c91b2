"""The resident services API: service requests and their assignment, done and confirm.

A request out of the caller's reach is a 404; asking, assigning and confirming need
``manage_services`` (403 for a role without it anywhere); marking done is also for the
assigned volunteer's or cadre's login."""

import uuid

from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router, Status

from shoumen.accounts.models import User
from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.api.responses import error_responses
from shoumen.lib.errors import deny
from shoumen.registry.models import Volunteer
from shoumen.registry.schemas import MAX_ID
from shoumen.registry.selectors import person_for
from shoumen.services import selectors
from shoumen.services.models import Door, Kind, RequestStatus
from shoumen.services.schemas import (
    ServiceAssignIn,
    ServiceDoneIn,
    ServiceRequestFiltersIn,
    ServiceRequestIn,
    ServiceRequestOut,
    ServiceRequestPage,
)
from shoumen.services.services import (
    ERR_ASSIGNEE,
    ERR_CADRE,
    ERR_VOLUNTEER,
    can_mark_done,
    request_assign,
    request_confirm,
    request_create,
    request_done,
)

ERR_STATUS = _("Status: one of new, assigned, done, confirmed, cancelled, open or all.")
ERR_FILTER_KIND = _("Kind: one of groceries, medicine, doctor, transport, psychological, other.")

router = Router(tags=["services"])
PathId = Path(..., ge=1, le=MAX_ID)


def _field_error(field: str, message) -> Status:
    return Status(422, {"detail": str(message), "errors": {field: [str(message)]}})


def _out(actor, pk: int) -> ServiceRequestOut:
    return ServiceRequestOut.of(selectors.request_for(actor, pk))


@router.get(
    "/service-requests",
    response={200: ServiceRequestPage, **error_responses(401, 403, 422)},
    summary="List the service requests in your jurisdiction (open ones by default)",
)
def requests_list(request, filters: Query[ServiceRequestFiltersIn]):
    actor = request.auth
    require_somewhere(actor, Perm.MANAGE_SERVICES)
    status = "" if filters.status == "open" else filters.status
    if status and status != "all" and status not in RequestStatus.values:
        return _field_error("status", ERR_STATUS)
    if filters.kind and filters.kind not in Kind.values:
        return _field_error("kind", ERR_FILTER_KIND)
    qs = selectors.requests_list(actor, status=status, kind=filters.kind, overdue=filters.overdue)
    items = qs[filters.offset : filters.offset + filters.limit]
    return {"items": [ServiceRequestOut.of(r) for r in items], "count": qs.count()}


@router.post(
    "/service-requests",
    response={
        200: ServiceRequestOut,
        201: ServiceRequestOut,
        **error_responses(400, 401, 403, 404, 422),
    },
    summary="Record a service request for a resident, as a call taken (201 new; 200 replay)",
)
def requests_create(request, payload: ServiceRequestIn):
    actor = request.auth
    require_somewhere(actor, Perm.MANAGE_SERVICES)
    person = person_for(actor, pk=payload.person, perm=Perm.MANAGE_SERVICES)
    req, created = request_create(
        actor=actor,
        door=Door.CALL,
        kind=payload.kind,
        urgency=payload.urgency,
        note=payload.note,
        person=person,
        client_uuid=payload.client_uuid or uuid.uuid4(),
    )
    return Status(201 if created else 200, _out(actor, req.pk))


@router.post(
    "/service-requests/{id}/assign",
    response={200: ServiceRequestOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Give a request to a volunteer of its community (or to staff as cadre)",
)
def requests_assign(request, payload: ServiceAssignIn, id: int = PathId):
    actor = request.auth
    req = selectors.request_for(actor, id)
    require_somewhere(actor, Perm.MANAGE_SERVICES)
    if (payload.volunteer is None) == (payload.cadre is None):
        return _field_error("volunteer", ERR_ASSIGNEE)
    volunteer = cadre = None
    if payload.volunteer is not None:
        volunteer = Volunteer.objects.filter(pk=payload.volunteer).first()
        if volunteer is None:
            return _field_error("volunteer", ERR_VOLUNTEER)
    else:
        cadre = User.objects.filter(pk=payload.cadre or 0, is_active=True).first()
        if cadre is None:
            return _field_error("cadre", ERR_CADRE)
    request_assign(actor=actor, request=req, volunteer=volunteer, cadre=cadre)
    return _out(actor, req.pk)


@router.post(
    "/service-requests/{id}/done",
    response={200: ServiceRequestOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Mark a request delivered, saying what was brought (again: no change)",
)
def requests_done(request, payload: ServiceDoneIn, id: int = PathId):
    actor = request.auth
    req = selectors.request_for(actor, id)
    if not can_mark_done(actor, req):
        raise deny()
    request_done(actor=actor, request=req, note=payload.note)
    return _out(actor, req.pk)


@router.post(
    "/service-requests/{id}/confirm",
    response={200: ServiceRequestOut, **error_responses(401, 403, 404, 422)},
    summary="Confirm a delivery as received, on the resident's word (again: no change)",
)
def requests_confirm(request, id: int = PathId):
    actor = request.auth
    req = selectors.request_for(actor, id)
    require_somewhere(actor, Perm.MANAGE_SERVICES)
    request_confirm(actor=actor, request=req)
    return _out(actor, req.pk)
