"""The volunteers API: the one volunteer registry, read and added to. Permission first (403
for a role that manages volunteers nowhere), then scope (404 for a community outside the
caller's jurisdiction). Adding is idempotent on client_uuid: 201 new, 200 replay. Phones
leave masked only."""

from django.core.exceptions import ValidationError
from ninja import Query, Router, Status

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.api.responses import error_responses
from shoumen.lib.text import free_text
from shoumen.registry.volunteer_services import (
    ERR_UUID_OTHER,
    volunteer_by_client_uuid,
    volunteer_register,
)
from shoumen.services import volunteer_selectors as sel
from shoumen.services.volunteer_schemas import (
    VolunteerIn,
    VolunteerListIn,
    VolunteerOut,
    VolunteerPage,
)

router = Router(tags=["volunteers"])


@router.get(
    "/volunteers",
    response={200: VolunteerPage, **error_responses(401, 403, 404, 422)},
    summary="List the volunteers of the communities you manage (phones masked)",
)
def volunteers_list(request, filters: Query[VolunteerListIn]):
    actor = request.auth
    require_somewhere(actor, Perm.MANAGE_VOLUNTEERS)
    qs = sel.volunteers_visible_to(actor).select_related("community")
    if filters.unit:
        community = sel.community_by_code_or_id(actor, filters.unit)
        qs = sel.volunteers_of(
            community,
            team=filters.team or "",
            status=filters.status or "",
            party=filters.party,
        ).select_related("community")
    else:
        if filters.team:
            qs = qs.filter(teams__icontains=f'"{filters.team}"')
        if filters.status:
            qs = qs.filter(status=filters.status)
        if filters.party:
            qs = qs.filter(is_party_member=True)
        qs = qs.order_by("community__path", "status", "name", "pk")
    start = filters.offset
    items = [VolunteerOut.of(v) for v in qs[start : start + filters.limit]]
    return {"items": items, "count": qs.count()}


def _replay(actor, payload: VolunteerIn):
    """The volunteer an earlier request with this client_uuid added, if any."""
    existing = volunteer_by_client_uuid(payload.client_uuid)
    if existing is None:
        return None
    found = sel.volunteers_visible_to(actor).filter(pk=existing.pk).select_related("community")
    volunteer = found.first()
    if volunteer is None or volunteer.name != free_text(payload.name):
        raise ValidationError({"client_uuid": [ERR_UUID_OTHER]})
    return volunteer


@router.post(
    "/volunteers",
    response={
        200: VolunteerOut,
        201: VolunteerOut,
        **error_responses(400, 401, 403, 404, 422),
    },
    summary="Add a volunteer, approved (201 new; 200 replay of the same client_uuid)",
    description="422 with errors.phone when a volunteer of the community has the phone.",
)
def volunteers_create(request, payload: VolunteerIn):
    actor = request.auth
    require_somewhere(actor, Perm.MANAGE_VOLUNTEERS)
    community = sel.community_by_code_or_id(actor, payload.community)
    replayed = _replay(actor, payload)
    if replayed is not None:
        return Status(200, VolunteerOut.of(replayed))
    values = payload.dict(exclude={"community", "client_uuid"})
    try:
        volunteer = volunteer_register(
            actor=actor, community=community, client_uuid=payload.client_uuid, **values
        )
    except ValidationError:
        # The same request sent at the same moment: the one that got in answers the rest.
        replayed = _replay(actor, payload)
        if replayed is not None:
            return Status(200, VolunteerOut.of(replayed))
        raise
    return Status(201, VolunteerOut.of(sel.volunteer_for(actor, volunteer.pk)))
