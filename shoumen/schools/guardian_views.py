"""Guardians' links: the follow-up person's page (issue, regenerate, revoke, the QR to give
to the guardian) and the public page behind the link, which needs no login."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.lib.dates import today
from shoumen.lib.errors import deny
from shoumen.lib.names import mask_name
from shoumen.lib.pages import add_service_errors, or_404
from shoumen.lib.qr import qr_png, qr_svg_inline
from shoumen.lib.throttle import kept_private, public_page_limits
from shoumen.schools.absence_forms import ConfirmForm, GuardianReportForm, LinkRevokeForm
from shoumen.schools.absence_selectors import guardian_link_of
from shoumen.schools.absence_services import absence_report_by_guardian, leave_report_by_guardian
from shoumen.schools.guardian_links import (
    guardian_link_is_live,
    guardian_link_issue,
    guardian_link_resolve,
    guardian_link_revoke,
    guardian_link_shown,
    guardian_link_token,
)
from shoumen.schools.models import GuardianLink
from shoumen.schools.selectors import pupil_for

MSG_ISSUED = _("The guardian's link is ready: show the QR code or send the link.")
MSG_REVOKED = _("The link was revoked.")
MSG_SICK_RECEIVED = _("Thank you. The school knows your child is off sick and will call you.")
MSG_LEAVE_RECEIVED = _("Thank you. The school knows your child is away.")


# ---------------------------------------------------------------- the follow-up person's pages


def _pupil(request, pk):
    if not can(request.user, Perm.FOLLOW_UP_ABSENCES):
        raise deny()
    return or_404(pupil_for, request.user, pk=pk, perm=Perm.FOLLOW_UP_ABSENCES)


def _url(request, link: GuardianLink) -> str:
    path = reverse("schools:guardian", args=[guardian_link_token(link)])
    return request.build_absolute_uri(path)


def _link_page(request, pupil, *, status=200, revoke_form=None):
    """The link's page; a refused form comes back without the QR, so that showing it (an
    audited event) stays a GET of its own."""
    link = guardian_link_of(pupil.pk)
    live = guardian_link_is_live(link)
    url = qr = ""
    if live and link is not None and status == 200:
        url = _url(request, link)
        qr = qr_svg_inline(url)
        guardian_link_shown(actor=request.user, link=link, fmt="page")
    context = {
        "pupil": pupil,
        "link": link,
        "live": live,
        "show_qr": bool(qr),
        "url": url,
        "qr": qr,
        "confirm_form": ConfirmForm(),
        "revoke_form": revoke_form or LinkRevokeForm(),
    }
    response = render(request, "schools/absences/guardian_link.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def guardian_link(request, pk):
    return _link_page(request, _pupil(request, pk))


@login_required
@require_POST
def guardian_link_new(request, pk):
    pupil = _pupil(request, pk)
    if not ConfirmForm(request.POST).is_valid():
        return _link_page(request, pupil, status=400)
    try:
        guardian_link_issue(actor=request.user, pupil=pupil)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _link_page(request, pupil, status=400)
    messages.success(request, MSG_ISSUED)
    return redirect("schools:guardian_link", pk=pupil.pk)


@login_required
@require_POST
def guardian_link_end(request, pk):
    pupil = _pupil(request, pk)
    link = guardian_link_of(pupil.pk)
    form = LinkRevokeForm(request.POST)
    if link is None:
        return _link_page(request, pupil, status=400, revoke_form=form)
    if form.is_valid():
        try:
            guardian_link_revoke(actor=request.user, link=link, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_REVOKED)
            return redirect("schools:guardian_link", pk=pupil.pk)
    return _link_page(request, pupil, status=400, revoke_form=form)


@login_required
@require_safe
def guardian_link_qr(request, pk):
    pupil = _pupil(request, pk)
    link = guardian_link_of(pupil.pk)
    if not guardian_link_is_live(link) or link is None:
        return HttpResponse(status=404)
    guardian_link_shown(actor=request.user, link=link, fmt="png")
    response = HttpResponse(qr_png(_url(request, link)), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="guardian-link-{pupil.pk}.png"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- the public page


@require_http_methods(["GET", "HEAD", "POST"])
@public_page_limits("guardian")
def guardian(request, token):
    """The page behind a guardian's link: off sick today (symptoms, onset) or personal
    leave. A forged, superseded, expired or revoked link gets one and the same page."""
    link = guardian_link_resolve(token)
    if link is None:
        return kept_private(render(request, "schools/absences/guardian_invalid.html", status=404))
    day = today()
    status = 200
    if request.method == "POST":
        form = GuardianReportForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["kind"] == "personal":
                    leave_report_by_guardian(link=link, date=data["date"], note=data["note"])
                    message = MSG_LEAVE_RECEIVED
                else:
                    absence_report_by_guardian(
                        link=link,
                        date=data["date"],
                        symptoms=data["symptoms"],
                        onset_date=data["onset_date"],
                        saw_doctor=data["saw_doctor"],
                        diagnosis_note=data["diagnosis_note"],
                    )
                    message = MSG_SICK_RECEIVED
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, message)
                return kept_private(redirect(request.path))
        status = 400
    else:
        form = GuardianReportForm(initial={"date": day, "onset_date": day})
    pupil = link.pupil
    context = {
        "name": mask_name(pupil.name),
        "class_name": str(pupil.klass),
        "school_name": str(pupil.school),
        "form": form,
        "day": day,
    }
    return kept_private(render(request, "schools/absences/guardian.html", context, status=status))
