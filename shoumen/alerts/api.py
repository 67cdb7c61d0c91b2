"""Alerts over the API: list in scope, acknowledge, resolve."""

from django.utils import timezone
from ninja import Path, Query, Router

from shoumen.alerts import selectors
from shoumen.alerts.models import OPEN_STATUSES
from shoumen.alerts.schemas import AlertFiltersIn, AlertOut, AlertPage, ResolveIn
from shoumen.alerts.services import alert_acknowledge, alert_resolve
from shoumen.api.responses import error_responses
from shoumen.lib.errors import deny
from shoumen.registry.schemas import MAX_ID

router = Router(tags=["alerts"])
PathId = Path(..., ge=1, le=MAX_ID)


def _handler(actor) -> None:
    if not selectors.may_handle_alerts(actor):
        raise deny()


def _out(actor, pk: int) -> AlertOut:
    return AlertOut.from_alert(selectors.alert_for(actor, pk=pk), timezone.now())


@router.get(
    "/alerts",
    response={200: AlertPage, **error_responses(401, 403, 422)},
    summary="List alerts (open ones first, by due time)",
)
def alerts_list(request, filters: Query[AlertFiltersIn]):
    actor = request.auth
    _handler(actor)
    qs = selectors.alerts_visible_to(actor)
    if filters.status == "open_any":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.cause:
        qs = qs.filter(cause=filters.cause)
    if filters.mine:
        qs = qs.filter(owner=actor)
    qs = qs.select_related("person", "grid", "owner").order_by("due_at", "id")
    now = timezone.now()
    start = filters.offset
    items = qs[start : start + filters.limit]
    return {"items": [AlertOut.from_alert(a, now) for a in items], "count": qs.count()}


@router.post(
    "/alerts/{id}/acknowledge",
    response={200: AlertOut, **error_responses(401, 403, 404, 422)},
    summary="Acknowledge an alert",
)
def alerts_acknowledge(request, id: int = PathId):
    actor = request.auth
    _handler(actor)
    alert = alert_acknowledge(actor=actor, alert=selectors.alert_for(actor, pk=id))
    return _out(actor, alert.pk)


@router.post(
    "/alerts/{id}/resolve",
    response={200: AlertOut, **error_responses(400, 401, 403, 404, 422)},
    summary="Resolve an alert with an outcome",
)
def alerts_resolve(request, payload: ResolveIn, id: int = PathId):
    actor = request.auth
    _handler(actor)
    alert = alert_resolve(
        actor=actor,
        alert=selectors.alert_for(actor, pk=id),
        outcome=payload.outcome,
        note=payload.note,
        end_observation=payload.end_observation,
    )
    return _out(actor, alert.pk)
