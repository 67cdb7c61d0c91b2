"""The trends boards of communities, streets and districts (read-only)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from shoumen.lib.pages import or_404
from shoumen.places.selectors import ancestors_of
from shoumen.reports.boards import DEFAULT_DAYS, PERIODS, board_for, period_days


@login_required
@require_safe
def board(request, pk: int):
    summary = or_404(board_for, request.user, pk, days=period_days(request.GET.get("days")))
    return render(
        request,
        "reports/board.html",
        {
            "board": summary,
            "ancestors": ancestors_of(summary.unit),
            "chart_data": summary.chart_data(),
            "periods": PERIODS,
            "default_days": DEFAULT_DAYS,
        },
    )
