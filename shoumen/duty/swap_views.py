"""Pages for swaps and sick calls. Thin: a selector, a form, a service.

Access: a shift is reached by community staff (and the officers above) and by the person
on it; anyone else gets a 404. Deciding swaps and covering sick calls is staff's work: a
person who reaches their own shift gets a 403 there. The staff's swap list is a 403 for
a role that manages no duty anywhere and a 404 for a community outside the scope."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.duty import cover_services, resolve_selectors, swap_selectors
from shoumen.duty.models import SwapStatus
from shoumen.duty.resolve_services import resolve_seconds
from shoumen.duty.swap_forms import ConfirmForm, CoverForm, DecideForm, SwapForm
from shoumen.duty.swap_people import is_own, manages
from shoumen.duty.swap_problems import texts_of
from shoumen.duty.swap_services import (
    pending_problems,
    swap_approve,
    swap_refuse,
    swap_request,
    swap_withdraw,
)
from shoumen.lib.errors import deny
from shoumen.lib.pages import add_service_errors, or_404, paginate, posted
from shoumen.places.selectors import ancestors_of

MSG_REQUESTED = _("Your swap request was sent; community staff will decide.")
MSG_APPROVED = _("Swap approved: %(name)s takes the shift.")
MSG_REFUSED_BY_RULES = _("The swap breaks these rules and was refused:")
MSG_REFUSED = _("Swap refused.")
MSG_WITHDRAWN = _("Swap withdrawn.")
MSG_SICK = _("Called in sick. Choose who covers the shift below.")
MSG_SICK_OWN = _("Called in sick. Community staff were told and will find someone to cover.")
MSG_COVERED = _("%(name)s covers the shift.")


@login_required
@require_safe
def swaps_page(request, pk):
    require_somewhere(request.user, Perm.MANAGE_DUTY)
    community = or_404(swap_selectors.community_for, request.user, pk)
    pending = swap_selectors.pending_swaps(request.user, community)
    rows = list(zip(pending, pending_problems(pending), strict=True))
    page = paginate(request, swap_selectors.decided_swaps(request.user, community))
    for swap in page:
        setattr(swap, "problem_texts", texts_of(swap.problems or []))  # noqa: B010
    context = {
        "community": community,
        "pending": rows,
        "page": page,
        "ancestors": ancestors_of(community),
    }
    return render(request, "duty/swaps/list.html", context)


def _swap_form(request, assignment):
    return SwapForm(
        posted(request),
        partners=swap_selectors.partners_for(assignment),
        shifts=swap_selectors.partner_shifts(assignment),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def swap_new(request, pk):
    assignment = or_404(swap_selectors.assignment_for, request.user, pk)
    form = _swap_form(request, assignment)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                swap_request(
                    actor=request.user,
                    assignment=assignment,
                    partner=data["partner"],
                    partner_assignment=data["partner_assignment"],
                    reason=data["reason"],
                    client_uuid=data["client_uuid"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, MSG_REQUESTED)
                if manages(request.user, assignment):
                    return redirect("duty:swaps", assignment.roster.community_id)
                return redirect("duty:swap_new", assignment.pk)
        status = 400
    context = {
        "assignment": assignment,
        "form": form,
        "swaps": swap_selectors.swaps_of_assignment(request.user, assignment),
        "is_own": is_own(request.user, assignment.person),
        "staff": manages(request.user, assignment),
        "ancestors": ancestors_of(assignment.roster.community),
    }
    return render(request, "duty/swaps/new.html", context, status=status)


@login_required
@require_POST
def swap_decide(request, pk):
    swap = or_404(swap_selectors.swap_for, request.user, pk)
    if not manages(request.user, swap.assignment):
        raise deny()
    form = DecideForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    back = redirect("duty:swaps", swap.assignment.roster.community_id)
    try:
        if form.cleaned_data["decision"] == "approve":
            swap = swap_approve(actor=request.user, swap=swap)
        else:
            swap = swap_refuse(actor=request.user, swap=swap)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return back
    if swap.status == SwapStatus.APPROVED:
        messages.success(request, MSG_APPROVED % {"name": swap.partner.name})
    elif swap.problems:
        texts = texts_of(swap.problems)
        messages.error(request, " ".join([str(MSG_REFUSED_BY_RULES), *texts]))
    else:
        messages.info(request, MSG_REFUSED)
    return back


@login_required
@require_POST
def swap_withdraw_view(request, pk):
    swap = or_404(swap_selectors.swap_for, request.user, pk)
    if not ConfirmForm(request.POST).is_valid():
        return HttpResponse(status=400)
    try:
        swap_withdraw(actor=request.user, swap=swap)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.info(request, MSG_WITHDRAWN)
    return redirect("duty:swap_new", swap.assignment_id)


def _sick_page(request, assignment, *, cover_form=None, status=200):
    staff = manages(request.user, assignment)
    candidates = []
    if staff and assignment.absent and not cover_services.is_covered(assignment):
        candidates = cover_services.replacements_for(assignment)
    context = {
        "assignment": assignment,
        "staff": staff,
        "covers": cover_services.covers_of(assignment) if assignment.absent else [],
        "covered": assignment.absent and cover_services.is_covered(assignment),
        "candidates": candidates,
        "cover_form": cover_form,
        "ancestors": ancestors_of(assignment.roster.community),
        "resolve": resolve_selectors.latest_resolve_of(request.user, assignment) if staff else None,
        "resolve_seconds": resolve_seconds(),
    }
    return render(request, "duty/swaps/sick_call.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def sick_call_view(request, pk):
    assignment = or_404(swap_selectors.assignment_for, request.user, pk)
    if request.method == "POST":
        if not ConfirmForm(request.POST).is_valid():
            return _sick_page(request, assignment, status=400)
        try:
            assignment = cover_services.sick_call(actor=request.user, assignment=assignment)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            own = not manages(request.user, assignment)
            messages.success(request, MSG_SICK_OWN if own else MSG_SICK)
        return redirect("duty:sick_call", assignment.pk)
    return _sick_page(request, assignment)


@login_required
@require_POST
def cover_view(request, pk):
    assignment = or_404(swap_selectors.assignment_for, request.user, pk)
    if not manages(request.user, assignment):
        raise deny()
    form = CoverForm(request.POST, people=swap_selectors.people_of(assignment))
    if not form.is_valid():
        return _sick_page(request, assignment, cover_form=form, status=400)
    person = form.cleaned_data["person"]
    try:
        cover_services.cover_assign(actor=request.user, assignment=assignment, person=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, MSG_COVERED % {"name": person.name})
    return redirect(reverse("duty:sick_call", args=[assignment.pk]))
