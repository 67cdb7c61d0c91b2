"""Key persons and health reports over the API: thin handlers over selectors and services.

Permission first (403 for a role without it anywhere), then scope (404 for an object
outside the caller's jurisdiction, a field error for a reference in the body)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router, Status
from pydantic import TypeAdapter, create_model
from pydantic import ValidationError as PydanticValidationError

from shoumen.accounts.models import User
from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can, require_somewhere
from shoumen.api.errors import NON_FIELD
from shoumen.api.responses import error_responses
from shoumen.observation import selectors
from shoumen.observation.health_reports import health_report_record, health_reports_ingest
from shoumen.observation.models import HealthReport, Observation
from shoumen.observation.schemas import (
    AssignIn,
    BatchResultOut,
    BulkStartOut,
    CloseIn,
    CompleteIn,
    ExtendIn,
    HealthReportBatchIn,
    HealthReportIn,
    HealthReportOut,
    HealthReportResultOut,
    ObservationBulkStartIn,
    ObservationFiltersIn,
    ObservationOut,
    ObservationPage,
    ObservationStartIn,
    ReasonIn,
    TransferAcceptIn,
    TransferIn,
)
from shoumen.observation.services import (
    ERR_PERSON_UNKNOWN,
    ERR_RESPONSIBLE_SCOPE,
    observation_assign,
    observation_close,
    observation_complete,
    observation_extend,
    observation_start,
    observation_transfer_accept,
    observation_transfer_cancel,
    observation_transfer_request,
    observations_start_bulk,
)
from shoumen.places.models import Level, OrgUnit
from shoumen.places.selectors import org_units_visible_to
from shoumen.registry.schemas import MAX_ID
from shoumen.registry.selectors import persons_visible_to

ERR_UNKNOWN_UNIT = _("There is no org unit with this code in your jurisdiction.")
ERR_UNKNOWN_GRID = _("There is no grid with this code.")
ERR_ROW_NOT_OBJECT = _("Each row is an object with the fields of one report.")
ERR_UNKNOWN_COMMUNITY = _("There is no community with this code.")

router = Router(tags=["observation"])
PathId = Path(..., ge=1, le=MAX_ID)
RESULTS = ("created", "updated", "unchanged", "error")


def _counts(results) -> dict[str, int]:
    counts = dict.fromkeys(RESULTS, 0)
    for row in results:
        counts[row["result"]] += 1
    return counts


# ---------------------------------------------------------------- health reports


def _report_out(report: HealthReport) -> HealthReportOut:
    return HealthReportOut(
        id=report.pk,
        person=report.person_id,
        date=report.date,
        slot=report.slot,
        temperature=report.temperature,
        symptoms=report.symptoms,
        other_symptoms=report.other_symptoms,
        source=report.source,
        reached=report.reached,
        observation=report.observation_id,
        recorded_at=report.recorded_at,
    )


@router.post(
    "/health-reports",
    response={
        200: HealthReportResultOut,
        201: HealthReportResultOut,
        **error_responses(400, 401, 403, 404, 422),
    },
    summary="Record one health report (201 created; 200 when unchanged or updated)",
)
def health_reports_create(request, payload: HealthReportIn):
    actor = request.auth
    require_somewhere(actor, Perm.RECORD_HEALTH_REPORTS)
    result = health_report_record(actor=actor, **payload.dict())
    if result.report is None:  # health_report_record raises on a bad row; never reached
        raise ValidationError(result.errors)
    body = {"result": result.result, "report": _report_out(result.report)}
    return Status(201 if result.result == "created" else 200, body)


# The same fields as a plain model: ninja's Schema wraps each row's validation in a root
# validator that costs more than the checks themselves.
_Row = create_model(
    "HealthReportRow",
    **{name: (f.annotation, f) for name, f in HealthReportIn.model_fields.items()},  # type: ignore[call-overload]
)
_ROWS: TypeAdapter[list[Any]] = TypeAdapter(list[_Row])  # type: ignore[valid-type]


def _rows_errors(exc: PydanticValidationError) -> dict[int, dict[str, list[str]]]:
    errors: dict[int, dict[str, list[str]]] = {}
    for error in exc.errors(include_url=False, include_context=False, include_input=False):
        index, *rest = error["loc"]
        field = str(rest[0]) if rest else NON_FIELD
        errors.setdefault(int(index), {}).setdefault(field, []).append(str(error["msg"]))
    return errors


def _parse_rows(raw: list[Any]) -> tuple[dict[int, dict], dict[int, dict[str, list[str]]]]:
    """Each row checked on its own: the typed values of the good ones, the errors of the rest.

    The whole list is validated in one call; only when some row is bad are the others
    validated one by one."""
    try:
        return {i: m.__dict__ for i, m in enumerate(_ROWS.validate_python(raw))}, {}
    except PydanticValidationError as exc:
        bad = _rows_errors(exc)
    for i, row in enumerate(raw):
        if not isinstance(row, dict):
            bad[i] = {NON_FIELD: [str(ERR_ROW_NOT_OBJECT)]}
    good = {i: _Row.model_validate(row).__dict__ for i, row in enumerate(raw) if i not in bad}
    return good, bad


@router.post(
    "/health-reports/batch",
    response={200: BatchResultOut, **error_responses(400, 401, 403, 422)},
    summary="Record up to 1,000 health reports; each row has its own result",
)
def health_reports_batch(request, payload: HealthReportBatchIn):
    actor = request.auth
    require_somewhere(actor, Perm.RECORD_HEALTH_REPORTS)
    good, bad = _parse_rows(payload.rows)
    indexes = list(good)
    ingested = health_reports_ingest(actor=actor, rows=list(good.values()))
    results: list[dict[str, Any]] = [{}] * len(payload.rows)
    for index, errors in bad.items():
        results[index] = {"index": index, "result": "error", "errors": errors}
    for one in ingested:
        index = indexes[one.index]
        results[index] = {
            "index": index,
            "result": one.result,
            "id": one.report_id,
            "errors": one.errors,
        }
    return {"counts": _counts(results), "results": results}


# ---------------------------------------------------------------- observations

_RELATED = ("person", "grid", "responsible", "transfer_to")


def _observation_out(obs: Observation) -> ObservationOut:
    return ObservationOut.from_observation(obs)


def _reloaded(actor, obs: Observation) -> ObservationOut:
    return _observation_out(selectors.observation_for(actor, pk=obs.pk))


def _responsible(pk: int | None) -> User | None:
    """The user by id; an unknown one reads like one outside the grid (nothing leaks)."""
    if pk is None:
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise ValidationError({"responsible": [ERR_RESPONSIBLE_SCOPE]})
    return user


def _unit_in_scope(actor, code: str, *, field: str) -> OrgUnit:
    unit = org_units_visible_to(actor, Perm.VIEW_OBSERVATIONS).filter(code=code).first()
    if unit is None:
        raise ValidationError({field: [ERR_UNKNOWN_UNIT]})
    return unit


def _managed(actor, pk: int) -> Observation:
    require_somewhere(actor, Perm.MANAGE_OBSERVATIONS)
    return selectors.observation_for(actor, pk=pk)


@router.get(
    "/observations",
    response={200: ObservationPage, **error_responses(401, 403, 422)},
    summary="List observations",
)
def observations_list(request, filters: Query[ObservationFiltersIn]):
    actor = request.auth
    require_somewhere(actor, Perm.VIEW_OBSERVATIONS)
    qs = selectors.observations_visible_to(actor)
    if filters.org_unit:
        unit = _unit_in_scope(actor, filters.org_unit, field="org_unit")
        qs = qs.filter(grid__path__startswith=unit.path)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.responsible == "me":
        qs = qs.filter(responsible=actor)
    qs = qs.select_related(*_RELATED).order_by("ends_on", "id")
    start = filters.offset
    items = qs[start : start + filters.limit]
    return {"items": [_observation_out(o) for o in items], "count": qs.count()}


def _start_values(payload) -> dict[str, Any]:
    values = payload.dict(exclude={"person", "persons", "responsible"})
    values["responsible"] = _responsible(payload.responsible)
    return values


@router.post(
    "/observations",
    response={201: ObservationOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Start an observation",
)
def observations_create(request, payload: ObservationStartIn):
    actor = request.auth
    require_somewhere(actor, Perm.MANAGE_OBSERVATIONS)
    person = (
        persons_visible_to(actor, Perm.MANAGE_OBSERVATIONS)
        .select_related("grid")
        .filter(pk=payload.person)
        .first()
    )
    if person is None:
        raise ValidationError({"person": [ERR_PERSON_UNKNOWN]})
    obs = observation_start(actor=actor, person=person, **_start_values(payload))
    return Status(201, _reloaded(actor, obs))


@router.post(
    "/observations/bulk",
    response={200: BulkStartOut, **error_responses(400, 401, 403, 422)},
    summary="Start observations for many persons with the same fields; each has its result",
)
def observations_bulk(request, payload: ObservationBulkStartIn):
    actor = request.auth
    require_somewhere(actor, Perm.MANAGE_OBSERVATIONS)
    common = _start_values(payload)
    wanted = [p if type(p) is int and 1 <= p <= MAX_ID else None for p in payload.persons]
    found = persons_visible_to(actor, Perm.MANAGE_OBSERVATIONS).select_related("grid")
    by_id = {p.pk: p for p in found.filter(pk__in={p for p in wanted if p is not None})}
    persons = [by_id.get(p) if p is not None else None for p in wanted]
    outcome = observations_start_bulk(actor=actor, persons=persons, common=common)
    results = [
        {
            "index": one.index,
            "person": payload.persons[one.index],
            "result": "error" if one.errors else "created",
            "id": one.observation.pk if one.observation is not None else None,
            "errors": one.errors,
        }
        for one in outcome
    ]
    counts = {"created": 0, "error": 0}
    for row in results:
        counts[row["result"]] += 1
    return {"counts": counts, "results": results}


@router.get(
    "/observations/{id}",
    response={200: ObservationOut, **error_responses(401, 403, 404, 422)},
    summary="One observation",
)
def observations_detail(request, id: int = PathId):
    actor = request.auth
    require_somewhere(actor, Perm.VIEW_OBSERVATIONS)
    return _observation_out(selectors.observation_for(actor, pk=id))


@router.post(
    "/observations/{id}/complete",
    response={200: ObservationOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Complete an observation (its period is over)",
)
def observations_complete(request, payload: CompleteIn, id: int = PathId):
    actor = request.auth
    obs = observation_complete(actor=actor, observation=_managed(actor, id), note=payload.note)
    return _reloaded(actor, obs)


@router.post(
    "/observations/{id}/close",
    response={200: ObservationOut, **error_responses(400, 401, 403, 404, 422)},
    summary="End an observation: sent to hospital, lost to follow-up or cancelled",
)
def observations_close(request, payload: CloseIn, id: int = PathId):
    actor = request.auth
    obs = observation_close(
        actor=actor, observation=_managed(actor, id), status=payload.status, reason=payload.reason
    )
    return _reloaded(actor, obs)


@router.post(
    "/observations/{id}/extend",
    response={200: ObservationOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Re-exposure: count the period again from a new exposure date",
)
def observations_extend(request, payload: ExtendIn, id: int = PathId):
    actor = request.auth
    obs = observation_extend(
        actor=actor,
        observation=_managed(actor, id),
        exposure_date=payload.exposure_date,
        reason=payload.reason,
    )
    return _reloaded(actor, obs)


@router.post(
    "/observations/{id}/assign",
    response={200: ObservationOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Change the responsible worker",
)
def observations_assign(request, payload: AssignIn, id: int = PathId):
    actor = request.auth
    obs = _managed(actor, id)
    obs = observation_assign(
        actor=actor, observation=obs, responsible=_responsible(payload.responsible)
    )
    return _reloaded(actor, obs)


@router.post(
    "/observations/{id}/transfer",
    response={200: ObservationOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Ask another community to take the observation over",
)
def observations_transfer(request, payload: TransferIn, id: int = PathId):
    actor = request.auth
    obs = _managed(actor, id)
    target = OrgUnit.objects.filter(code=payload.to_community).first()
    if target is None:
        raise ValidationError({"to_community": [ERR_UNKNOWN_COMMUNITY]})
    obs = observation_transfer_request(
        actor=actor, observation=obs, to_community=target, reason=payload.reason
    )
    return _reloaded(actor, obs)


def _pending_transfer(actor, pk: int) -> Observation:
    """Seen from either side: the sending scope, or the receiving community's."""
    require_somewhere(actor, Perm.MANAGE_OBSERVATIONS)
    try:
        return selectors.observation_for(actor, pk=pk)
    except Observation.DoesNotExist:
        return selectors.incoming_transfers(actor).get(pk=pk)


@router.post(
    "/observations/{id}/transfer/accept",
    response={200: ObservationOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Accept a transfer into a grid of the receiving community (a new observation)",
)
def observations_transfer_accept(request, payload: TransferAcceptIn, id: int = PathId):
    actor = request.auth
    obs = _pending_transfer(actor, id)
    # Any grid by code: the service checks it lies in the receiving community, which the
    # actor must manage, so a grid outside the actor's jurisdiction is refused there.
    grid = OrgUnit.objects.filter(code=payload.grid, level=Level.GRID).first()
    if grid is None:
        raise ValidationError({"grid": [ERR_UNKNOWN_GRID]})
    new = observation_transfer_accept(
        actor=actor, observation=obs, grid=grid, responsible=_responsible(payload.responsible)
    )
    return _reloaded(actor, new)


@router.post(
    "/observations/{id}/transfer/cancel",
    response={200: ObservationOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Withdraw or decline a pending transfer",
)
def observations_transfer_cancel(request, payload: ReasonIn, id: int = PathId):
    actor = request.auth
    obs = observation_transfer_cancel(
        actor=actor, observation=_pending_transfer(actor, id), reason=payload.reason
    )
    if can(actor, Perm.VIEW_OBSERVATIONS, obs.grid):
        return _reloaded(actor, obs)
    return _observation_out(obs)  # the receiving side, declining: no longer theirs to see
