"""Daily figures over the API: ``GET /metrics`` (values of a unit or of the units under it,
a day each) and ``GET /metrics/catalogue`` (the metrics, labelled in the request's
language)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router

from shoumen.api.responses import error_responses
from shoumen.lib.dates import today
from shoumen.lib.errors import deny
from shoumen.lib.metrics import shown
from shoumen.places.models import OrgUnit
from shoumen.reports.schemas import CatalogueOut, FiguresIn, FiguresOut
from shoumen.reports.selectors import figures_of, may_see_figures, metrics_visible_to
from shoumen.reports.services import UnknownMetricError

router = Router(tags=["reports"])
DEFAULT_DAYS = 7
MAX_DAYS = 92
ERR_RANGE_ORDER = _("The first day comes after the last.")
ERR_RANGE_LONG = _("Ask for at most %(days)d days at a time.")
ERR_UNKNOWN_METRIC = _("No metric is named %(name)s.")


def _range(filters: FiguresIn) -> tuple[datetime.date, datetime.date]:
    end = filters.end or today()
    start = filters.start or end - datetime.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise ValidationError({"from": [ERR_RANGE_ORDER]})
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError({"to": [ERR_RANGE_LONG % {"days": MAX_DAYS}]})
    return start, end


@router.get(
    "/metrics",
    response={200: FiguresOut, **error_responses(401, 403, 404, 422)},
    summary="Daily figures of a unit (or of each unit directly under it), non-zero values only",
)
def figures_get(request, filters: Query[FiguresIn]):
    actor = request.auth
    if not may_see_figures(actor):
        raise deny()
    start, end = _range(filters)
    unit = OrgUnit.objects.get(code=filters.unit)
    try:
        figures = figures_of(
            actor, unit, start, end, metrics=filters.metric, children=filters.children
        )
    except UnknownMetricError as unknown:
        raise ValidationError({"metric": [ERR_UNKNOWN_METRIC % {"name": unknown}]}) from None
    return {
        "items": [
            {"unit": f.unit.code, "date": f.date, "metric": f.metric, "value": shown(f.value)}
            for f in figures
        ]
    }


@router.get(
    "/metrics/catalogue",
    response={200: CatalogueOut, **error_responses(401, 403)},
    summary="The metrics you see: name, label in your language, what each counts",
)
def metrics_catalogue(request):
    actor = request.auth
    if not may_see_figures(actor):
        raise deny()
    return {
        "items": [
            {"name": m.name, "label": str(m.label), "unit": m.unit, "level": m.level}
            for m in metrics_visible_to(actor)
        ]
    }
