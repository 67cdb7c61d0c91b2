"""Home: each role's work for the day, one tap from the first screen."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from shoumen.healthcentre.hub import hub_context
from shoumen.home import schools as school_homes
from shoumen.home import selectors as home
from shoumen.home.community_work import community_work_links
from shoumen.home.daily import daily_card_units
from shoumen.home.duty import duty_link, my_duty
from shoumen.home.health import health_links
from shoumen.lib.dates import today
from shoumen.observation.board_views import board_context
from shoumen.schools.board import RATE_NOTE, board_for, board_units_of
from shoumen.schools.daily_views import today_context

# The homes of those who oversee an area, and the district's: they link the health centre's
# indicators board, its hub and the centres' set-up, as far as the user's rights reach.
AREA_HOMES = {home.ADMIN, home.OFFICER, home.STAFF, school_homes.SCHOOL_DISTRICT}


@login_required
@require_safe
def home_page(request):
    user, now = request.user, timezone.now()
    kind = home.home_kind(user)
    context: dict = {
        "kind": kind,
        "now": now,
        "imports": home.imports_of(user, now=now),
        "my_duty": my_duty(user, now=now),
        "work_links": community_work_links(user, volunteer_home=kind == home.VOLUNTEER),
    }
    if kind in AREA_HOMES:
        context |= health_links(user)
    if kind == home.OFFICER:
        units = home.board_units_of(user)
        context["duty_link"] = duty_link(user, units)
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
        context["duty_link"] = duty_link(user, context["units"])
        context["checkpoints"] = home.volunteer_home(user, now=now, limit=home.HOME_LIST_LIMIT)
    elif kind == home.STAFF:
        context["staff"] = home.staff_home(user, now=now)
        communities = [u for u, _n in context["staff"].communities]
        context["daily_units"] = daily_card_units(user, communities)
        context["duty_link"] = duty_link(user, communities)
    elif kind == home.WORKER:
        context["worker"] = home.worker_home(user, now=now)
    elif kind == home.VOLUNTEER:
        context["checkpoints"] = home.volunteer_home(user, now=now)
    elif kind == home.HEALTH:
        context["hub"] = hub_context(user, day=today())
    elif kind in SCHOOL_HOMES:
        return SCHOOL_HOMES[kind](request, context)
    return render(request, "home/home.html", context)


def _teacher(request, context):
    context["classes"] = school_homes.teacher_home(request.user, day=today(), now=context["now"])
    return render(request, "home/home.html", context)


def _school_doctor(request, context):
    schools = school_homes.home_schools_of(request.user)
    if len(schools) == 1:
        # Their school's Today is their home.
        context |= today_context(request, schools[0])
        return render(request, "home/school_today.html", context)
    context["schools"] = schools
    return render(request, "home/home.html", context)


def _schools_board(request, context):
    units = board_units_of(request.user)
    if not units:
        return render(request, "home/home.html", context)
    summary = board_for(request.user, units[0], day=today())
    context |= {"board": summary, "chart": summary.chart_data(), "rate_note": RATE_NOTE}
    return render(request, "home/schools_board.html", context)


SCHOOL_HOMES = {
    school_homes.TEACHER: _teacher,
    school_homes.SCHOOL_DOCTOR: _school_doctor,
    school_homes.PRINCIPAL: _schools_board,
    school_homes.SCHOOL_DISTRICT: _schools_board,
}
