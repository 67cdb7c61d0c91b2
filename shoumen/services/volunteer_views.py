"""The volunteer registry's pages: the communities one manages, a community's volunteers
(filters: team, pending sign-ups, Party members), adding and editing one, a volunteer's
page (badge, hours, services) and certificate, the register as .xlsx, and a volunteer's
own page. Thin: a selector or a service each. No volunteer management anywhere is a 403; a
community or volunteer outside the actor's scope is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.lib.errors import deny
from shoumen.lib.pages import add_service_errors, or_404, paginate, posted
from shoumen.lib.pdf import PDF_CONTENT_TYPE
from shoumen.registry.models import Team, VolunteerStatus
from shoumen.registry.volunteer_services import volunteer_register, volunteer_update
from shoumen.services import volunteer_selectors as sel
from shoumen.services.volunteer_documents import certificate_download, ledger_export
from shoumen.services.volunteer_forms import VolunteerEditForm, VolunteerForm

MSG_ADDED = _("%(name)s is now a volunteer of the community.")
MSG_SAVED = _("%(name)s's details are saved.")


def require_manager(user) -> None:
    if not can(user, Perm.MANAGE_VOLUNTEERS):
        raise deny()


@login_required
@require_safe
def index(request):
    """The communities whose volunteers one manages."""
    require_manager(request.user)
    communities = list(sel.communities_of(request.user)[:200])
    return render(request, "volunteers/index.html", {"communities": communities})


@login_required
@require_safe
def volunteer_list(request, community_pk: int):
    require_manager(request.user)
    community = or_404(sel.community_for, request.user, community_pk)
    team = request.GET.get("team", "")
    team = team if team in Team.values else ""
    status = request.GET.get("status", "")
    status = status if status in VolunteerStatus.values else ""
    party = request.GET.get("party") == "1"
    page = paginate(request, sel.volunteers_of(community, team=team, status=status, party=party))
    context = {
        "community": community,
        "page": page,
        "team": team,
        "status": status,
        "party": party,
        "teams": Team.choices,
        "pending": sel.pending_count(community),
        "filtered": bool(team or status or party),
    }
    return render(request, "volunteers/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_new(request, community_pk: int):
    require_manager(request.user)
    community = or_404(sel.community_for, request.user, community_pk)
    form = VolunteerForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            volunteer = volunteer_register(actor=request.user, community=community, **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_ADDED % {"name": volunteer.name})
            return redirect("volunteers:detail", pk=volunteer.pk)
    status = 400 if request.method == "POST" else 200
    context = {"community": community, "form": form}
    return render(request, "volunteers/new.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_edit(request, pk: int):
    require_manager(request.user)
    volunteer = or_404(sel.volunteer_for, request.user, pk)
    initial = {
        "name": volunteer.name,
        "birth_year": volunteer.birth_year,
        "teams": volunteer.teams,
        "skills": volunteer.skills,
        "is_party_member": volunteer.is_party_member,
        "weekdays": volunteer.weekdays,
        "times_of_day": volunteer.times_of_day,
        "is_active": volunteer.is_active,
    }
    form = VolunteerEditForm(posted(request), initial=initial, masked_phone=volunteer.phone_masked)
    if request.method == "POST" and form.is_valid():
        try:
            volunteer_update(actor=request.user, volunteer=volunteer, **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_SAVED % {"name": volunteer.name})
            return redirect("volunteers:detail", pk=volunteer.pk)
    status = 400 if request.method == "POST" else 200
    context = {"volunteer": volunteer, "community": volunteer.community, "form": form}
    return render(request, "volunteers/edit.html", context, status=status)


def _volunteer_page(request, volunteer, *, own: bool):
    context = {
        "volunteer": volunteer,
        "community": volunteer.community,
        "hours": sel.volunteer_hours(volunteer),
        "services": sel.services_of(volunteer),
        "per_service": sel.hours_per_service(),
        "own": own,
    }
    return render(request, "volunteers/detail.html", context)


@login_required
@require_safe
def volunteer_detail(request, pk: int):
    require_manager(request.user)
    volunteer = or_404(sel.volunteer_for, request.user, pk)
    return _volunteer_page(request, volunteer, own=False)


def _certificate(request, volunteer):
    content = certificate_download(actor=request.user, volunteer=volunteer)
    response = HttpResponse(content, content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="volunteer-certificate-{volunteer.pk}.pdf"'
    return response


@login_required
@require_safe
def volunteer_certificate(request, pk: int):
    require_manager(request.user)
    volunteer = or_404(sel.volunteer_for, request.user, pk)
    if volunteer.status != VolunteerStatus.APPROVED:
        raise Http404
    return _certificate(request, volunteer)


@login_required
@require_safe
def volunteer_ledger(request, community_pk: int):
    require_manager(request.user)
    community = or_404(sel.community_for, request.user, community_pk)
    export = ledger_export(actor=request.user, community=community)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = export.disposition
    return response


@login_required
@require_safe
def me(request):
    """A volunteer's own page, by the volunteer record linked to their login."""
    volunteer = sel.my_volunteer(request.user)
    if volunteer is None or volunteer.status != VolunteerStatus.APPROVED:
        return render(request, "volunteers/me_none.html", {"volunteer": volunteer})
    return _volunteer_page(request, volunteer, own=True)


@login_required
@require_safe
def me_certificate(request):
    volunteer = sel.my_volunteer(request.user)
    if volunteer is None or volunteer.status != VolunteerStatus.APPROVED:
        raise Http404
    return _certificate(request, volunteer)
