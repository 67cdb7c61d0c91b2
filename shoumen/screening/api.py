"""Screening rounds over the API: thin handlers over selectors and services."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router, Status

from shoumen.accounts.roles import Perm
from shoumen.api.responses import error_responses
from shoumen.places.models import Level
from shoumen.places.selectors import org_units_visible_to
from shoumen.registry.schemas import MAX_ID, Page
from shoumen.screening import selectors, services
from shoumen.screening.models import Visit
from shoumen.screening.schemas import (
    RoundIn,
    RoundOut,
    RoundPage,
    TaskFiltersIn,
    TaskOut,
    TaskPage,
    VisitIn,
    VisitOut,
)

ERR_UNKNOWN_UNIT = _("There is no org unit with this code in your jurisdiction.")
ERR_UNKNOWN_GRID = _("There is no grid with this code in your jurisdiction.")
ERR_UNKNOWN_TASK = _("There is no such visit task in your jurisdiction.")

router = Router(tags=["screening"])
PathId = Path(..., ge=1, le=MAX_ID)


@router.get(
    "/screening-rounds",
    response={200: RoundPage, **error_responses(401, 422)},
    summary="Screening rounds in scope",
)
def rounds_list(request, filters: Query[Page]):
    qs = selectors.rounds_visible_to(request.auth).order_by("-starts_on", "-pk")
    start = filters.offset
    rounds = list(qs[start : start + filters.limit])
    versions = selectors.current_versions(rounds)
    return {
        "items": [RoundOut.from_round(r, versions[r.pk]) for r in rounds],
        "count": qs.count(),
    }


@router.post(
    "/screening-rounds",
    response={201: RoundOut, **error_responses(400, 401, 403, 422)},
    summary="Create a round: every household in scope becomes a visit task",
)
def rounds_create(request, payload: RoundIn):
    actor = request.auth
    scope = (
        org_units_visible_to(actor, Perm.RECORD_VISITS)
        .filter(code=payload.scope, level__in=services.ROUND_LEVELS)
        .first()
    )
    if scope is None:
        raise ValidationError({"scope": [ERR_UNKNOWN_UNIT]})
    round_ = services.round_create(actor=actor, **{**payload.dict(), "scope": scope})
    return Status(201, RoundOut.from_round(round_, services.current_version(round_)))


@router.get(
    "/screening-rounds/{id}/tasks",
    response={200: TaskPage, **error_responses(401, 404, 422)},
    summary="A round's visit tasks in scope",
)
def rounds_tasks(request, filters: Query[TaskFiltersIn], id: int = PathId):
    actor = request.auth
    round_ = selectors.round_for(actor, pk=id)
    qs = selectors.tasks_visible_to(actor, round_).select_related("household__head")
    if filters.mine:
        qs = qs.filter(assignee=actor)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.grid:
        grid = (
            org_units_visible_to(actor, Perm.RECORD_VISITS)
            .filter(code=filters.grid, level=Level.GRID)
            .first()
        )
        if grid is None:
            raise ValidationError({"grid": [ERR_UNKNOWN_GRID]})
        qs = qs.filter(grid=grid)
    qs = qs.order_by("grid__path", "pk")
    start = filters.offset
    return {
        "items": [TaskOut.from_task(t) for t in qs[start : start + filters.limit]],
        "count": qs.count(),
    }


@router.post(
    "/visits",
    response={200: VisitOut, 201: VisitOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Record a household visit (idempotent on client_uuid: 201 new, 200 replay)",
)
def visits_record(request, payload: VisitIn):
    actor = request.auth
    replay = Visit.objects.filter(client_uuid=payload.client_uuid).first()
    if replay is not None:
        # A replay answers only to someone who could have recorded it.
        visit = selectors.visit_for(actor, pk=replay.pk)
        return Status(200, VisitOut.from_visit(visit))
    task = selectors.tasks_in_scope(actor).filter(pk=payload.task).first()
    if task is None:
        raise ValidationError({"task": [ERR_UNKNOWN_TASK]})
    values = payload.dict(exclude={"task", "questionnaire_version"})
    values["member_reports"] = [r.dict() for r in payload.member_reports]
    visit, created = services.visit_record(
        actor=actor, task=task, version_number=payload.questionnaire_version, **values
    )
    visit = selectors.visit_for(actor, pk=visit.pk)
    return Status(201 if created else 200, VisitOut.from_visit(visit))
