"""Recruiting volunteers by QR code: the community's QR poster (page, PNG, SVG) for its
staff, the public sign-up page it leads to (no login, limited per client address like the
other public pages), and the staff approving or rejecting the sign-ups."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shoumen.lib.pages import add_service_errors, or_404, posted
from shoumen.lib.qr import qr_png, qr_svg, qr_svg_inline
from shoumen.lib.throttle import public_page_limits
from shoumen.registry.volunteer_services import (
    volunteer_approve,
    volunteer_reject,
    volunteer_sign_up,
)
from shoumen.services import volunteer_selectors as sel
from shoumen.services.volunteer_forms import RejectForm, SignUpForm
from shoumen.services.volunteer_views import require_manager

MSG_APPROVED = _("%(name)s is approved as a volunteer.")
MSG_REJECTED = _("%(name)s's sign-up is rejected.")


def sign_up_url(request, community) -> str:
    return request.build_absolute_uri(reverse("volunteers:join", args=[sel.sign_up_key(community)]))


@login_required
@require_safe
def qr_poster(request, community_pk: int):
    """The community's recruitment QR code, to show on a phone or print and put up."""
    require_manager(request.user)
    community = or_404(sel.community_for, request.user, community_pk)
    url = sign_up_url(request, community)
    context = {"community": community, "url": url, "qr_svg": qr_svg_inline(url, scale=8)}
    return render(request, "volunteers/qr.html", context)


@login_required
@require_safe
def qr_image(request, community_pk: int, fmt: str):
    require_manager(request.user)
    community = or_404(sel.community_for, request.user, community_pk)
    url = sign_up_url(request, community)
    if fmt == "svg":
        response = HttpResponse(qr_svg(url), content_type="image/svg+xml")
    else:
        response = HttpResponse(qr_png(url), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="volunteer-sign-up.{fmt}"'
    return response


@never_cache
@public_page_limits("volunteer-sign-up")
def join(request, key: str):
    """Reached by scanning the community's QR code: no login, a phone-sized form."""
    community = or_404(sel.community_by_sign_up_key, key)
    form = SignUpForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            volunteer = volunteer_sign_up(community=community, **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            context = {"community": community, "volunteer": volunteer}
            return render(request, "volunteers/join_done.html", context)
    status = 400 if request.method == "POST" else 200
    context = {"community": community, "form": form}
    # Not kept_private: its no-referrer policy makes the browser send "Origin: null" with
    # the form, which the CSRF check refuses; the address holds no personal token anyway.
    return render(request, "volunteers/join.html", context, status=status)


@login_required
@require_POST
def approve(request, pk: int):
    require_manager(request.user)
    volunteer = or_404(sel.volunteer_for, request.user, pk)
    try:
        volunteer_approve(actor=request.user, volunteer=volunteer)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, MSG_APPROVED % {"name": volunteer.name})
    return redirect("volunteers:detail", pk=volunteer.pk)


@login_required
@require_http_methods(["GET", "POST"])
def reject(request, pk: int):
    require_manager(request.user)
    volunteer = or_404(sel.volunteer_for, request.user, pk)
    form = RejectForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            volunteer_reject(
                actor=request.user, volunteer=volunteer, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_REJECTED % {"name": volunteer.name})
            return redirect("volunteers:list", community_pk=volunteer.community_id)
    status = 400 if request.method == "POST" else 200
    context = {"volunteer": volunteer, "community": volunteer.community, "form": form}
    return render(request, "volunteers/reject.html", context, status=status)
