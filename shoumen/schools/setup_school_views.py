"""Setting schools up: the education bureau adds a school under a street of its district;
a school's health officer or principal adds its classes and terms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can, require_somewhere
from shoumen.lib.errors import deny
from shoumen.lib.pages import add_service_errors, or_404, posted
from shoumen.places.models import Level
from shoumen.places.selectors import org_units_visible_to
from shoumen.schools.check_selectors import school_seen_by
from shoumen.schools.selectors import school_for
from shoumen.schools.setup_forms import ClassForm, SchoolForm, TermForm
from shoumen.schools.setup_services import class_create, school_create, term_set

MSG_SCHOOL_ADDED = _("%(name)s was added.")
MSG_CLASS_ADDED = _("%(name)s was added.")
MSG_TERM_SAVED = _("The term was saved.")


@login_required
@require_http_methods(["GET", "POST"])
def school_new(request):
    require_somewhere(request.user, Perm.MANAGE_SCHOOLS)
    streets = org_units_visible_to(request.user, Perm.MANAGE_SCHOOLS).filter(level=Level.STREET)
    form = SchoolForm(posted(request), streets=streets)
    if request.method == "POST" and form.is_valid():
        try:
            school = school_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_SCHOOL_ADDED % {"name": school.unit.name})
            return redirect("schools:school", pk=school.pk)
    status = 400 if form.errors else 200
    return render(request, "schools/setup/school_new.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def class_new(request, pk: int):
    require_somewhere(request.user, Perm.MANAGE_PUPILS)
    school = or_404(school_for, request.user, pk, Perm.MANAGE_PUPILS)
    form = ClassForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            klass = class_create(actor=request.user, school=school, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_CLASS_ADDED % {"name": klass.unit.name})
            return redirect("schools:class_pupils", pk=klass.pk)
    status = 400 if form.errors else 200
    context = {"school": school, "form": form}
    return render(request, "schools/setup/class_new.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def terms(request, pk: int):
    require_somewhere(request.user, Perm.VIEW_SCHOOLS)
    # Whoever sees the school page sees its terms, a class teacher included.
    school = or_404(school_seen_by, request.user, pk)
    may_manage = can(request.user, Perm.MANAGE_PUPILS, school.unit)
    if request.method == "POST" and not may_manage:
        raise deny()
    form = TermForm(posted(request)) if may_manage else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            term_set(actor=request.user, school=school, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MSG_TERM_SAVED)
            return redirect("schools:terms", pk=school.pk)
    status = 400 if form is not None and form.errors else 200
    context = {"school": school, "terms": school.terms.all(), "form": form}
    return render(request, "schools/setup/terms.html", context, status=status)
