"""A class's roster and a pupil's page: masked ID numbers and phones, age not birth date;
adding and editing pupils and guardians for those who manage pupils."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.lib.pages import add_service_errors, or_404, posted
from shoumen.schools import check_selectors
from shoumen.schools.check_forms import GuardianForm, PupilEditForm, PupilForm
from shoumen.schools.selectors import class_for, pupil_for
from shoumen.schools.setup_services import (
    guardian_set,
    pupil_create,
    pupil_deactivate,
    pupil_update,
)

MSG_PUPIL_ADDED = _("%(name)s is on the roll.")
MSG_PUPIL_SAVED = _("Saved.")
MSG_GUARDIAN_SAVED = _("Guardian saved.")
MSG_OFF_THE_ROLL = _("%(name)s is no longer on the roll.")


@login_required
@require_http_methods(["GET", "POST"])
def class_pupils(request, pk: int):
    """The roll; the add-a-pupil form below it for those who manage pupils."""
    require_somewhere(request.user, Perm.VIEW_SCHOOLS)
    klass = or_404(class_for, request.user, pk)
    may_manage = check_selectors.may_manage_pupils(request.user, klass)
    if request.method == "POST":
        require_somewhere(request.user, Perm.MANAGE_PUPILS)
        klass = or_404(class_for, request.user, pk, Perm.MANAGE_PUPILS)
    form = PupilForm(posted(request)) if may_manage else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            pupil = pupil_create(actor=request.user, klass=klass, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_PUPIL_ADDED % {"name": pupil.name})
            return redirect("schools:class_pupils", pk=klass.pk)
    context = {
        "klass": klass,
        "pupils": check_selectors.roster(request.user, klass),
        "form": form,
        "may_manage": may_manage,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "schools/checks/class_pupils.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def pupil(request, pk: int):
    require_somewhere(request.user, Perm.VIEW_SCHOOLS)
    found = or_404(pupil_for, request.user, pk)
    context = {
        "pupil": found,
        "guardians": list(found.guardians.order_by("pk")),
        "findings": check_selectors.pupil_findings(found),
        "absences": check_selectors.pupil_absences(found),
        "may_manage": check_selectors.may_manage_pupils(request.user, found.klass),
        "guardian_form": GuardianForm(),
    }
    return render(request, "schools/checks/pupil.html", context)


def _managed_pupil(request, pk: int):
    require_somewhere(request.user, Perm.MANAGE_PUPILS)
    return or_404(pupil_for, request.user, pk, Perm.MANAGE_PUPILS)


@login_required
@require_http_methods(["GET", "POST"])
def pupil_edit(request, pk: int):
    found = _managed_pupil(request, pk)
    initial = {
        "name": found.name,
        "sex": found.sex,
        "birth_date": found.birth_date,
        "kind": found.kind,
        "boarding": found.boarding,
    }
    if request.method == "POST" and "off_the_roll" in request.POST and found.active:
        pupil_deactivate(actor=request.user, pupil=found, reason=request.POST.get("reason", ""))
        messages.success(request, MSG_OFF_THE_ROLL % {"name": found.name})
        return redirect("schools:class_pupils", pk=found.klass_id)
    form = PupilEditForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            pupil_update(actor=request.user, pupil=found, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_PUPIL_SAVED)
            return redirect("schools:pupil", pk=found.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "schools/checks/pupil_edit.html", {"pupil": found, "form": form}, status=status
    )


@login_required
@require_POST
def guardian_add(request, pk: int):
    found = _managed_pupil(request, pk)
    form = GuardianForm(request.POST)
    if form.is_valid():
        try:
            guardian_set(actor=request.user, pupil=found, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_GUARDIAN_SAVED)
            return redirect("schools:pupil", pk=found.pk)
    context = {
        "pupil": found,
        "guardians": list(found.guardians.order_by("pk")),
        "findings": check_selectors.pupil_findings(found),
        "absences": check_selectors.pupil_absences(found),
        "may_manage": True,
        "guardian_form": form,
    }
    return render(request, "schools/checks/pupil.html", context, status=400)
