"""Pages for re-solving a published roster around a sick call: starting it from the sick
call's page, the re-solve while it runs and once done (the shifts that would change
hands), applying or discarding it. Thin: a selector or a service each. Re-solving is
staff's work: someone who reaches the shift only as its person gets a 403; a roster
outside the actor's scope is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.duty import resolve_selectors, swap_selectors
from shoumen.duty.models import ResolveStatus
from shoumen.duty.resolve_services import (
    roster_resolve_apply,
    roster_resolve_discard,
    roster_resolve_start,
)
from shoumen.duty.swap_forms import ConfirmForm
from shoumen.duty.swap_people import manages
from shoumen.lib.errors import deny
from shoumen.lib.pages import or_404
from shoumen.places.selectors import ancestors_of

MSG_APPLIED = _("The roster is changed: the people whose shifts changed were told.")
MSG_DISCARDED = _("Re-solve discarded; the roster stays as it was.")
MSG_RUNNING = _("A re-solve of this roster is running already: here it is.")


@login_required
@require_POST
def resolve_start_view(request, pk):
    assignment = or_404(swap_selectors.assignment_for, request.user, pk)
    if not manages(request.user, assignment):
        raise deny()
    if not ConfirmForm(request.POST).is_valid():
        return HttpResponse(status=400)
    try:
        resolve, started = roster_resolve_start(actor=request.user, assignment=assignment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("duty:sick_call", assignment.pk)
    if not started and resolve.is_running:
        messages.info(request, MSG_RUNNING)
    return redirect("duty:resolve", resolve.pk)


def _resolve(user, pk: int):
    require_somewhere(user, Perm.MANAGE_DUTY)
    return or_404(resolve_selectors.resolve_for, user, pk)


@login_required
@require_safe
def resolve_page(request, pk):
    resolve = _resolve(request.user, pk)
    community = resolve.roster.community
    context = {
        "resolve": resolve,
        "statuses": ResolveStatus,
        "community": community,
        "ancestors": ancestors_of(community),
        "changes": resolve_selectors.changes_of(resolve)
        if resolve.status in (ResolveStatus.READY, ResolveStatus.APPLIED)
        else [],
        "found": len(resolve.progress),
    }
    return render(request, "duty/swaps/resolve.html", context)


def _decide(request, pk, service, done):
    resolve = _resolve(request.user, pk)
    if not ConfirmForm(request.POST).is_valid():
        return HttpResponse(status=400)
    try:
        resolve = service(actor=request.user, resolve=resolve)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if resolve.status == ResolveStatus.OUTDATED:
            messages.error(request, resolve.message)
        else:
            messages.success(request, done)
    return redirect("duty:resolve", resolve.pk)


@login_required
@require_POST
def resolve_apply_view(request, pk):
    return _decide(request, pk, roster_resolve_apply, MSG_APPLIED)


@login_required
@require_POST
def resolve_discard_view(request, pk):
    return _decide(request, pk, roster_resolve_discard, MSG_DISCARDED)
