"""Schools, classes, pupils and class checks over the API: thin handlers over selectors
and the check service. Permission first (403 for a role without it anywhere), then scope
(404 for a school, class or pupil outside the caller's jurisdiction)."""

from ninja import Path, Query, Router, Status

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.api.responses import error_responses
from shoumen.registry.schemas import MAX_ID
from shoumen.schools import check_selectors
from shoumen.schools.check_services import SessionAlreadyChecked, class_check_submit
from shoumen.schools.config import sessions_of
from shoumen.schools.schemas_checks import (
    ClassCheckIn,
    ClassCheckOut,
    ClassPage,
    ListPage,
    PupilOut,
    PupilPage,
    SchoolOut,
    SchoolPage,
    class_out,
)
from shoumen.schools.selectors import class_for

router = Router(tags=["schools"])
PathId = Path(..., ge=1, le=MAX_ID)


def _page(qs, page: ListPage, convert) -> dict:
    start = page.offset
    return {"items": [convert(o) for o in qs[start : start + page.limit]], "count": qs.count()}


@router.get(
    "/schools",
    response={200: SchoolPage, **error_responses(401, 403, 422)},
    summary="List the schools in your jurisdiction",
)
def schools_list(request, page: Query[ListPage]):
    actor = request.auth
    require_somewhere(actor, Perm.VIEW_SCHOOLS)
    qs = check_selectors.schools_seen_by(actor)
    return _page(qs, page, SchoolOut.of)


@router.get(
    "/schools/{id}/classes",
    response={200: ClassPage, **error_responses(401, 403, 404, 422)},
    summary="List a school's classes (those in your jurisdiction)",
)
def school_classes(request, page: Query[ListPage], id: int = PathId):
    actor = request.auth
    require_somewhere(actor, Perm.VIEW_SCHOOLS)
    school = check_selectors.school_seen_by(actor, id)
    classes = check_selectors.school_classes(actor, school)
    items = classes[page.offset : page.offset + page.limit]
    return {
        "items": [class_out(k, sessions_of(k), getattr(k, "roll", 0)) for k in items],
        "count": len(classes),
    }


@router.get(
    "/classes/{id}/pupils",
    response={200: PupilPage, **error_responses(401, 403, 404, 422)},
    summary="List a class's pupils on the roll (ID numbers masked, age not birth date)",
)
def class_pupils(request, page: Query[ListPage], id: int = PathId):
    actor = request.auth
    require_somewhere(actor, Perm.VIEW_SCHOOLS)
    klass = class_for(actor, id)
    pupils = check_selectors.roster(actor, klass)
    items = pupils[page.offset : page.offset + page.limit]
    return {"items": [PupilOut.of(p) for p in items], "count": len(pupils)}


@router.post(
    "/class-checks",
    response={
        200: ClassCheckOut,
        201: ClassCheckOut,
        **error_responses(400, 401, 403, 404, 409, 422),
    },
    summary="Submit a class's check of one session (201 new; 200 replay of the same client_uuid)",
    description="Empty absences and symptomatic: the class's zero report for the session. "
    "409 when the session already has a check sent with another client_uuid.",
)
def class_checks_create(request, payload: ClassCheckIn):
    actor = request.auth
    require_somewhere(actor, Perm.RECORD_CLASS_CHECKS)
    klass = class_for(actor, payload.class_id, Perm.RECORD_CLASS_CHECKS)
    try:
        check, created = class_check_submit(
            actor=actor,
            client_uuid=payload.client_uuid,
            klass=klass,
            date=payload.date,
            session=payload.session,
            present=payload.present,
            absences=[row.dict() for row in payload.absences],
            symptomatic=[row.dict() for row in payload.symptomatic],
        )
    except SessionAlreadyChecked as exc:
        return Status(409, {"detail": str(exc.messages[0]), "existing_id": exc.existing.pk})
    return Status(201 if created else 200, ClassCheckOut.of(check))
