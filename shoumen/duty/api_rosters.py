"""Duty rosters over the API.

``POST /duty/rosters``: start solving a community's roster (201; 200 when the period's
solve is already running, which answers). ``GET /duty/rosters/{id}``: its status,
progress, figures, shortfalls and shifts (aware times). ``POST /duty/rosters/{id}/publish``.
``GET /duty/rosters?unit=``: the rosters one manages, newest period first, paginated.

No duty to manage anywhere is a 403; a community or roster outside the caller's
jurisdiction a 404."""

from ninja import Path, Query, Router, Status

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.api.responses import error_responses
from shoumen.duty.models import Roster
from shoumen.duty.roster_selectors import duty_units_of
from shoumen.duty.roster_services import roster_publish, roster_solve_start
from shoumen.duty.schemas_rosters import (
    RosterFiltersIn,
    RosterOut,
    RosterPage,
    RosterSolveIn,
)
from shoumen.duty.selectors import roster_for, rosters_visible_to
from shoumen.places.models import OrgUnit
from shoumen.registry.schemas import MAX_ID

router = Router(tags=["duty"])
PathId = Path(..., ge=1, le=MAX_ID)

FIGURES = (
    "nights_gap",
    "weekends_gap",
    "holidays_gap",
    "preference_violations",
    "changes",
    "objective",
    "bound",
    "seconds",
)


def _summary(roster: Roster) -> dict:
    return {
        "id": roster.pk,
        "unit": roster.community.code,
        "starts_on": roster.starts_on,
        "ends_on": roster.ends_on,
        "status": roster.status,
        "message": roster.message,
        "created_at": roster.created_at,
        "published_at": roster.published_at,
    }


def _out(roster: Roster) -> dict:
    rows = roster.assignments.select_related("shift__post", "person").order_by(
        "starts_at", "shift__post__name", "person__name", "pk"
    )
    figures = roster.figures or {}
    return {
        **_summary(roster),
        "time_limit_seconds": roster.time_limit_seconds,
        "progress": [
            {k: p.get(k) for k in ("objective", "bound", "seconds")}
            for p in roster.progress or []
            if isinstance(p, dict)
        ],
        "figures": {k: figures.get(k) for k in FIGURES},
        "shortfalls": roster.shortfalls or [],
        "assignments": [
            {
                "id": a.pk,
                "post": a.shift.post_id,
                "post_name": a.shift.post.name,
                "date": a.date,
                "shift": a.shift.code,
                "shift_label": a.shift.label,
                "person": a.person_id,
                "person_name": a.person.name,
                "starts_at": a.starts_at,
                "ends_at": a.ends_at,
                "absent": a.absent,
                "source": a.source,
                "fixed": a.fixed,
            }
            for a in rows
        ],
    }


def _community(actor, code: str) -> OrgUnit:
    return duty_units_of(actor).get(code=code)


@router.post(
    "/duty/rosters",
    response={200: RosterOut, 201: RosterOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Start solving a community's roster (201; 200: the period's solve already running)",
)
def roster_create(request, payload: RosterSolveIn):
    actor = request.auth
    require_somewhere(actor, Perm.MANAGE_DUTY)
    community = _community(actor, payload.unit)
    roster, started = roster_solve_start(
        actor=actor,
        community=community,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        time_limit_seconds=payload.time_limit_seconds,
    )
    roster = Roster.objects.select_related("community").get(pk=roster.pk)
    return Status(201 if started else 200, _out(roster))


@router.get(
    "/duty/rosters",
    response={200: RosterPage, **error_responses(401, 403, 404, 422)},
    summary="The rosters you manage (newest period first), of one community with ?unit=",
)
def rosters_list(request, filters: Query[RosterFiltersIn]):
    actor = request.auth
    require_somewhere(actor, Perm.MANAGE_DUTY)
    rosters = rosters_visible_to(actor).select_related("community")
    if filters.unit:
        rosters = rosters.filter(community=_community(actor, filters.unit))
    rosters = rosters.order_by("-starts_on", "-pk")
    items = rosters[filters.offset : filters.offset + filters.limit]
    return {"items": [_summary(r) for r in items], "count": rosters.count()}


@router.get(
    "/duty/rosters/{id}",
    response={200: RosterOut, **error_responses(401, 403, 404, 422)},
    summary="A roster: status, progress, figures, shortfalls and shifts",
)
def roster_get(request, id: int = PathId):
    actor = request.auth
    require_somewhere(actor, Perm.MANAGE_DUTY)
    return _out(roster_for(actor, id))


@router.post(
    "/duty/rosters/{id}/publish",
    response={200: RosterOut, **error_responses(401, 403, 404, 422)},
    summary="Publish a solved roster (publishing twice changes nothing)",
)
def roster_publish_post(request, id: int = PathId):
    actor = request.auth
    require_somewhere(actor, Perm.MANAGE_DUTY)
    roster = roster_publish(actor=actor, roster=roster_for(actor, id))
    return _out(Roster.objects.select_related("community").get(pk=roster.pk))
