"""Home: each role's work for the day, one tap from the first screen."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from shoumen.home import selectors as home
from shoumen.observation.board_views import board_context


@login_required
@require_safe
def home_page(request):
    user, now = request.user, timezone.now()
    kind = home.home_kind(user)
    context: dict = {"kind": kind, "now": now, "imports": home.imports_of(user, now=now)}
    if kind == home.OFFICER:
        units = home.board_units_of(user)
        if len(units) == 1:
            # Their board is their home; the gates they oversee follow it.
            context |= board_context(request, units[0].pk)
            context["checkpoints"] = home.volunteer_home(
                user, now=now, limit=home.OFFICER_CHECKPOINTS
            )
            return render(request, "home/officer_board.html", context)
        context["units"] = units
    elif kind == home.ADMIN:
        context["units"] = home.board_units_of(user)
        context["checkpoints"] = home.volunteer_home(user, now=now, limit=home.HOME_LIST_LIMIT)
    elif kind == home.STAFF:
        context["staff"] = home.staff_home(user, now=now)
    elif kind == home.WORKER:
        context["worker"] = home.worker_home(user, now=now)
    elif kind == home.VOLUNTEER:
        context["checkpoints"] = home.volunteer_home(user, now=now)
    return render(request, "home/home.html", context)
