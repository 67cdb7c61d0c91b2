"""The community, street and district boards (read-only)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from shoumen.lib.pages import or_404
from shoumen.observation.boards import AGE_BUCKETS, board_for, non_reporting_page
from shoumen.places.selectors import ancestors_of

NON_REPORTING_PAGE_SIZE = 50


def board_context(request, pk: int) -> dict:
    """What the board template needs for the unit ``pk`` in the actor's scope (or 404)."""
    summary = or_404(board_for, request.user, pk=pk)
    page = non_reporting_page(summary, request.GET.get("page"), NON_REPORTING_PAGE_SIZE)
    return {
        "board": summary,
        "ancestors": ancestors_of(summary.unit),
        "page": page,
        "age_buckets": AGE_BUCKETS,
        "tables": [(summary.by_kind, _("Kind")), (summary.by_reason, _("Reason"))],
    }


@login_required
@require_safe
def board(request, pk):
    return render(request, "observation/board.html", board_context(request, pk))
