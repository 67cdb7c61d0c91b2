"""The roster pages: a community's duty home (who stands where now, its rosters, drawing
one), a roster while it is solved and once it is (figures, shortfalls, the table by week
or month, publishing, shifts fixed by hand), its print layout and its .xlsx. Thin: a
selector or a service each. No duty to manage anywhere is a 403; a community or roster
outside the actor's scope a 404."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.duty.models import Roster, RosterStatus
from shoumen.duty.rest import rest_summary
from shoumen.duty.roster_exports import roster_export
from shoumen.duty.roster_forms import RosterSolveForm
from shoumen.duty.roster_selectors import (
    MONTH_VIEW,
    WEEK_VIEW,
    assignment_for,
    duty_unit_for,
    duty_units_of,
    on_duty,
    roster_table,
    rosters_of,
    weeks_of,
    window_of,
)
from shoumen.duty.roster_services import assignment_pin, roster_publish, roster_solve
from shoumen.duty.selectors import roster_for
from shoumen.lib.dates import today
from shoumen.lib.pages import add_service_errors, or_404, paginate
from shoumen.places.models import OrgUnit
from shoumen.places.selectors import ancestors_of

MSG_PUBLISHED = _("The roster is published: everyone on it sees their shifts.")
MSG_PINNED = _("%(name)s stays on this shift when the period is solved again.")
MSG_UNPINNED = _("%(name)s's shift is free for the solver again.")
ERR_PIN_CHOICE = _("Choose whether to fix the shift or free it. Nothing was changed.")

# The other duty pages a community's duty home links to, once they exist.
OTHER_PAGES = (
    ("duty:posts", _("Posts and shifts")),
    ("duty:people", _("People on duty")),
    ("duty:swaps", _("Swaps and sick calls")),
    ("duty:rest", _("Rest watch")),
    ("duty:hours", _("Hours ledger")),
)
ROSTERS_PER_PAGE = 10


def _community(user, pk: int) -> OrgUnit:
    require_somewhere(user, Perm.MANAGE_DUTY)
    return or_404(duty_unit_for, user, pk)


def _roster(user, pk: int) -> Roster:
    require_somewhere(user, Perm.MANAGE_DUTY)
    return roster_for(user, pk)


def _other_pages(community: OrgUnit) -> list[tuple[str, str, str]]:
    return [(name, str(label), reverse(name, args=[community.pk])) for name, label in OTHER_PAGES]


@login_required
@require_safe
def units(request):
    """The communities whose duty the user manages, each linking to its duty home."""
    require_somewhere(request.user, Perm.MANAGE_DUTY)
    page = paginate(request, duty_units_of(request.user))
    return render(request, "duty/rosters/units.html", {"page": page})


def _index(request, community: OrgUnit, form: RosterSolveForm, status: int = 200):
    now = timezone.now()
    page = paginate(request, rosters_of(request.user, community), ROSTERS_PER_PAGE)
    context = {
        "community": community,
        "ancestors": ancestors_of(community),
        "now": now,
        "on_duty": on_duty(community, now),
        "page": page,
        "form": form,
        "other_pages": _other_pages(community),
        "rest_summary": rest_summary(community, today()),
    }
    return render(request, "duty/rosters/index.html", context, status=status)


@login_required
@require_safe
def index(request, community_pk):
    community = _community(request.user, community_pk)
    return _index(request, community, RosterSolveForm())


@login_required
@require_POST
def roster_new(request, community_pk):
    community = _community(request.user, community_pk)
    form = RosterSolveForm(request.POST)
    if form.is_valid():
        try:
            roster = roster_solve(actor=request.user, community=community, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("duty:roster", roster.pk)
    return _index(request, community, form, status=400)


def _start(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _progress(roster: Roster) -> dict:
    last = roster.progress[-1] if roster.progress else {}
    elapsed = max(int((timezone.now() - roster.created_at).total_seconds()), 0)
    return {
        "elapsed": min(elapsed, 24 * 3600),
        "found": len(roster.progress),
        "objective": last.get("objective"),
        "bound": last.get("bound"),
    }


def _page_url(roster: Roster, view: str, start: datetime.date | None, *, pins: bool = False) -> str:
    query = {"view": view} if view == MONTH_VIEW else {}
    if start is not None:
        query["start"] = start.isoformat()
    if pins:
        query["pins"] = "1"
    url = reverse("duty:roster", args=[roster.pk])
    return f"{url}?{urlencode(query)}" if query else url


@login_required
@require_safe
def roster_page(request, roster_pk):
    roster = _roster(request.user, roster_pk)
    window = window_of(
        roster, request.GET.get("view", WEEK_VIEW), _start(request.GET.get("start")), today()
    )
    has_table = roster.status in (
        RosterStatus.SOLVED,
        RosterStatus.PUBLISHED,
        RosterStatus.SUPERSEDED,
    )
    pins = request.GET.get("pins") == "1" and roster.status in (
        RosterStatus.SOLVED,
        RosterStatus.PUBLISHED,
    )
    context = {
        "roster": roster,
        "community": roster.community,
        "period": f"{roster.starts_on:%m-%d} – {roster.ends_on:%m-%d}",
        "statuses": RosterStatus,
        "progress": _progress(roster),
        "figures": roster.figures,
        "window": window,
        "table": roster_table(roster, window.start, window.end) if has_table else None,
        "pin_mode": pins,
        "previous_url": window.previous
        and _page_url(roster, window.view, window.previous, pins=pins),
        "next_url": window.next and _page_url(roster, window.view, window.next, pins=pins),
        "week_url": _page_url(roster, WEEK_VIEW, window.start, pins=pins),
        "month_url": _page_url(roster, MONTH_VIEW, window.start, pins=pins),
        "pins_url": _page_url(roster, window.view, window.start, pins=True),
        "here": _page_url(roster, window.view, window.start),
    }
    return render(request, "duty/rosters/roster.html", context)


@login_required
@require_safe
def roster_progress(request, roster_pk):
    """The progress panel, polled by htmx while the roster is solved; once it is done the
    page reloads to show the result."""
    roster = _roster(request.user, roster_pk)
    response = render(
        request,
        "duty/rosters/_progress.html",
        {"roster": roster, "progress": _progress(roster), "statuses": RosterStatus},
    )
    if not roster.is_running:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def roster_publish_view(request, roster_pk):
    roster = _roster(request.user, roster_pk)
    try:
        roster_publish(actor=request.user, roster=roster)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, MSG_PUBLISHED)
    return redirect("duty:roster", roster.pk)


@login_required
@require_POST
def assignment_pin_view(request, assignment_pk):
    require_somewhere(request.user, Perm.MANAGE_DUTY)
    assignment = or_404(assignment_for, request.user, assignment_pk)
    roster = assignment.roster
    back = _page_url(roster, request.POST.get("view", WEEK_VIEW), assignment.date, pins=True)
    choice = request.POST.get("fixed")
    if choice not in ("1", "0"):
        messages.error(request, ERR_PIN_CHOICE)
        return redirect(back)
    fixed = choice == "1"
    assignment_pin(actor=request.user, assignment=assignment, fixed=fixed)
    name = assignment.person.name
    messages.success(request, (MSG_PINNED if fixed else MSG_UNPINNED) % {"name": name})
    return redirect(back)


@login_required
@require_safe
def roster_print(request, roster_pk):
    """Every week of the roster on paper: no navigation, one table a week."""
    roster = _roster(request.user, roster_pk)
    tables = [roster_table(roster, monday, sunday) for monday, sunday in weeks_of(roster)]
    return render(
        request,
        "duty/rosters/print.html",
        {"roster": roster, "community": roster.community, "tables": tables},
    )


@login_required
@require_safe
def roster_export_view(request, roster_pk):
    roster = _roster(request.user, roster_pk)
    export = roster_export(actor=request.user, roster=roster)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = export.disposition
    return response
