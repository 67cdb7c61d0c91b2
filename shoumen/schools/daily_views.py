"""Pages of the daily report and the boards: the health officer's Today, one day's report
and its confirm, the schools board and the reporting-rates table. Thin: a selector or a
service each."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.lib.dates import today
from shoumen.lib.errors import deny
from shoumen.lib.pages import add_service_errors, or_404
from shoumen.places.selectors import ancestors_of
from shoumen.schools.board import RATE_NOTE, NoBoard, board_for, board_unit_for
from shoumen.schools.daily_forms import DailyConfirmForm, PeriodForm
from shoumen.schools.daily_selectors import today_of
from shoumen.schools.daily_services import daily_report_confirm
from shoumen.schools.rates import reporting_rates
from shoumen.schools.selectors import school_for

MSG_CONFIRMED = _("The daily report of %(date)s is confirmed.")
MSG_ALREADY = _("The daily report of %(date)s was already confirmed.")
RATES_WEEKS = 4


def _require_schools(user) -> None:
    """No schools role at all: refused (403); a school out of scope is a 404."""
    if not can(user, Perm.VIEW_SCHOOLS):
        raise deny()


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise Http404 from exc


def _unit_pk(request) -> int | None:
    value = request.GET.get("unit", "")
    return int(value) if value.isdigit() else None


def today_context(request, school, *, form=None) -> dict:
    day = today()
    return {
        "school": school,
        "day": day,
        "today": today_of(request.user, school, day=day, now=timezone.now()),
        "form": form or DailyConfirmForm(),
        "ancestors": ancestors_of(school.unit),
    }


@login_required
@require_safe
def today_page(request, pk):
    _require_schools(request.user)
    school = or_404(school_for, request.user, pk)
    return render(request, "schools/daily/today.html", today_context(request, school))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def daily_report(request, pk, date):
    _require_schools(request.user)
    school = or_404(school_for, request.user, pk)
    day = _day(date)
    form = DailyConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            _report, created = daily_report_confirm(
                actor=request.user, school=school, date=day, remarks=form.cleaned_data["remarks"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            message = MSG_CONFIRMED if created else MSG_ALREADY
            messages.success(request, message % {"date": day.isoformat()})
            if day == today():
                return redirect("schools:today", school.pk)
            return redirect("schools:daily_report", school.pk, day.isoformat())
    now = timezone.now()
    context = {
        "school": school,
        "day": day,
        "today": today_of(request.user, school, day=day, now=now),
        "form": form,
        "ancestors": ancestors_of(school.unit),
        "is_today": day == today(),
    }
    return render(
        request, "schools/daily/report.html", context, status=400 if form.is_bound else 200
    )


@login_required
@require_safe
def board(request):
    _require_schools(request.user)
    try:
        unit = board_unit_for(request.user, _unit_pk(request))
    except NoBoard as exc:
        raise Http404 from exc
    summary = board_for(request.user, unit, day=today())
    return render(
        request,
        "schools/daily/board.html",
        {
            "board": summary,
            "chart": summary.chart_data(),
            "rate_note": RATE_NOTE,
            "ancestors": ancestors_of(unit),
        },
    )


@login_required
@require_safe
def rates(request):
    _require_schools(request.user)
    try:
        unit = board_unit_for(request.user, _unit_pk(request))
    except NoBoard as exc:
        raise Http404 from exc
    period = PeriodForm({"start": request.GET.get("from"), "end": request.GET.get("to")})
    start, end = period.period(today(), RATES_WEEKS)
    result = reporting_rates(actor=request.user, unit=unit, start=start, end=end)
    return render(
        request,
        "schools/daily/rates.html",
        {
            "rates": result,
            "ancestors": ancestors_of(unit),
            "board_url": reverse("schools:board") + f"?unit={unit.pk}",
        },
    )
