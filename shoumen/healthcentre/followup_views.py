"""Follow-up pages: the form (phone and desktop) with the classification, referral and
next date computed from the values and shown before saving (htmx posts the form to the
preview, which writes nothing; without script the "Check" button does the same), a
recorded follow-up, and its FHIR export (audited).

Access: recording needs RECORD_FOLLOW_UPS over the patient (404 outside scope); reading
and the export VIEW_HEALTH_RECORDS."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.healthcentre import patient_selectors as selectors
from shoumen.healthcentre.fhir import follow_up_fhir_export
from shoumen.healthcentre.followup_forms import FollowUpForm
from shoumen.healthcentre.followup_services import (
    ERR_NOT_ACTIVE,
    follow_up_preview,
    follow_up_record,
)
from shoumen.healthcentre.models import Classification, Patient, PatientStatus, Referral
from shoumen.healthcentre.page_helpers import submit
from shoumen.healthcentre.rules import symptom_label
from shoumen.lib.pages import add_service_errors, or_404, posted

MSG_SAVED = _("Follow-up saved.")
MSG_REPLAY = _("This follow-up was saved already.")


def _patient_to_follow(request, pk: int) -> Patient:
    require_somewhere(request.user, Perm.RECORD_FOLLOW_UPS)
    return or_404(selectors.patient_for, request.user, pk)


def _preview(case: Patient, form: FollowUpForm):
    """The assessment of valid values, else None with the errors on the form; writes
    nothing."""
    if not form.is_valid():
        return None
    try:
        return follow_up_preview(patient=case, values=form.values())
    except (ValidationError, ValueError) as exc:
        if isinstance(exc, ValidationError):
            add_service_errors(form, exc)
        return None


def _labels(assessment) -> dict:
    if assessment is None:
        return {"assessment": None}
    return {
        "assessment": assessment,
        "classification_label": Classification(assessment.classification).label,
        "referral_label": Referral(assessment.referral).label,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def follow_up_new(request, pk: int):
    case = _patient_to_follow(request, pk)
    if case.status != PatientStatus.ACTIVE:
        messages.error(request, ERR_NOT_ACTIVE)
        return redirect("health:patient", pk=pk)
    form = FollowUpForm(posted(request), disease=case.disease)
    assessment = None
    status = 200
    if request.method == "POST":
        status = 400
        if "preview" in request.POST:
            assessment = _preview(case, form)
            status = 200 if assessment is not None else 400
        else:
            done = submit(
                request,
                form,
                lambda data: follow_up_record(
                    actor=request.user,
                    patient=case,
                    client_uuid=data["client_uuid"],
                    values=form.values(),
                ),
                message=lambda recorded: MSG_SAVED if recorded[1] else MSG_REPLAY,
                then=lambda recorded: redirect("health:follow_up", pk=recorded[0].pk),
            )
            if done:
                return done
    context = {"patient": case, "person": case.person, "form": form, **_labels(assessment)}
    return render(request, "healthcentre/chronic/follow_up_new.html", context, status=status)


@login_required
@require_POST
def follow_up_preview_view(request, pk: int):
    """The assessment panel for the values posted so far (htmx); writes nothing."""
    case = _patient_to_follow(request, pk)
    if case.status != PatientStatus.ACTIVE:
        raise Http404
    form = FollowUpForm(request.POST, disease=case.disease)
    assessment = _preview(case, form)
    return render(
        request,
        "healthcentre/chronic/_assessment.html",
        {"form": form, **_labels(assessment)},
    )


@login_required
@require_safe
def follow_up(request, pk: int):
    require_somewhere(request.user, Perm.VIEW_HEALTH_RECORDS)
    record = or_404(selectors.follow_up_for, request.user, pk)
    disease = record.patient.disease
    context = {
        "follow_up": record,
        "patient": record.patient,
        "person": record.patient.person,
        "symptoms": [symptom_label(disease, code) for code in record.symptoms],
    }
    return render(request, "healthcentre/chronic/follow_up.html", context)


@login_required
@require_safe
def follow_up_fhir(request, pk: int):
    require_somewhere(request.user, Perm.VIEW_HEALTH_RECORDS)
    record = or_404(selectors.follow_up_for, request.user, pk)
    data = follow_up_fhir_export(actor=request.user, follow_up=record)
    response = JsonResponse(data, content_type="application/fhir+json")
    response["Content-Disposition"] = f'attachment; filename="follow-up-{record.pk}.fhir.json"'
    response["Cache-Control"] = "private, no-store"
    return response
