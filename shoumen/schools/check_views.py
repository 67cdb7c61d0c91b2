"""The class checks' pages: my classes, a class's day, the check form (one tap when all
are well), a school's classes. Thin: selectors to read, the check service to write."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can, require_somewhere
from shoumen.lib.dates import today
from shoumen.lib.pages import add_service_errors, or_404
from shoumen.schools import check_selectors
from shoumen.schools.calendar import is_school_day, school_days
from shoumen.schools.check_forms import AllWellForm, ClassCheckForm
from shoumen.schools.check_services import class_check_submit
from shoumen.schools.config import sessions_of
from shoumen.schools.models import ClassCheck, Disease, SchoolClass, Session
from shoumen.schools.selectors import class_for

MSG_SAVED = _("The %(session)s of %(klass)s is in. Thank you.")
MSG_ALL_WELL = _("Everyone present and well: the %(session)s of %(klass)s is in.")
MSG_REPLAYED = _("This check was already in; nothing changed.")
ERR_TAP_AGAIN = _("Tap the button again.")
# Beyond this many classes a list shows schools, each opening its own classes.
CLASSES_ON_ONE_PAGE = 60


def _day_from(request) -> datetime.date:
    """``?date=`` for a late entry, today by default (a bad value is today)."""
    raw = request.GET.get("date") or request.POST.get("date") or ""
    try:
        return datetime.date.fromisoformat(raw) if raw else today()
    except ValueError:
        return today()


def _missed_days(klass: SchoolClass, day: datetime.date) -> list[tuple[datetime.date, str]]:
    """Sessions of the last school days (within the late-entry limit) still without a check."""
    limit = check_selectors.rules_read().late_entry_school_days
    start = day - datetime.timedelta(days=limit * 3 + 14)
    days = school_days(klass.school, start, day - datetime.timedelta(days=1))
    days = days[-limit:] if limit else []
    done = set(ClassCheck.objects.filter(klass=klass, date__in=days).values_list("date", "session"))
    return [(d, s) for d in days for s in sessions_of(klass) if (d, s) not in done]


@login_required
@require_GET
def my_classes(request):
    require_somewhere(request.user, Perm.VIEW_SCHOOLS)
    schools = list(check_selectors.schools_seen_by(request.user))
    classes = check_selectors.my_classes(request.user)
    many = len(classes) > CLASSES_ON_ONE_PAGE
    days = [] if many else check_selectors.class_days(classes, today())
    context = {
        "schools": schools,
        "days": days,
        "many": many,
        "day": today(),
        "may_check": can(request.user, Perm.RECORD_CLASS_CHECKS),
    }
    return render(request, "schools/checks/my_classes.html", context)


@login_required
@require_GET
def school(request, pk: int):
    require_somewhere(request.user, Perm.VIEW_SCHOOLS)
    found = or_404(check_selectors.school_seen_by, request.user, pk)
    classes = check_selectors.school_classes(request.user, found)
    day = today()
    context = {
        "school": found,
        "days": check_selectors.class_days(classes, day),
        "day": day,
        "school_day": is_school_day(found, day),
    }
    return render(request, "schools/checks/school.html", context)


@login_required
@require_GET
def class_today(request, pk: int):
    require_somewhere(request.user, Perm.VIEW_SCHOOLS)
    klass = or_404(class_for, request.user, pk)
    day = today()
    (row,) = check_selectors.class_days(
        list(
            check_selectors.classes_with_roll(
                SchoolClass.objects.filter(pk=klass.pk).select_related("unit", "school__unit")
            )
        ),
        day,
    )
    may_check = check_selectors.may_check(request.user, klass)
    context = {
        "klass": klass,
        "row": row,
        "day": day,
        "may_check": may_check,
        "missed": _missed_days(klass, day) if may_check else [],
    }
    return render(request, "schools/checks/class_today.html", context)


def _checked_class(request, pk: int, session: str) -> SchoolClass:
    require_somewhere(request.user, Perm.RECORD_CLASS_CHECKS)
    klass = or_404(class_for, request.user, pk, Perm.RECORD_CLASS_CHECKS)
    if session not in sessions_of(klass):
        raise Http404
    return klass


def _submit(request, klass, session, values):
    check, created = class_check_submit(actor=request.user, klass=klass, session=session, **values)
    if not created:
        messages.info(request, MSG_REPLAYED)
    else:
        template = MSG_SAVED if values["absences"] or values["symptomatic"] else MSG_ALL_WELL
        messages.success(
            request,
            template % {"session": Session(session).label, "klass": klass.unit.name},
        )
    return check


@login_required
@require_http_methods(["GET", "POST"])
def check_new(request, pk: int, session: str):
    klass = _checked_class(request, pk, session)
    day = _day_from(request)
    pupils = check_selectors.roll_of(klass)
    diseases = list(Disease.objects.order_by("name"))
    form = ClassCheckForm(None, pupils=pupils, day=day, diseases=diseases)
    all_well = AllWellForm(initial={"client_uuid": form.initial["client_uuid"], "date": day})
    status = 200
    if request.method == "POST":
        status = 400
        if "all_well" in request.POST:
            all_well = AllWellForm(request.POST)
            if all_well.is_valid():
                values = {
                    **all_well.cleaned_data,
                    "present": len(pupils),
                    "absences": [],
                    "symptomatic": [],
                }
                try:
                    _submit(request, klass, session, values)
                except ValidationError as exc:
                    form.add_error(None, exc.messages)
                else:
                    return redirect("schools:class_today", pk=klass.pk)
            else:
                form.add_error(None, ERR_TAP_AGAIN)
        else:
            form = ClassCheckForm(request.POST, pupils=pupils, day=day, diseases=diseases)
            if form.is_valid():
                try:
                    _submit(request, klass, session, form.service_values())
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    return redirect("schools:class_today", pk=klass.pk)
    existing = ClassCheck.objects.filter(klass=klass, date=day, session=session).first()
    context = {
        "klass": klass,
        "session": session,
        "session_label": Session(session).label,
        "day": day,
        "school_day": is_school_day(klass.school, day),
        "existing": existing,
        "form": form,
        "all_well": all_well,
        "rows": form.rows(),
        "pending": [p for p in pupils if p.return_pending],
        "diseases": diseases,
        "now": timezone.now(),
    }
    return render(request, "schools/checks/check_form.html", context, status=status)
