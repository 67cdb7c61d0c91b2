"""The health centre API: indicators of a unit and a year, numbers only. Roles without
``view_health_indicators`` get 403; a unit out of the caller's reach is a 404."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.api.responses import error_responses
from shoumen.healthcentre.indicator_schemas import IndicatorsIn, IndicatorsOut
from shoumen.healthcentre.indicators import indicator_unit_for, indicators_for
from shoumen.lib.dates import today

ERR_FUTURE_YEAR = _("A year that has not begun has no indicators yet.")

router = Router(tags=["health-centre"])


@router.get(
    "/indicators",
    response={200: IndicatorsOut, **error_responses(401, 403, 404, 422)},
    summary="The health centre's indicators of a unit for a year",
)
def indicators_get(request, filters: Query[IndicatorsIn]):
    actor = request.auth
    require_somewhere(actor, Perm.VIEW_HEALTH_INDICATORS)
    unit = indicator_unit_for(actor, filters.unit)
    year = filters.year or today().year
    if year > today().year:
        raise ValidationError({"year": [ERR_FUTURE_YEAR]})
    found = indicators_for(actor, unit, year)
    return {"unit": unit.code, "year": year, "as_of": found.day.isoformat(), **found.as_dict()}
