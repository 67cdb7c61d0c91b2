"""The resident registry over the API: thin handlers over selectors and services."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router, Status

from shoumen.api.responses import error_responses, too_many_requests
from shoumen.lib.dates import today
from shoumen.places.models import Level, OrgUnit
from shoumen.places.selectors import org_units_visible_to
from shoumen.registry import selectors
from shoumen.registry.household_services import household_create
from shoumen.registry.limits import document_search_missed, document_search_refused
from shoumen.registry.schemas import (
    MAX_ID,
    HouseholdDetailOut,
    HouseholdFiltersIn,
    HouseholdIn,
    HouseholdOut,
    HouseholdPage,
    PersonFieldsIn,
    PersonFiltersIn,
    PersonIn,
    PersonOut,
    PersonPage,
    RevealIn,
    RevealOut,
)
from shoumen.registry.services import (
    person_document_search_record,
    person_register,
    person_reveal,
    person_update,
)

ERR_UNKNOWN_UNIT = _("There is no org unit with this code in your jurisdiction.")
ERR_UNKNOWN_GRID = _("There is no grid with this code in your jurisdiction.")
ERR_UNKNOWN_HOUSEHOLD = _("There is no such household in your jurisdiction.")
ERR_UNKNOWN_BUILDING = _("There is no such building in your jurisdiction.")

router = Router(tags=["registry"])
PathId = Path(..., ge=1, le=MAX_ID)


def _unit_by_code(actor, code: str, *, field: str, grid_only: bool = False) -> OrgUnit:
    units = org_units_visible_to(actor)
    if grid_only:
        units = units.filter(level=Level.GRID)
    unit = units.filter(code=code).first()
    if unit is None:
        raise ValidationError({field: [ERR_UNKNOWN_GRID if grid_only else ERR_UNKNOWN_UNIT]})
    return unit


def _page(qs, filters, convert) -> dict:
    start = filters.offset
    items = qs[start : start + filters.limit]
    return {"items": [convert(obj) for obj in items], "count": qs.count()}


# ---------------------------------------------------------------- persons


def _persons_page(request, response: HttpResponse, filters: PersonFiltersIn):
    actor = request.auth
    unit = _unit_by_code(actor, filters.org_unit, field="org_unit") if filters.org_unit else None
    qs = selectors.persons_search(
        actor,
        selectors.PersonFilters(
            q=filters.q, org_unit=unit, tag=filters.tag or "", status=filters.status
        ),
    )
    if selectors.document_number_query(filters.q) and filters.offset == 0:
        # Audited, and limited when such searches keep finding nobody (registry.limits).
        seconds = document_search_refused(request)
        if seconds:
            response["Retry-After"] = str(seconds)
            return too_many_requests(seconds)
        found = list(qs[:2])
        person_document_search_record(actor=actor, found=found)
        if not found:
            document_search_missed(request)
    day = today()
    return _page(qs, filters, lambda p: PersonOut.from_person(p, day))


@router.get(
    "/persons",
    response={200: PersonPage, **error_responses(401, 422, 429)},
    summary="Search persons",
    description="Search terms in a URL may be kept in proxy logs: send a name or an ID "
    "number with POST /persons/search instead.",
)
def persons_list(request, response: HttpResponse, filters: Query[PersonFiltersIn]):
    return _persons_page(request, response, filters)


@router.post(
    "/persons/search",
    response={200: PersonPage, **error_responses(400, 401, 403, 422, 429)},
    summary="Search persons, the terms in the body",
    description="As GET /persons, with the filters in the body so that no name or ID number "
    "appears in a URL. A whole ID number finds its person exactly; such a search is audited.",
)
def persons_search(request, response: HttpResponse, filters: PersonFiltersIn):
    return _persons_page(request, response, filters)


@router.post(
    "/persons",
    response={201: PersonOut, **error_responses(400, 401, 403, 409, 422)},
    summary="Register a person in a household",
    openapi_extra={"responses": {409: {"description": "The document number is registered"}}},
)
def persons_create(request, payload: PersonIn):
    actor = request.auth
    household = selectors.households_visible_to(actor).filter(pk=payload.household).first()
    if household is None:
        raise ValidationError({"household": [ERR_UNKNOWN_HOUSEHOLD]})
    values = payload.dict(exclude={"household"}, exclude_none=True)
    person = person_register(actor=actor, household=household, **values)
    return Status(201, PersonOut.from_person(selectors.person_for(actor, pk=person.pk)))


@router.get(
    "/persons/{id}",
    response={200: PersonOut, **error_responses(401, 404, 422)},
    summary="One person",
)
def persons_detail(request, id: int = PathId):
    return PersonOut.from_person(selectors.person_for(request.auth, pk=id))


@router.patch(
    "/persons/{id}",
    response={200: PersonOut, **error_responses(400, 401, 403, 404, 409, 422)},
    summary="Change some of a person's fields",
)
def persons_update(request, payload: PersonFieldsIn, id: int = PathId):
    actor = request.auth
    person = selectors.person_for(actor, pk=id)
    person = person_update(actor=actor, person=person, **payload.dict(exclude_unset=True))
    return PersonOut.from_person(person)


@router.post(
    "/persons/{id}/reveal",
    response={200: RevealOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Reveal a person's ID number or phone (audited, a reason is required)",
)
def persons_reveal(request, response: HttpResponse, payload: RevealIn, id: int = PathId):
    actor = request.auth
    person = selectors.person_for(actor, pk=id)
    value = person_reveal(actor=actor, person=person, field=payload.field, reason=payload.reason)
    add_never_cache_headers(response)  # the plaintext must not stay in any cache
    return {"field": payload.field, "value": value}


# ---------------------------------------------------------------- households


def _household_out(household) -> dict:
    return HouseholdOut.from_household(household)


@router.get(
    "/households",
    response={200: HouseholdPage, **error_responses(401, 422)},
    summary="List households",
)
def households_list(request, filters: Query[HouseholdFiltersIn]):
    actor = request.auth
    qs = selectors.households_visible_to(actor)
    if filters.grid:
        qs = qs.filter(grid=_unit_by_code(actor, filters.grid, field="grid", grid_only=True))
    if filters.q:
        qs = qs.filter(door_number=filters.q.strip())
    qs = qs.select_related("building", "grid", "head").order_by("grid__path", "id")
    return _page(qs, filters, _household_out)


@router.post(
    "/households",
    response={201: HouseholdOut, **error_responses(400, 401, 403, 422)},
    summary="Create a household",
)
def households_create(request, payload: HouseholdIn):
    actor = request.auth
    grid = _unit_by_code(actor, payload.grid, field="grid", grid_only=True)
    building = None
    if payload.building is not None:
        building = selectors.buildings_visible_to(actor).filter(pk=payload.building).first()
        if building is None:
            raise ValidationError({"building": [ERR_UNKNOWN_BUILDING]})
    household = household_create(
        actor=actor,
        grid=grid,
        building=building,
        address=payload.address,
        unit=payload.unit,
        door_number=payload.door_number,
    )
    return Status(201, _household_out(selectors.household_for(actor, pk=household.pk)))


@router.get(
    "/households/{id}",
    response={200: HouseholdDetailOut, **error_responses(401, 404, 422)},
    summary="One household",
)
def households_detail(request, id: int = PathId):
    household = selectors.household_for(request.auth, pk=id)
    members = selectors.household_members(household).select_related("grid")
    day = today()
    return {
        **_household_out(household),
        "members": [PersonOut.from_person(p, day) for p in members],
    }
