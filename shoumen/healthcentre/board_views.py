"""The centre board: a unit's indicators for a year with their numerators and
denominators, by unit under it and by team, and the year's months in charts with their
tables. Numbers only: the centre's people, the area's officers and the CDC open it
(``view_health_indicators``: 403 without it, 404 for a unit out of reach)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.healthcentre.indicator_board import board_for, board_unit, board_years
from shoumen.healthcentre.indicators import indicator_units
from shoumen.healthcentre.models import Disease
from shoumen.lib.pages import or_404

LABEL_CONTRACTS = _("Contracts in force")


def _year(raw: str | None, years: list[int]) -> int:
    return int(raw) if raw and raw.isdigit() and int(raw) in years else years[0]


@login_required
@require_safe
def board(request):
    require_somewhere(request.user, Perm.VIEW_HEALTH_INDICATORS)
    unit = or_404(board_unit, request.user, request.GET.get("unit"))
    years = board_years()
    summary = board_for(request.user, unit, _year(request.GET.get("year"), years))
    return render(
        request,
        "healthcentre/board/board.html",
        {
            "board": summary,
            "chart_labels": {
                Disease.HYPERTENSION: str(Disease.HYPERTENSION.label),
                Disease.DIABETES: str(Disease.DIABETES.label),
                "contracts": str(LABEL_CONTRACTS),
            },
            "follow_ups_a_year": settings.SHOUMEN_CHRONIC_FOLLOW_UPS_A_YEAR,
            "referral_days": settings.SHOUMEN_CHRONIC_REFERRAL_CHECK_DAYS,
            "units": indicator_units(request.user),
            "years": years,
            "chart_data": summary.chart_data(),
        },
    )
