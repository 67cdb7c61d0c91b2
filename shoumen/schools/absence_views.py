"""Illness absences: the designated person's list, one absence with its follow-ups and the
one-tap call, return to class and the return-to-class certificate. Views are thin: a
selector or a service each."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.lib.dates import today
from shoumen.lib.errors import deny
from shoumen.lib.pages import add_service_errors, or_404, paginate
from shoumen.observation.tap_views import TelRedirect, tel_href
from shoumen.schools import absence_selectors as sel
from shoumen.schools.absence_forms import (
    STATUS_CHOICES,
    AbsenceFilterForm,
    CertificateForm,
    ConfirmForm,
    FollowUpForm,
    ReturnForm,
)
from shoumen.schools.absence_services import (
    absence_close_returned,
    absence_follow_up_record,
    absence_guardian_call,
    needs_certificate,
)
from shoumen.schools.certificate_pdf import certificate_export
from shoumen.schools.models import Finding, Guardian, ReturnCertificate
from shoumen.schools.return_services import certificate_issue, earliest_return, return_admit

MSG_FOLLOW_UP = _("The follow-up was recorded.")
MSG_RETURNED = _("The pupil is back in class.")
MSG_ISSUED = _("The return-to-class certificate was issued.")
MSG_ADMITTED = _("The pupil was admitted back to class.")


def _require_view(user) -> None:
    if not can(user, Perm.VIEW_SCHOOLS):
        raise deny()


@login_required
@require_safe
def absences(request):
    _require_view(request.user)
    schools = list(sel.absence_schools_for(request.user))
    form = AbsenceFilterForm(request.GET or None, schools=schools)
    school_id, status = None, sel.CURRENT
    if form.is_bound and form.is_valid():
        school_id = form.cleaned_data["school"] or None
        status = form.cleaned_data["status"] if "status" in request.GET else sel.CURRENT
    page = paginate(request, sel.absences_list(request.user, school_id=school_id, status=status))
    day = today()
    rows = [
        {
            "absence": a,
            "name": sel.pupil_name_for(request.user, a),
            "days": sel.days_absent(a, day),
            "due": sel.follow_up_due(a, day),
        }
        for a in page
    ]
    if not form.is_bound:
        form = AbsenceFilterForm(initial={"status": sel.CURRENT}, schools=schools)
    tabs = [
        {"status": value, "label": label, "active": value == status}
        for value, label in STATUS_CHOICES
    ]
    context = {"form": form, "page": page, "rows": rows, "day": day, "tabs": tabs}
    return render(request, "schools/absences/list.html", context)


def _absence(request, pk):
    _require_view(request.user)
    return or_404(sel.absence_for, request.user, pk=pk)


def _followed(request, pk):
    """An absence the actor follows up (403 for one they only see)."""
    absence = _absence(request, pk)
    if not sel.may_follow_up(request.user, absence):
        raise deny()
    return absence


def _detail(request, absence, *, status=200, **forms):
    day = today()
    follows_up = sel.may_follow_up(request.user, absence)
    certificate = ReturnCertificate.objects.filter(absence=absence).first()
    findings = Finding.objects.filter(
        pupil_id=absence.pupil_id, date__gte=absence.first_day
    ).order_by("date", "pk")
    context = {
        "absence": absence,
        "name": sel.pupil_name_for(request.user, absence),
        "days": sel.days_absent(absence, day),
        "symptoms": sel.symptom_labels(absence.symptoms),
        "findings": findings,
        "follow_ups": absence.follow_ups.select_related("disease", "recorded_by"),
        "guardians": sel.guardians_of(absence) if follows_up else [],
        "follows_up": follows_up,
        "admits": sel.may_admit(request.user, absence),
        "needs_certificate": needs_certificate(absence),
        "earliest": earliest_return(absence),
        "certificate": certificate,
        "returned": absence.status == "returned",
        "follow_up_form": forms.get("follow_up_form") or FollowUpForm(initial={"date": day}),
        "return_form": forms.get("return_form") or ReturnForm(initial={"date": day}),
        "certificate_form": forms.get("certificate_form") or CertificateForm(),
        "confirm_form": ConfirmForm(),
        "day": day,
    }
    return render(request, "schools/absences/detail.html", context, status=status)


@login_required
@require_safe
def absence(request, pk):
    return _detail(request, _absence(request, pk))


@login_required
@require_POST
def absence_follow_up(request, pk):
    absence = _followed(request, pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            absence_follow_up_record(actor=request.user, absence=absence, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc, {"disease_code": "disease"})
        else:
            messages.success(request, MSG_FOLLOW_UP)
            return redirect("schools:absence", pk=absence.pk)
    return _detail(request, absence, status=400, follow_up_form=form)


@login_required
@require_POST
@never_cache  # the number must not stay in a browser or proxy cache
def absence_call(request, pk):
    """Record the call and answer the ``tel:`` link (JSON for the page's script, or a
    redirect): the number never travels in a URL."""
    absence = _followed(request, pk)
    try:
        guardian = Guardian.objects.get(pk=int(request.POST.get("guardian", "")))
    except (ValueError, Guardian.DoesNotExist):
        return HttpResponse(status=400)
    try:
        phone = absence_guardian_call(actor=request.user, absence=absence, guardian=guardian)
    except ValidationError as exc:
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"error": " ".join(exc.messages)}, status=400)
        messages.error(request, " ".join(exc.messages))
        return redirect("schools:absence", pk=absence.pk)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"href": tel_href(phone)})
    return TelRedirect(tel_href(phone))


@login_required
@require_POST
def absence_return(request, pk):
    absence = _followed(request, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            absence_close_returned(
                actor=request.user, absence=absence, date=form.cleaned_data["date"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_RETURNED)
            return redirect("schools:absence", pk=absence.pk)
    return _detail(request, absence, status=400, return_form=form)


@login_required
@require_POST
def certificate_new(request, pk):
    absence = _followed(request, pk)
    form = CertificateForm(request.POST)
    if form.is_valid():
        try:
            certificate_issue(actor=request.user, absence=absence)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_ISSUED)
            return redirect("schools:absence", pk=absence.pk)
    return _detail(request, absence, status=400, certificate_form=form)


@login_required
@require_POST
def absence_admit(request, pk):
    absence = _absence(request, pk)
    if not sel.may_admit(request.user, absence):
        raise deny()
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return _detail(request, absence, status=400)
    try:
        return_admit(actor=request.user, absence=absence)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _detail(request, absence, status=400)
    messages.success(request, MSG_ADMITTED)
    return redirect("schools:absence", pk=absence.pk)


@login_required
@require_safe
def certificate_pdf(request, pk):
    absence = _absence(request, pk)
    if not (sel.may_follow_up(request.user, absence) or sel.may_admit(request.user, absence)):
        raise deny()
    certificate = or_404(ReturnCertificate.objects.select_related("issued_by").get, absence=absence)
    content = certificate_export(actor=request.user, certificate=certificate, absence=absence)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
