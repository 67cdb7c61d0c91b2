"""The chronic registry's pages: the patient list (the part's entry page), a patient with
their plan, history and trend, registering one, ending a case, and the residents the
registry tags as chronically ill who are not registered yet.

Access: the lists need VIEW_HEALTH_RECORDS somewhere (403 without); a patient outside
the actor's scope is a 404; registering and ending need RECORD_FOLLOW_UPS."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can, require_somewhere
from shoumen.healthcentre import patient_selectors as selectors
from shoumen.healthcentre.followup_forms import (
    FirstVisitForm,
    PatientEndForm,
    PatientFilters,
    PatientNewForm,
)
from shoumen.healthcentre.models import Disease
from shoumen.healthcentre.page_helpers import resident_pick, submit
from shoumen.healthcentre.patient_services import END_REASONS, patient_end, patient_register
from shoumen.healthcentre.rules import first_visit_offers_registration, hypertension_targets
from shoumen.lib.dates import today
from shoumen.lib.pages import or_404, paginate, posted

MSG_REGISTERED = _("Registered. Record the first follow-up when you see them.")
MSG_ALREADY = _("Already under management for this disease.")
MSG_ENDED = _("No longer managed.")


@login_required
@require_safe
def patients(request):
    require_somewhere(request.user, Perm.VIEW_HEALTH_RECORDS)
    teams = list(selectors.teams_for_filter(request.user))
    filters = PatientFilters(request.GET or None, teams=teams)
    data = filters.cleaned_data if filters.is_valid() else {}
    team = next((t for t in teams if t.pk == data.get("team")), None)
    qs = selectors.patients_list(
        request.user,
        disease=data.get("disease", ""),
        team=team,
        due=data.get("due", ""),
        referral_due=bool(data.get("referral_due")),
        uncontrolled=bool(data.get("uncontrolled")),
    )
    context = {
        "filters": filters,
        "page": paginate(request, qs),
        "query": request.GET.copy().urlencode() if request.GET else "",
        "today": today(),
        "can_record": can(request.user, Perm.RECORD_FOLLOW_UPS),
        "can_export": can(request.user, Perm.EXPORT_HEALTH_LEDGERS),
    }
    return render(request, "healthcentre/chronic/patients.html", context)


def _target(case) -> str:
    """The patient's control target, as the plan shows it."""
    if case.disease == Disease.HYPERTENSION:
        systolic, diastolic = hypertension_targets(case.person.age)
        return f"< {systolic}/{diastolic} mmHg"
    return f"< {settings.SHOUMEN_DM_TARGET_GLUCOSE} mmol/L"


@login_required
@require_safe
def patient(request, pk: int):
    require_somewhere(request.user, Perm.VIEW_HEALTH_RECORDS)
    case = or_404(selectors.patient_for, request.user, pk)
    follow_ups = selectors.patient_follow_ups(case)
    context = {
        "patient": case,
        "person": case.person,
        "follow_ups": follow_ups,
        "trend": list(reversed(follow_ups[:12])),
        "target": _target(case),
        "end_form": PatientEndForm() if case.status == "active" else None,
        "end_reason": END_REASONS.get(case.end_reason, case.end_reason),
        "can_record": can(request.user, Perm.RECORD_FOLLOW_UPS, case.grid),
    }
    return render(request, "healthcentre/chronic/patient.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def patient_new(request):
    """Find the resident by name, then say which disease."""
    require_somewhere(request.user, Perm.RECORD_FOLLOW_UPS)
    pick = resident_pick(request, Perm.RECORD_FOLLOW_UPS)
    person = pick.person
    initial = {"source": request.GET.get("source")} if request.GET.get("source") else {}
    form = PatientNewForm(posted(request) if person else None, initial=initial)
    if request.method == "POST" and person is not None:
        done = submit(
            request,
            form,
            lambda data: patient_register(
                actor=request.user,
                person=person,
                disease=data["disease"],
                source=data["source"],
                diagnosed_on=data["diagnosed_on"],
                client_uuid=data["client_uuid"],
            ),
            message=lambda registered: MSG_REGISTERED if registered[1] else MSG_ALREADY,
            then=lambda registered: redirect("health:patient", pk=registered[0].pk),
        )
        if done:
            return done
    context = {"person": person, "q": pick.q, "candidates": pick.candidates, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "healthcentre/chronic/patient_new.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def first_visit(request):
    """A first-visit blood pressure check: a raised reading of a resident from the
    screening age offers registering them as a hypertension patient. Writes nothing."""
    require_somewhere(request.user, Perm.RECORD_FOLLOW_UPS)
    pick = resident_pick(request, Perm.RECORD_FOLLOW_UPS)
    person = pick.person
    form = FirstVisitForm(posted(request) if person else None)
    offer = None
    status = 200
    if request.method == "POST":
        status = 400
        if person is not None and form.is_valid():
            status = 200
            offer = first_visit_offers_registration(
                age=person.age,
                systolic=form.cleaned_data["systolic"],
                diastolic=form.cleaned_data["diastolic"],
            )
    context = {
        "person": person,
        "q": pick.q,
        "candidates": pick.candidates,
        "form": form,
        "offer": offer,
        "managed": person is not None and selectors.is_managed(person, Disease.HYPERTENSION),
        "screen_age": settings.SHOUMEN_HT_SCREEN_AGE,
    }
    return render(request, "healthcentre/chronic/first_visit.html", context, status=status)


@login_required
@require_POST
def patient_end_view(request, pk: int):
    require_somewhere(request.user, Perm.RECORD_FOLLOW_UPS)
    case = or_404(selectors.patient_for, request.user, pk)
    form = PatientEndForm(request.POST)
    if form.is_valid():
        try:
            patient_end(actor=request.user, patient=case, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, MSG_ENDED)
            return redirect("health:patient", pk=case.pk)
    else:
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
    response = redirect("health:patient", pk=case.pk)
    response.status_code = 303
    return response


@login_required
@require_safe
def chronic_tagged(request):
    require_somewhere(request.user, Perm.VIEW_HEALTH_RECORDS)
    context = {
        "page": paginate(request, selectors.tagged_not_registered(request.user)),
        "can_record": can(request.user, Perm.RECORD_FOLLOW_UPS),
    }
    return render(request, "healthcentre/chronic/tagged.html", context)
